"""Speech synthesis: Piper's real-time factor and time to first audio, on the profile's own replies.

The texts are the replies the understanding stage gives to the pipeline section's commands
(templates only), spoken by the profile's voice for its default language at `[dialog]
length_scale`, sentence by sentence as `voicebox run` speaks them. Time to first audio is
from `synthesize()` to its first sentence; "cold" also loads the voice first.
"""
from __future__ import annotations

import time

from voicebox.bench.stats import p50_p95


def replies(profile_name: str, commands: list[str]) -> list[str]:
    """The distinct replies the templates give to `commands`, in order."""
    from voicebox.nlu.cli import understander

    und = understander(profile_name, no_llm=True)
    und.load()
    out = []
    for text in commands:
        und.reset()
        reply = und.parse(text, None).reply
        if reply and reply not in out:
            out.append(reply)
    return out


def speak(tts, text: str) -> tuple[float, float, float]:
    """(seconds to the first sentence, seconds in all, seconds of audio) of one reply."""
    start = time.perf_counter()
    first, audio_s = None, 0.0
    for sentence in tts.synthesize(text):
        first = first if first is not None else time.perf_counter() - start
        audio_s += len(sentence.samples) / sentence.sample_rate
    return first or 0.0, time.perf_counter() - start, audio_s


def measure(store, prof, texts: list[str], bar=lambda it, **_: it) -> dict:
    """The TTS section of `voicebox bench`."""
    from voicebox.pipeline.assemble import voice_for
    from voicebox.tts import PiperTts

    voice = voice_for(prof, prof.profile.default_language)
    tts = PiperTts(store, voice, prof.dialog.length_scale)
    load_s = tts.load()
    cold_first = load_s + speak(tts, texts[0])[0]
    rows = [speak(tts, t) for t in bar(texts, desc="speaking replies")]
    tts.unload()
    synth_s, audio_s = sum(r[1] for r in rows), sum(r[2] for r in rows)
    return {"voice": voice, "length_scale": prof.dialog.length_scale, "replies": len(texts),
            "audio_s": round(audio_s, 2), "rtf": round(synth_s / audio_s, 3),
            "first_audio_ms": p50_p95([r[0] * 1000 for r in rows]),
            "first_audio_cold_ms": round(cold_first * 1000, 1), "load_ms": round(load_s * 1000, 1),
            "first_audio_all_ms": [r[0] * 1000 for r in rows], "texts": texts}
