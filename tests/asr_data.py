"""Speech material for the recogniser tests and tools/bench_asr.py.

Commands come from the profiles' development sets (English lines), out-of-grammar
sentences are everyday talk no profile covers, and the biasing phrases are
tests/data/asr/<profile>.en.txt (written from the contract's vocabulary, standing in
for `voicebox.nlu.vocabulary` until the understanding stage provides it).
"""
from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np

DATA = Path(__file__).parent / "data"
PROFILES = ("smart_home", "drone", "power_line", "ultrasound")

OUT_OF_GRAMMAR = (
    "what's the weather going to be like tomorrow in paris", "tell me a joke about cats",
    "my name is john and i like pizza", "the quarterly report is due on friday",
    "can you recommend a good book to read", "i think we should have dinner at seven",
    "who won the football game last night", "remind me to call my mother",
    "how far is the moon from the earth", "the children are playing in the garden",
)


def phrases(profile: str) -> list[str]:
    text = (DATA / "asr" / f"{profile}.en.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def commands(profile: str, every: int = 4) -> list[str]:
    """Every `every`-th English sentence of the profile's development set."""
    rows = [json.loads(line) for line in (DATA / "dev" / f"{profile}.jsonl").read_text().splitlines()]
    return [r["text"] for r in rows if r["lang"] == "en"][::every]


def espeak(text: str, voice: str = "ko", speed: int = 130) -> np.ndarray:
    """int16 16 kHz speech from espeak-ng (Debian package espeak-ng), for languages Piper lacks here."""
    import soundfile as sf

    from voicebox.audio.convert import to_mono_int16

    if shutil.which("espeak-ng") is None:
        raise RuntimeError("espeak-ng is not installed (make apt installs it)")
    wav = subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "--stdout", text],
                         capture_output=True, check=True).stdout
    audio, rate = sf.read(io.BytesIO(wav), dtype="float32")
    return to_mono_int16(audio, rate)
