"""What every recogniser produces and the protocol it implements.

A recogniser is loaded after the wake word, fed 16 kHz int16 audio as it arrives,
asked for partial hypotheses while the user speaks and for one final transcript at
the end of the command, then unloaded. Times are seconds from the start of the
utterance (the Listener shifts them to stream time).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Literal, Protocol

import numpy as np

from voicebox.errors import VoiceboxError

SAMPLE_RATE = 16000

Source = Literal["grammar", "open"]


class AsrError(VoiceboxError):
    """A recogniser that failed while loading or decoding (not a missing model: that is ModelError)."""

    exit_code = 1
    code = "asr"


@dataclass(frozen=True)
class Word:
    """One recognised word with its time span (seconds) and confidence in [0, 1]."""

    text: str
    start: float
    end: float
    confidence: float

    def shifted(self, seconds: float) -> "Word":
        return replace(self, start=round(self.start + seconds, 3), end=round(self.end + seconds, 3))


@dataclass(frozen=True)
class Transcript:
    """A hypothesis: partial while the user speaks, final at the end of the command.

    `source` says which search produced it: "grammar" (biased to the profile's
    vocabulary) or "open" (full vocabulary). When verification rejected the grammar
    hypothesis, `rejected` holds it so callers can log what was discarded.
    """

    text: str
    words: tuple[Word, ...] = ()
    confidence: float = 0.0
    final: bool = False
    source: Source = "open"
    rejected: str | None = None
    score: float | None = None  # path score per 10 ms frame (pocketsphinx log units); verifies grammar results

    @property
    def empty(self) -> bool:
        return not self.text

    def shifted(self, seconds: float) -> "Transcript":
        return replace(self, words=tuple(w.shifted(seconds) for w in self.words))

    def to_dict(self) -> dict:
        return asdict(self)


class Recognizer(Protocol):
    """A streaming speech recogniser. Heavy imports and model loading happen in `load()`.

    `backend` names the engine ("vosk", "pocketsphinx"), `model` the manifest id or
    directory it decodes with.
    """

    language: str
    backend: str
    model: str

    @property
    def loaded(self) -> bool: ...

    def load(self) -> float:
        """Load the model; returns the seconds it took (0 when already loaded)."""

    def unload(self) -> None:
        """Drop the model and its decoders so their memory can be returned."""

    def accept(self, samples: np.ndarray) -> Transcript | None:
        """Feed int16 mono 16 kHz samples; returns a partial Transcript when the hypothesis changed."""

    def finish(self, wake_end: float | None = 0.0) -> Transcript:
        """End the utterance: the final Transcript. The recogniser is then ready for the next one.

        `wake_end`: seconds into the utterance at which the wake word was detected, so
        that the wake phrase at the start of the audio is left out; 0 when no wake
        phrase precedes, None when one may but its time is unknown (a file).
        """


def mean_confidence(words: tuple[Word, ...] | list[Word]) -> float:
    """The transcript's confidence: the mean of its words' (0 when there are none)."""
    return round(sum(w.confidence for w in words) / len(words), 3) if words else 0.0


def words_text(words: tuple[Word, ...] | list[Word]) -> str:
    return " ".join(w.text for w in words)


def as_int16(samples: np.ndarray) -> np.ndarray:
    """Check that audio is what recognisers take: a 1-D int16 array."""
    if samples.dtype != np.int16 or samples.ndim != 1:
        raise AsrError(f"recogniser input must be 1-D int16 at {SAMPLE_RATE} Hz, "
                       f"got {samples.dtype} with shape {samples.shape}")
    return samples
