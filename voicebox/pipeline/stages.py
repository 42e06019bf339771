"""The narrow protocols the runner drives, and the bundle of stages it is given.

The real stages live in their own packages (voicebox/wake, voicebox/asr, voicebox/nlu,
voicebox/tts.py, voicebox/outbox); these protocols are the seams where tests put fakes to
check the orchestration alone.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Protocol, Sequence

import numpy as np

from voicebox.pipeline.speaker import Speaker


class Detection(Protocol):
    name: str
    score: float
    t: float


class FrontEnd(Protocol):
    """Gate + wake word model: `process` every frame; `speaking(True)` mutes detections (half-duplex)."""

    def process(self, frame: np.ndarray, t: float) -> Detection | None: ...

    def speaking(self, on: bool) -> None: ...


class Preroll(Protocol):
    """Ring buffer of recent audio: the recogniser gets what was said right after the wake word."""

    def push(self, frame: np.ndarray, t: float) -> None: ...

    def since(self, t0: float) -> np.ndarray: ...


class Endpoint(Protocol):
    """The end of a command: final transcript (stream time), why it ended, and timings."""

    transcript: Any                      # voicebox.asr.base.Transcript
    reason: str                          # silence | max_length | no_speech


class Listener(Protocol):
    """Recognises one command at a time; loads its recogniser in the background if needed."""

    def begin(self, backlog: np.ndarray, t0: float, no_speech_s: float | None = None) -> None: ...

    def feed(self, frame: np.ndarray) -> Endpoint | None: ...

    def cancel(self) -> None: ...       # drop the command in progress


class Parse(Protocol):
    text: str
    items: list[dict]
    reply: str | None
    path: str
    elapsed_ms: float
    lang: str


class Understander(Protocol):
    """`words`: the recogniser's (word, confidence) pairs of `text`, when it has them."""

    def parse(self, text: str, lang: str | None = None,
              words: Sequence[tuple[str, float]] | None = None) -> Parse: ...


class Outbox(Protocol):
    names: list[str]

    def put(self, items: Sequence[Mapping[str, Any]], meta: Mapping[str, Any] | None = None) -> list[str]: ...


@dataclass
class Stages:
    """Everything one run uses. The heavy ones (recogniser, LLM, voice) are loaded through the
    power manager; `llm` is kept here so the governor can change its threads."""

    frontend: FrontEnd
    preroll: Preroll
    listener: Listener
    understander: Understander
    speaker: Speaker | None = None
    outbox: Outbox | None = None
    llm: Any = None
