"""openWakeWord's audio features (melspectrogram -> speech embeddings), kept cheap and repeatable.

Two changes to `openwakeword.utils.AudioFeatures` (0.6), both output-preserving:

- The library converts its whole 10 s raw-audio deque to a Python list on every 80 ms
  frame only to take the last 1760 samples: ~0.7 ms, a quarter of the front end's cost
  in speech. Here the recent samples are kept as a numpy tail instead.
- Its reset fills the embedding history with features of *random* noise, so two runs on
  the same audio differ in their first two seconds. Here the noise is the same every time.

tests/test_wake.py checks that the features equal the library's exactly.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

TAIL = 16000  # raw samples kept: one frame plus the melspectrogram's 480-sample context, with room
_PLACEHOLDER_SEED = 0


def open_features(melspec: Path, embedding: Path):
    """An AudioFeatures (ONNX, one thread) on explicit model paths, in its fixed fresh state."""
    from openwakeword.utils import AudioFeatures  # heavy: onnxruntime, scipy

    class Features(AudioFeatures):
        def __init__(self, *args, **kwargs) -> None:
            self._tail = np.zeros(0, dtype=np.int16)
            super().__init__(*args, **kwargs)

        def _buffer_raw_data(self, x) -> None:
            self._tail = np.concatenate([self._tail, np.asarray(x, dtype=np.int16)])[-TAIL:]

        def _streaming_melspectrogram(self, n_samples: int) -> None:
            if len(self._tail) < 400:
                raise ValueError("The number of input frames must be at least 400 samples @ 16khz (25 ms)!")
            mel = self._get_melspectrogram(self._tail[-n_samples - 160 * 3:])
            self.melspectrogram_buffer = np.vstack((self.melspectrogram_buffer, mel))
            if self.melspectrogram_buffer.shape[0] > self.melspectrogram_max_len:
                self.melspectrogram_buffer = self.melspectrogram_buffer[-self.melspectrogram_max_len:, :]

        def reset(self) -> None:
            super().reset()
            self._tail = np.zeros(0, dtype=np.int16)

    return fresh(Features(melspec_model_path=str(melspec), embedding_model_path=str(embedding),
                          inference_framework="onnx", ncpu=1))


def fresh(features):
    """Reset the buffers to a fixed state (the library's reset, with fixed instead of random noise)."""
    features.reset()
    noise = np.random.default_rng(_PLACEHOLDER_SEED).integers(-1000, 1000, 4 * 16000).astype(np.int16)
    features.feature_buffer = features._get_embeddings(noise)
    return features
