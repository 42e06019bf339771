"""Synthesised speech for the benchmarks: Piper (English) and espeak-ng (other accents, Korean).

Speech is made on the machine that measures, never downloaded: Piper joe (the embedded
English voice) at a chosen speaking rate and sampling noise, espeak-ng (a Debian package)
for accents and languages Piper lacks here, and whole sessions of wake word + command
turns with silence between them (`session`, also `make demo`'s sample sessions).
"""
from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path
from typing import Callable

import numpy as np

from voicebox.audio import RATE
from voicebox.audio.convert import to_mono_int16
from voicebox.models import default_store

VOICE = "piper-en_US-joe-medium"


class Piper:
    """Piper joe with a choice of speaking rate and noise scales per utterance."""

    def __init__(self) -> None:
        from piper import PiperVoice

        directory = default_store().require(VOICE)
        self.voice = PiperVoice.load(next(directory.glob("*.onnx")))

    def say(self, text: str, length_scale: float, noise_scale: float = 0.667) -> np.ndarray:
        """int16 16 kHz speech, trimmed to 50 ms around the voiced part."""
        from piper import SynthesisConfig

        config = SynthesisConfig(length_scale=length_scale, noise_scale=noise_scale,
                                 noise_w_scale=min(1.0, noise_scale + 0.2))
        chunks = list(self.voice.synthesize(text, syn_config=config))
        audio = np.concatenate([c.audio_int16_array for c in chunks])
        return trim(to_mono_int16(audio, chunks[0].sample_rate))


def espeak(text: str, voice: str, speed: int, pitch: int = 50) -> np.ndarray:
    """int16 16 kHz speech by espeak-ng (`make` installs it), trimmed like Piper's."""
    import soundfile as sf

    with tempfile.NamedTemporaryFile(suffix=".wav") as wav:
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-w", wav.name, text],
                       check=True, capture_output=True)
        audio, rate = sf.read(wav.name, dtype="int16")
    return trim(to_mono_int16(audio, rate))


def trim(audio: np.ndarray, level: int = 200) -> np.ndarray:
    loud = np.nonzero(np.abs(audio.astype(np.int32)) > level)[0]
    return audio[max(0, loud[0] - 800):loud[-1] + 800] if len(loud) else audio


def session(parts: list[tuple[str, object]], seed: int = 1) -> tuple[np.ndarray, list[str]]:
    """A session's samples (int16, 16 kHz) and its script, one line per spoken part.

    Parts: ("wake", text) and ("say", text) are spoken by Piper without sampling noise (the
    same session every time); ("quiet", s) is silence; ("noise", s) a loud burst. A quiet
    room is never silent: low noise lies under everything.
    """
    import soxr

    from voicebox.tts import PiperTts

    tts = PiperTts(default_store(), VOICE, noise_scale=0.0, noise_w=0.0)
    rng = np.random.default_rng(seed)
    chunks, script, t = [], [], 0.0
    for kind, value in parts:
        if kind in ("wake", "say"):
            speech = list(tts.synthesize(str(value)))
            audio = np.concatenate([s.samples for s in speech]).astype(np.float32) / 32768.0
            audio = soxr.resample(audio, speech[0].sample_rate, RATE)
            script.append(f"{t:7.2f}  {kind:5s} {value}")
        elif kind == "noise":
            audio = rng.normal(0.0, 0.05, int(float(value) * RATE)).astype(np.float32)
            script.append(f"{t:7.2f}  noise {value} s")
        else:
            audio = np.zeros(int(float(value) * RATE), np.float32)
        chunks.append(audio)
        t += len(audio) / RATE
    samples = np.concatenate(chunks)
    samples += rng.normal(0.0, 0.002, len(samples)).astype(np.float32)
    return np.clip(samples * 32768.0, -32768, 32767).astype(np.int16), script


def cached(path: Path, make: Callable[[], list[np.ndarray]]) -> list[np.ndarray]:
    """`make()`'s clips, kept in `path` (.npz) so that later runs hear the same audio."""
    if path.exists():
        with np.load(path) as data:
            return [data[f"c{i}"] for i in range(len(data.files))]
    clips = make()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")   # two runs at once never share one
    np.savez(tmp, **{f"c{i}": c for i, c in enumerate(clips)})
    tmp.replace(path)
    return clips
