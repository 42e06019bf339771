"""Shared fixtures: the real models from the model manager, and Piper-synthesised speech.

Tests use the embedded models for real; `make test` pulls them first. A test that
needs speech synthesises it at test time with the Piper voice and resamples it with
soxr to the 16 kHz mono int16 that the front end uses.
"""
from __future__ import annotations

import functools

import numpy as np
import pytest
import soxr

from voicebox.models import ModelStore, default_store
from voicebox.tts import PiperTts

RATE = 16000


@pytest.fixture(scope="session")
def store() -> ModelStore:
    return default_store()


@functools.lru_cache(maxsize=None)
def _voice(length_scale: float | None, exact: bool = False) -> PiperTts:
    noise = 0.0 if exact else None
    tts = PiperTts(default_store(), "piper-en_US-joe-medium", length_scale, noise, noise)
    tts.load()
    return tts


@functools.lru_cache(maxsize=256)
def _speech(text: str, length_scale: float | None, exact: bool = False) -> np.ndarray:
    tts = _voice(length_scale, exact)
    parts = list(tts.synthesize(text))
    audio = np.concatenate([p.samples for p in parts]).astype(np.float32) / 32768.0
    audio = soxr.resample(audio, parts[0].sample_rate, RATE)
    return np.clip(audio * 32768.0, -32768, 32767).astype(np.int16)


@pytest.fixture(scope="session")
def speech():
    """speech(text, length_scale=None, exact=False) -> int16 mono 16 kHz samples of Piper saying
    `text`; `exact` turns off Piper's sampling noise, so the audio is the same in every run."""
    def make(text: str, length_scale: float | None = None, exact: bool = False) -> np.ndarray:
        return _speech(text, length_scale, exact).copy()
    return make


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE), dtype=np.int16)


def noise(seconds: float, level: float = 300.0, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.clip(rng.normal(0, level, int(seconds * RATE)), -32768, 32767).astype(np.int16)
