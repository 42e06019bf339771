"""openWakeWord's audio features (melspectrogram -> speech embeddings) on onnxruntime alone.

The same computation as `openwakeword.utils.AudioFeatures` (0.6) for 80 ms frames, output
for output (tests/test_wake.py compares them bit for bit), without importing openwakeword:
its package pulls in scikit-learn, scipy, tqdm and requests at import, ~110 MB of resident
memory and ~0.8 s of start-up that the always-on path never uses. Three more differences:

- The library converts its whole 10 s raw-audio deque to a Python list on every frame only
  to take the last 1760 samples, and keeps 10 s of melspectrogram it never reads again.
  Here the raw tail is 1760 samples and the melspectrogram the 76 rows the next embedding
  reads.
- Its reset fills the embedding history with features of *random* noise, so two runs on
  the same audio differ in their first two seconds. Here the noise is fixed; its features
  are computed once at load, window by window, and copied on every reset (a reset follows
  every reply).
- Sessions are opened for a tiny always-on model (voicebox/audio/onnx.py).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from voicebox.audio import FRAME
from voicebox.audio.onnx import open_session

CONTEXT = 480            # melspectrogram's left context: 3 hops of 160 samples
WINDOW, STEP = 76, 8     # an embedding reads 76 melspectrogram rows; one every 8 rows (80 ms)
HISTORY = 120            # embeddings kept (~10 s), as openWakeWord keeps them
_PLACEHOLDER_SEED = 0


def placeholder_audio() -> np.ndarray:
    """The fixed noise whose features stand for the history before the first frame (4 s)."""
    return np.random.default_rng(_PLACEHOLDER_SEED).integers(-1000, 1000, 4 * 16000).astype(np.int16)


class Features:
    """`features(frame)` for each 1280-sample int16 frame; `get_features(n)` -> (1, n, 96) float32."""

    def __init__(self, melspec: Path, embedding: Path) -> None:
        self._mel = open_session(melspec)
        self._emb = open_session(embedding)
        self._mel_input = self._mel.get_inputs()[0].name
        self._emb_input = self._emb.get_inputs()[0].name
        self._placeholder = self._embed_clip(placeholder_audio())
        self.reset()

    def reset(self) -> None:
        """Forget the audio heard: the state openWakeWord starts from, with fixed noise."""
        self._tail = np.zeros(0, dtype=np.int16)
        self.melspectrogram_buffer = np.ones((WINDOW, 32), dtype=np.float32)
        self.feature_buffer = self._placeholder.copy()

    def __call__(self, frame: np.ndarray) -> None:
        """Add one 80 ms frame: one melspectrogram step and one new embedding."""
        if frame.shape != (FRAME,):
            raise ValueError(f"features take frames of {FRAME} samples, not {frame.shape}")
        self._tail = np.concatenate([self._tail, frame.astype(np.int16, copy=False)])[-(FRAME + CONTEXT):]
        mel = np.vstack([self.melspectrogram_buffer, self._melspectrogram(self._tail)])[-WINDOW:]
        self.melspectrogram_buffer = mel
        embedding = self._embed(mel[None, :, :, None])
        self.feature_buffer = np.vstack([self.feature_buffer, embedding])[-HISTORY:]

    def get_features(self, n: int = 16) -> np.ndarray:
        """The last `n` embeddings as the classifiers read them."""
        return self.feature_buffer[-n:][None].astype(np.float32)

    def _melspectrogram(self, samples: np.ndarray) -> np.ndarray:
        out = self._mel.run(None, {self._mel_input: samples[None].astype(np.float32)})[0]
        return np.squeeze(out) / 10 + 2   # openWakeWord's transform towards Google's original

    def _embed(self, windows: np.ndarray) -> np.ndarray:
        return self._emb.run(None, {self._emb_input: windows})[0].squeeze()

    def _embed_clip(self, audio: np.ndarray) -> np.ndarray:
        """Embeddings of a whole clip, window by window.

        openWakeWord runs its placeholder's 41 windows as one batch; the results are the same
        bit for bit (tests/test_wake.py), but the batch's scratch memory (~25 MB) would stay
        in the heap for the rest of the run.
        """
        spec = self._melspectrogram(audio)
        starts = range(0, spec.shape[0] - WINDOW + 1, STEP)
        return np.array([self._embed(spec[i:i + WINDOW][None, :, :, None]) for i in starts])
