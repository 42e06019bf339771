"""Speaking a reply: Piper synthesises sentence by sentence and each sentence goes straight
to the sink, so the first words play while the rest is still being synthesised."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Iterator, Protocol

import numpy as np


class AudioSink(Protocol):
    """Where replies go: the speaker, or a WAV file (voicebox/audio/sinks.py)."""

    def write(self, samples: np.ndarray, rate: int) -> None: ...

    def close(self) -> None: ...


class Voice(Protocol):
    def synthesize(self, text: str) -> Iterator: ...   # yields objects with .samples, .sample_rate


@dataclass(frozen=True)
class Spoken:
    """What was played: seconds of audio, and the wall-clock moment its first sentence reached the sink."""

    audio_s: float
    first_audio: float | None
    sentences: int


class Speaker:
    """Streams a reply from a voice into a sink; `gap_s` of silence separates replies in a file."""

    def __init__(self, voice: Voice, sink: AudioSink, gap_s: float = 0.0) -> None:
        self.voice = voice
        self.sink = sink
        self.gap_s = gap_s
        self._spoken = 0

    def say(self, text: str) -> Spoken:
        audio_s, first, sentences = 0.0, None, 0
        for speech in self.voice.synthesize(text):
            if first is None and self._spoken and self.gap_s:
                self.sink.write(np.zeros(int(self.gap_s * speech.sample_rate), np.int16),
                                speech.sample_rate)
            self.sink.write(speech.samples, speech.sample_rate)
            if first is None:
                first = time.perf_counter()
            audio_s += len(speech.samples) / speech.sample_rate
            sentences += 1
        self._spoken += 1
        return Spoken(audio_s, first, sentences)

    @property
    def busy(self) -> bool:
        """Still playing what was written (a speaker plays from a queue; a file never is)."""
        return bool(getattr(self.sink, "playing", False))

    def close(self) -> None:
        self.sink.close()
