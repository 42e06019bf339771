"""Text to speech with Piper: one voice, loaded on demand, synthesised sentence by sentence."""
from __future__ import annotations

import time
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from voicebox.errors import BadInputError, ModelError
from voicebox.models import ModelStore


@dataclass(frozen=True)
class Speech:
    """One synthesised sentence: int16 mono samples at `sample_rate`."""

    samples: np.ndarray
    sample_rate: int


class PiperTts:
    """A Piper voice from the model manager; `load()` opens the ONNX session, `unload()` drops it."""

    def __init__(self, store: ModelStore, voice_id: str, length_scale: float | None = None,
                 noise_scale: float | None = None, noise_w: float | None = None) -> None:
        """`noise_scale`/`noise_w` None keep the voice's own sampling noise; 0 makes the audio
        the same on every call (tests that must hear exactly the same speech each run)."""
        self.store = store
        self.voice_id = voice_id
        self.length_scale = length_scale
        self.noise_scale, self.noise_w = noise_scale, noise_w
        self._voice = None

    @property
    def loaded(self) -> bool:
        return self._voice is not None

    def load(self) -> float:
        """Open the voice; returns the seconds it took."""
        if self._voice is not None:
            return 0.0
        start = time.perf_counter()
        directory = self.store.require(self.voice_id)
        onnx_files = sorted(directory.glob("*.onnx"))
        if not onnx_files:
            raise ModelError(f"model {self.voice_id}: no .onnx voice in {directory}")
        from piper import PiperVoice  # heavy import only when a voice is needed

        try:
            self._voice = PiperVoice.load(onnx_files[0])
        except Exception as err:  # onnxruntime raises its own exception types
            raise ModelError(f"model {self.voice_id}: cannot load voice: {err}; "
                             f"fix: voicebox models pull --force {self.voice_id}") from None
        return time.perf_counter() - start

    def unload(self) -> None:
        self._voice = None

    @property
    def sample_rate(self) -> int:
        self.load()
        return int(self._voice.config.sample_rate)

    def synthesize(self, text: str) -> Iterator[Speech]:
        """Yield one Speech per sentence as soon as it is synthesised."""
        if not text.strip():
            raise BadInputError("nothing to say: the text is empty")
        self.load()
        from piper import SynthesisConfig

        config = SynthesisConfig(length_scale=self.length_scale, noise_scale=self.noise_scale,
                                 noise_w_scale=self.noise_w)
        for chunk in self._voice.synthesize(text, syn_config=config):
            yield Speech(chunk.audio_int16_array, chunk.sample_rate)


def write_wav(path: Path, speech: list[Speech]) -> float:
    """Write sentences to a mono 16-bit WAV; returns the duration in seconds."""
    if not speech:
        raise BadInputError("the voice produced no audio for this text")
    rate = speech[0].sample_rate
    samples = np.concatenate([s.samples for s in speech]).astype(np.int16)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file, wave.open(file, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.tobytes())
    return len(samples) / rate
