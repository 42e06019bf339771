"""Recogniser figures: memory per backend, WER and RTF, verification, wake → ready and catch-up.

    nice .venv/bin/python tools/bench_asr.py [--every 3] [--json out.json]

Speech is synthesised with Piper (English) and espeak-ng (Korean) as in the tests;
phrase lists are tests/data/asr/<profile>.en.txt. Each backend's memory is measured
in a fresh process so the figures do not mix. Decoding and scoring are
voicebox/bench/asr.py's, shared with `voicebox bench`. Prints a report; never fails on a figure.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from asr_data import OUT_OF_GRAMMAR, PROFILES, commands, espeak, phrases  # noqa: E402
from conftest import _speech, silence  # noqa: E402
from voicebox.asr import Listener  # noqa: E402
from voicebox.asr.memory import rss_mb  # noqa: E402
from voicebox.asr.sphinx import SphinxRecognizer  # noqa: E402
from voicebox.asr.vocab import Vocabulary  # noqa: E402
from voicebox.asr.vosk import VoskRecognizer  # noqa: E402
from voicebox.audio import FRAME, RATE  # noqa: E402
from voicebox.audio.vad import SileroVad  # noqa: E402
from voicebox.bench.asr import KO, decode, figures, run_all, vosk_section  # noqa: E402
from voicebox.models import default_store  # noqa: E402
from voicebox.profile import Asr  # noqa: E402

WAKE_COMMANDS = ("turn on the kitchen light", "take off", "set the heat to twenty degrees", "land",
                 "open the blinds", "lock the front door", "freeze the image", "return home",
                 "dim the living room light", "start recording")


def speech(text: str) -> np.ndarray:
    return _speech(text, None).copy()


def recognizer(backend: str, vocab: Vocabulary | None, **settings):
    store = default_store()
    if backend == "pocketsphinx":
        return SphinxRecognizer(store.require("pocketsphinx-en-us"), vocab, Asr(**settings))
    return VoskRecognizer(store.require("vosk-ko-small"), "ko", vocab, Asr(**settings))


def memory(backend: str) -> dict:
    """RSS before load, after load (and one utterance), after unload; in this process."""
    audio = espeak(KO[0]) if backend == "vosk" else speech("turn on the kitchen light")
    rec = recognizer(backend, None)
    before = rss_mb()
    load_s = rec.load()
    decode(rec, audio)
    loaded = rss_mb()
    rec.unload()
    return {"rss_before_mb": round(before, 1), "rss_loaded_mb": round(loaded, 1),
            "rss_after_unload_mb": round(rss_mb(), 1), "load_s": round(load_s, 3)}


def profile_phrases(profile: str, source: str) -> list[str]:
    """The biasing phrases: the test lists, or the understanding stage's vocabulary."""
    if source == "files":
        return phrases(profile)
    from voicebox import nlu
    from voicebox import profile as profiles

    return list(nlu.vocabulary(profiles.load(profile, default_store().manifest), "en"))


def sphinx_accuracy(every: int, source: str = "files") -> dict:
    """WER and RTF open / biased+verified / grammar only; grammar acceptance in and out of domain."""
    rows = []
    open_rec = recognizer("pocketsphinx", None)
    open_rec.load()
    for profile in PROFILES:
        vocab = Vocabulary.build(profile_phrases(profile, source), "en", ["hey jarvis"])
        recs = {"open": open_rec, "verified": recognizer("pocketsphinx", vocab),
                "grammar": recognizer("pocketsphinx", vocab, verify="off")}
        for r in recs.values():
            r.load()
        texts = [(t, True) for t in commands(profile, every)] + [(t, False) for t in OUT_OF_GRAMMAR]
        rows += run_all(recs, [(text, speech(text), in_domain) for text, in_domain in texts])
    f = figures(rows, ["open", "verified", "grammar"])
    return {"commands": f["clips"], "out_of_grammar": f["out_of_grammar"],
            **{f"wer_{n}": f[n]["wer"] for n in ("open", "verified", "grammar")},
            **{f"rtf_{n}": f[n]["rtf"] for n in ("open", "verified", "grammar")},
            "grammar_accepted_in_domain": f["verified"]["grammar_kept"],
            "grammar_accepted_out_of_grammar": f["verified"]["grammar_kept_out_of_grammar"]}


def vosk_speed() -> dict:
    """RTF and WER of the Korean model, open only and grammar + open (verified), on espeak-ng speech."""
    ko = vosk_section(default_store(), Asr(), KO, ("open", "grammar + verification"))["vosk-ko-small"]
    if not ko["measured"]:
        return ko
    return {f"{key}_{name}": ko[variant][key] for variant, name in
            (("open", "open"), ("grammar + verification", "verified")) for key in ("rtf", "wer", "cer")}


