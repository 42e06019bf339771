"""Recognition: word error rate and real-time factor per backend, on synthesised speech.

pocketsphinx (English) is measured as `voicebox run` builds it from the profile
(`build_recognizer`: the profile's vocabulary, grammar + verification) and open (no
grammar), on the same Piper-spoken sentences. Vosk is measured for every Vosk model of the
manifest that is installed; only the Korean model is reachable here, so it hears espeak-ng
Korean (a robotic voice: its WER says little about people, its RTF is real).
"""
from __future__ import annotations

import hashlib
import time
from pathlib import Path

import numpy as np

from voicebox.asr.metrics import edit_distance, spoken, wer
from voicebox.audio import FRAME, RATE
from voicebox.bench.progress import Progress
from voicebox.bench.speech import Piper, cached, espeak

# Korean commands for the Vosk model (the only Vosk model installable here).
KO = ("거실 불 켜 줘", "안방 에어컨 꺼 줘", "온도를 이십 육 도로 맞춰 줘", "창문 열어", "오늘 날씨가 어때요",
      "부엌 불 꺼 줘", "현관문 잠가 줘", "선풍기 켜 줘", "커튼 닫아 줘", "음악 틀어 줘")
KO_PHRASES = ["창문 열어", "불 켜", "불 꺼", "에어컨 꺼", "거실", "부엌", "안방"]


def decode(rec, audio: np.ndarray):
    """Feed a clip frame by frame as a live stream would; the transcript and the seconds it took."""
    start = time.perf_counter()
    for i in range(0, len(audio), FRAME):
        rec.accept(audio[i:i + FRAME])
    return rec.finish(), time.perf_counter() - start


def run_all(recs: dict, clips: list[tuple[str, np.ndarray, bool]], bar=lambda it, **_: it) -> list[dict]:
    """Every (reference, audio, in_domain) clip through every loaded recogniser."""
    rows = []
    for ref, audio, in_domain in bar(clips, desc="recognising"):
        row = {"ref": ref, "in_domain": in_domain, "audio_s": len(audio) / RATE}
        for name, rec in recs.items():
            tr, took = decode(rec, audio)
            row[name] = {"text": tr.text, "source": tr.source, "s": took}
        rows.append(row)
    return rows


def figures(rows: list[dict], names: list[str], language: str = "en") -> dict:
    """WER on the in-domain clips, RTF on all, and how often the grammar result was kept."""
    ins = [r for r in rows if r["in_domain"]]
    oog = [r for r in rows if not r["in_domain"]]
    audio_s = sum(r["audio_s"] for r in rows)
    out: dict = {"clips": len(ins), "out_of_grammar": len(oog), "audio_s": round(audio_s, 1)}
    for n in names:
        out[n] = {"wer": round(wer([(r["ref"], r[n]["text"]) for r in ins], language), 3),
                  "rtf": round(sum(r[n]["s"] for r in rows) / audio_s, 3),
                  "grammar_kept": round(sum(r[n]["source"] == "grammar" for r in ins) / max(1, len(ins)), 3)}
        if language != "en":
            out[n]["cer"] = round(cer([(r["ref"], r[n]["text"]) for r in ins], language), 3)
        if oog:
            out[n]["grammar_kept_out_of_grammar"] = round(
                sum(r[n]["source"] == "grammar" for r in oog) / len(oog), 3)
    return out


def cer(pairs: list[tuple[str, str]], language: str) -> float:
    """Character error rate, spaces ignored (Korean and Chinese spacing varies between writers)."""
    errors = chars = 0
    for ref, hyp in pairs:
        r, h = spoken(ref, language).replace(" ", ""), spoken(hyp, language).replace(" ", "")
        errors += edit_distance(list(r), list(h))
        chars += len(r)
    return errors / chars if chars else 0.0


