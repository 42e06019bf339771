"""`voicebox transcribe FILE|-`: recognise an audio file, or raw s16le 16 kHz mono on standard
input (as `voicebox run --input -` reads it), with the profile's recogniser."""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from voicebox import profile as profiles
from voicebox.audio import FRAME, RATE
from voicebox.audio.convert import load_audio
from voicebox.errors import BadInputError
from voicebox.models import default_store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("transcribe", help="recognise speech in an audio file, with word timings")
    p.add_argument("file", metavar="FILE|-", type=Path,
                   help="any audio file (WAV, FLAC, OGG …), or - for raw s16le 16 kHz mono on stdin")
    p.add_argument("--profile", default="smart_home", help="profile whose recogniser and vocabulary to use")
    p.add_argument("--lang", help="language spoken (default: the profile's)")
    p.add_argument("--phrases", type=Path, metavar="FILE",
                   help="bias to these phrases (one a line) instead of the profile's vocabulary")
    p.add_argument("--no-grammar", action="store_true", help="decode with the full vocabulary only")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from voicebox.asr import build_recognizer

    store = default_store()
    prof = profiles.load(args.profile, store.manifest)
    if args.no_grammar:
        prof = replace(prof, asr=replace(prof.asr, grammar=False))
    lang = args.lang or prof.profile.default_language
    recognizer = build_recognizer(prof, store, lang, _phrases(args.phrases))  # checks its model
    audio = _stdin_audio() if str(args.file) == "-" else load_audio(args.file)
    load_s = recognizer.load()
    start = time.perf_counter()
    for i in range(0, len(audio), FRAME):
        recognizer.accept(audio[i:i + FRAME])
    # a recording may begin with the wake phrase: its words are left out when recognised
    transcript = recognizer.finish(wake_end=None)
    decode_s = time.perf_counter() - start
    audio_s = len(audio) / RATE
    report = {**transcript.to_dict(), "language": lang, "backend": recognizer.backend,
              "model": recognizer.model, "audio_s": round(audio_s, 3), "load_s": round(load_s, 3),
              "decode_s": round(decode_s, 3), "rtf": round(decode_s / audio_s, 4)}
    report.pop("final", None)
    print(json.dumps(report, ensure_ascii=False) if args.json else _text(report))
    return 0


def _stdin_audio() -> np.ndarray:
    """All of standard input, read as `run --input -` reads it (a leading WAV header skipped)."""
    from voicebox.audio.sources import StdinSource

    with StdinSource() as source:
        return np.concatenate(list(source))


def _phrases(path: Path | None) -> list[str] | None:
    if path is None:
        return None
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise BadInputError(f"{path}: cannot read the phrase list ({err})") from None
    phrases = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    if not phrases:
        raise BadInputError(f"{path}: the phrase list is empty")
    return phrases


def _text(r: dict) -> str:
    lines = [r["text"] or "(nothing recognised)",
             f"  {r['source']} pass, confidence {r['confidence']:.2f}; {r['backend']} {r['model']}; "
             f"{r['audio_s']:.2f} s of audio decoded in {r['decode_s']:.2f} s (RTF {r['rtf']:.3f}), "
             f"loaded in {r['load_s']:.2f} s"]
    if r["rejected"]:
        lines.append(f"  grammar hypothesis rejected by the open pass: {r['rejected']!r}")
    lines += [f"  {w['start']:7.2f} {w['end']:7.2f}  {w['confidence']:.2f}  {w['text']}" for w in r["words"]]
    return "\n".join(lines)
