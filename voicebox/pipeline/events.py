"""Typed events of `voicebox run`: frozen dataclasses that become its JSON lines.

Every event has a `type` and `t`, the seconds of audio since the stream began (contract §3).
Optional fields left at None are not written, so each line carries what was measured.
Latency figures are wall-clock milliseconds measured where the work happened.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field, fields
from typing import IO, Any, Callable, ClassVar

Emit = Callable[["Event"], None]


@dataclass(frozen=True)
class Event:
    t: float

    type: ClassVar[str] = "event"

    def to_dict(self) -> dict[str, Any]:
        """The JSON object: `type`, `t`, then the fields in declaration order (None omitted)."""
        out: dict[str, Any] = {"type": self.type, "t": round(self.t, 2)}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name != "t" and value is not None:
                out[f.name] = _round(value)
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(", ", ": "))


@dataclass(frozen=True)
class Wake(Event):
    """The wake word was detected at `t` (the end of the frame that crossed the threshold)."""

    name: str
    score: float
    type: ClassVar[str] = "wake"


@dataclass(frozen=True)
class Transcript(Event):
    """The recognised command. `speech_end` is when speech stopped; `t` when the endpoint fired."""

    text: str
    reason: str = "silence"               # silence | max_length
    speech_end: float | None = None
    confidence: float | None = None
    source: str | None = None             # grammar | open
    wake_to_ready_ms: float | None = None  # wake → recogniser loaded and caught up
    type: ClassVar[str] = "transcript"


@dataclass(frozen=True)
class Items(Event):
    """The structured items of the command, as `voicebox parse` gives them.

    `ms` is the wall time from the endpoint to the items; `since_speech_end_ms` adds the
    trailing silence the endpointer waited for, i.e. what a speaker experiences.
    """

    items: list[dict[str, Any]]
    path: str = "rules"
    lang: str | None = None
    elapsed_ms: float | None = None
    ms: float | None = None
    since_speech_end_ms: float | None = None
    llm_asked: bool | None = None          # True when the LLM was asked, whatever its answer became
    type: ClassVar[str] = "items"


@dataclass(frozen=True)
class Reply(Event):
    """A spoken reply: `first_audio_ms` from the endpoint to its first sentence reaching the sink."""

    text: str
    audio_s: float | None = None
    first_audio_ms: float | None = None
    since_speech_end_ms: float | None = None
    type: ClassVar[str] = "reply"


@dataclass(frozen=True)
class Power(Event):
    """A component was loaded or unloaded: how long it took and the process RSS afterwards."""

    component: str                        # wake | asr | llm | tts
    action: str                           # load | unload
    ms: float
    rss_mb: float
    reason: str | None = None             # demand | idle | always_loaded | stop
    type: ClassVar[str] = "power"


@dataclass(frozen=True)
class Error(Event):
    """A stage failed; the pipeline went back to idle (or, for delivery, keeps retrying)."""

    stage: str                            # audio | wake | asr | nlu | llm | tts | deliver | governor
    code: str
    message: str
    sink: str | None = None
    retry: bool | None = None
    type: ClassVar[str] = "error"


@dataclass(frozen=True)
class State(Event):
    """The assistant moved from `previous` to `state` because of `trigger`."""

    state: str
    previous: str
    trigger: str
    type: ClassVar[str] = "state"


@dataclass(frozen=True)
class Timeout(Event):
    """Nobody spoke: after a wake word (`no_speech`) or in the follow-up window (`follow_up`)."""

    phase: str
    after_s: float
    type: ClassVar[str] = "timeout"


@dataclass(frozen=True)
class Governor(Event):
    """A thermal/battery decision and the readings behind it."""

    level: str                            # normal | reduced | templates_only
    reason: str
    llm_threads: int | None = None
    pause_s: float = 0.0
    temp_c: float | None = None
    battery: float | None = None
    charging: bool | None = None
    type: ClassVar[str] = "governor"


@dataclass(frozen=True)
class Skipped(Event):
    """A wake word that was heard but not acted on (the governor's pause between turns)."""

    name: str
    reason: str
    type: ClassVar[str] = "skipped"


@dataclass(frozen=True)
class Delivery(Event):
    """Items were queued durably in the outbox; `ids` let receivers drop duplicates."""

    ids: list[str]
    sinks: list[str] = field(default_factory=list)
    type: ClassVar[str] = "delivery"


@dataclass(frozen=True)
class Started(Event):
    """The pipeline is listening for the wake word."""

    profile: str
    lang: str
    input: str
    always_loaded: bool = False
    type: ClassVar[str] = "started"


@dataclass(frozen=True)
class Stopped(Event):
    """The stream ended (`end_of_input`), could not be read on (`input_error`), or a signal
    stopped it (`SIGINT`, `SIGTERM`)."""

    reason: str
    turns: int = 0
    type: ClassVar[str] = "stopped"


def _round(value: Any) -> Any:
    return round(value, 2) if isinstance(value, float) else value


class JsonLines:
    """Writes events as JSON lines to a text stream, flushed per line; safe across threads.

    Delivery errors arrive on the outbox's worker threads while the frame loop writes too.
    """

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self._lock = threading.Lock()

    def __call__(self, event: Event) -> None:
        line = event.to_json() + "\n"
        with self._lock:
            self.stream.write(line)
            self.stream.flush()


class Recorder:
    """Keeps the events in a list (tests and benchmarks), optionally passing them on."""

    def __init__(self, then: Emit | None = None) -> None:
        self.events: list[Event] = []
        self.then = then
        self._lock = threading.Lock()

    def __call__(self, event: Event) -> None:
        with self._lock:
            self.events.append(event)
        if self.then is not None:
            self.then(event)

    def of(self, kind: type[Event]) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]

    def types(self, skip: tuple[str, ...] = ()) -> list[str]:
        return [e.type for e in self.events if e.type not in skip]