def piper_clips(texts: list[str], cache: Path, bar=lambda it, **_: it) -> list[np.ndarray]:
    """Piper joe saying each text (rate 1.0, its own sampling noise), cached by the texts."""
    key = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]

    def make() -> list[np.ndarray]:
        piper = Piper()
        return [piper.say(t, 1.0) for t in bar(texts, desc="synthesising commands")]
    return cached(cache / f"asr-{key}.npz", make)


def sphinx_section(store, profiles_by_name: dict, texts: dict[str, list[str]], cache: Path,
                   progress: Progress) -> dict:
    """pocketsphinx as configured and open, per profile, on Piper speech of `texts[profile]`."""
    from voicebox.asr.factory import build_recognizer

    rows, configs = [], {}
    for name, prof in profiles_by_name.items():
        recs = {"configured": build_recognizer(prof, store, "en"),
                "open": build_recognizer(prof, store, "en", phrases=[])}
        for rec in recs.values():
            rec.load()
        clips = piper_clips(texts[name], cache, progress.bar)
        rows += run_all(recs, [(t, a, True) for t, a in zip(texts[name], clips)], progress.bar)
        for rec in recs.values():
            rec.unload()
        configs[name] = {"model": recs["configured"].model, "asr": _asr_config(prof.asr)}
    return {"backend": "pocketsphinx", "language": "en", "config": configs,
            **figures(rows, ["configured", "open"]), "per_clip_s": [r["configured"]["s"] for r in rows]}


def vosk_section(store, settings, sentences: tuple[str, ...], variants: tuple[str, ...],
                 bar=lambda it, **_: it) -> dict:
    """Every Vosk model of the manifest: measured when installed (espeak-ng speech for Korean)."""
    from voicebox.asr.vocab import Vocabulary
    from voicebox.asr.vosk import VoskRecognizer
    from voicebox.models.store import pull_command

    out = {}
    for spec in sorted((m for m in store.manifest.models.values() if m.kind == "asr" and m.id.startswith("vosk")),
                       key=lambda m: m.id):
        if not store.status(spec, full=False).ok:
            out[spec.id] = {"language": spec.language, "measured": False,
                            "why": f"not installed here (fix: {pull_command(spec)})"}
            continue
        if spec.language != "ko":
            out[spec.id] = {"language": spec.language, "measured": False, "why": "no speech of this language to test with"}
            continue
        audio = [np.concatenate([np.zeros(int(0.3 * RATE), np.int16), espeak(t, "ko", 130),
                                 np.zeros(int(0.3 * RATE), np.int16)]) for t in sentences]
        recs = {"open": VoskRecognizer(store.require(spec.id), "ko", None, settings),
                "grammar + verification": VoskRecognizer(store.require(spec.id), "ko",
                                                         Vocabulary.build(KO_PHRASES, "ko"), settings)}
        recs = {k: v for k, v in recs.items() if k in variants}
        load_s = {}
        for name, rec in recs.items():
            load_s[name] = round(rec.load(), 2)
        rows = run_all(recs, [(t, a, True) for t, a in zip(sentences, audio)], bar)
        for rec in recs.values():
            rec.unload()
        out[spec.id] = {"language": "ko", "measured": True, "speech": "espeak-ng ko, speed 130",
                        "load_s": load_s, **figures(rows, list(recs), "ko"),
                        "transcripts": [(r["ref"], r["open"]["text"]) for r in rows]}
    return out


def _asr_config(settings) -> dict:
    return {k: getattr(settings, k) for k in ("backend", "grammar", "verify", "min_agreement")
            if hasattr(settings, k)}


def measure(store, profiles_by_name: dict, texts: dict[str, list[str]], cache: Path, progress: Progress,
            vosk_sentences: tuple[str, ...] = KO, vosk_variants=("open", "grammar + verification")) -> dict:
    """The recognition section of `voicebox bench`."""
    first = next(iter(profiles_by_name.values()))
    return {"pocketsphinx": sphinx_section(store, profiles_by_name, texts, cache, progress),
            "vosk": vosk_section(store, first.asr, vosk_sentences, vosk_variants, progress.bar)}