def listener_timing(backend: str) -> dict:
    """Wake → ready and catch-up with real-time frames, the recogniser unloaded at the wake word."""
    store = default_store()
    if backend == "vosk":
        command, vocab = espeak(KO[0]), None
    else:
        command, vocab = speech("turn on the kitchen light"), Vocabulary.build(phrases("smart_home"), "en")
    rec = recognizer(backend, vocab)
    backlog = silence(1.5)
    lst = Listener(rec, SileroVad(store), Asr())
    lst.vad.load()
    live = np.concatenate([command, silence(1.0)])
    lst.begin(backlog, 0.0)
    end, t = None, time.perf_counter()
    for i in range(0, len(live) - FRAME + 1, FRAME):
        t += FRAME / RATE
        time.sleep(max(0.0, t - time.perf_counter()))  # a microphone delivers in real time
        end = lst.feed(live[i:i + FRAME]) or end
        if end:
            break
    rec.unload()
    return {"wake_to_ready_s": end.wake_to_ready_s, "catch_up_s": end.catch_up_s,
            "catch_up_audio_s": end.catch_up_audio_s, "catch_up_speed_x_rt": round(end.catch_up_speed or 0, 1),
            "finish_s": end.finish_s, "text": end.transcript.text}


def first_word_kept() -> dict:
    """Commands said with no pause after "hey jarvis", detected by openWakeWord: first word kept?"""
    from openwakeword.model import Model

    store = default_store()
    oww = Model(wakeword_models=[str(store.require("wake-hey-jarvis") / "hey_jarvis_v0.1.onnx")],
                melspec_model_path=str(store.require("oww-melspectrogram") / "melspectrogram.onnx"),
                embedding_model_path=str(store.require("oww-embedding") / "embedding_model.onnx"),
                inference_framework="onnx")
    vocab = Vocabulary.build(phrases("smart_home") + phrases("drone") + phrases("ultrasound"), "en", ["hey jarvis"])
    rec = recognizer("pocketsphinx", vocab)
    rec.load()
    lst, kept, wake_words, results = Listener(rec, SileroVad(store), Asr()), 0, 0, []
    for command in WAKE_COMMANDS:
        stream = np.concatenate([silence(1.0), _trim(speech("Hey Jarvis")), _trim(speech(command)), silence(1.2)])
        oww.reset()
        frames = [stream[i:i + FRAME] for i in range(0, len(stream) - FRAME + 1, FRAME)]
        hit = next(i for i, f in enumerate(frames) if max(oww.predict(f).values()) >= 0.5)
        t0 = max(0.0, (hit + 1) * FRAME / RATE - 1.5)
        lst.begin(stream[int(t0 * RATE):(hit + 1) * FRAME], t0)
        end = next(e for f in frames[hit + 1:] if (e := lst.feed(f)) is not None)
        words = end.transcript.text.split()
        kept += words[:1] == command.split()[:1]
        wake_words += bool({"hey", "jarvis"} & set(words))
        results.append(end.transcript.text)
    return {"commands": len(WAKE_COMMANDS), "first_word_kept": kept, "wake_words_left": wake_words,
            "transcripts": results}


def _trim(audio: np.ndarray) -> np.ndarray:
    loud = np.nonzero(np.abs(audio) > 200)[0]
    return audio[loud[0]:loud[-1] + 1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--every", type=int, default=3, help="use every N-th English dev sentence")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--vocab", choices=["files", "nlu"], default="files",
                    help="bias to tests/data/asr lists or to voicebox.nlu.vocabulary (the profiles' own)")
    ap.add_argument("--only-wer", action="store_true", help="just the pocketsphinx WER section")
    ap.add_argument("--memory", choices=["pocketsphinx", "vosk"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.memory:
        print(json.dumps(memory(args.memory)))
        return
    if args.only_wer:
        print(json.dumps({"vocab": args.vocab, **sphinx_accuracy(args.every, args.vocab)}, indent=2))
        return
    report = {"memory": {b: json.loads(subprocess.run([sys.executable, __file__, "--memory", b], check=True,
                                                      capture_output=True, text=True).stdout)
                         for b in ("pocketsphinx", "vosk")}}
    report["pocketsphinx"] = sphinx_accuracy(args.every, args.vocab)
    report["vosk_ko"] = vosk_speed()
    report["listener"] = {b: listener_timing(b) for b in ("pocketsphinx", "vosk")}
    report["wake_then_command"] = first_word_kept()
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
