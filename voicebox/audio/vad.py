"""Silero VAD (v4, ONNX, as shipped with openWakeWord): speech probability of 16 kHz audio.

Shared by the wake gate (is anyone speaking?) and the endpointer (has the command
ended?). The model is recurrent: `reset()` between unrelated streams.
"""
from __future__ import annotations

import time

import numpy as np

from voicebox.audio.onnx import open_session
from voicebox.errors import ModelError
from voicebox.models import ModelStore

CHUNK = 640  # 40 ms: two chunks per 80 ms frame


class SileroVad:
    """`probability(samples)` of speech in int16 mono 16 kHz samples; heavy import in `load()`."""

    def __init__(self, store: ModelStore, model_id: str = "silero-vad", threads: int = 1) -> None:
        self.store, self.model_id, self.threads = store, model_id, threads
        self._session = None
        self._h = self._c = None
        self._sr = np.array(16000, dtype=np.int64)

    @property
    def loaded(self) -> bool:
        return self._session is not None

    def load(self) -> float:
        """Open the ONNX session; returns the seconds it took (0 when already loaded)."""
        if self._session is not None:
            return 0.0
        start = time.perf_counter()
        path = self.store.require(self.model_id) / "silero_vad.onnx"
        try:
            self._session = open_session(path, self.threads)
        except Exception as err:  # onnxruntime raises its own exception types
            raise ModelError(f"model {self.model_id}: cannot load {path}: {err}; "
                             f"fix: voicebox models pull --force {self.model_id}") from None
        self.reset()
        return time.perf_counter() - start

    def unload(self) -> None:
        self._session = None

    def reset(self) -> None:
        """Forget the recurrent state (start of a new stream)."""
        self._h = np.zeros((2, 1, 64), dtype=np.float32)
        self._c = np.zeros((2, 1, 64), dtype=np.float32)

    def probability(self, samples: np.ndarray) -> float:
        """Highest speech probability over the 40 ms chunks of `samples` (a partial chunk is padded)."""
        self.load()
        audio = samples.astype(np.float32) / 32768.0
        if len(audio) % CHUNK:
            audio = np.pad(audio, (0, CHUNK - len(audio) % CHUNK))
        best = 0.0
        for i in range(0, len(audio), CHUNK):
            out, self._h, self._c = self._session.run(
                None, {"input": audio[None, i:i + CHUNK], "h": self._h, "c": self._c, "sr": self._sr})
            best = max(best, float(out[0][0]))
        return best
