"""Fakes at the pipeline's protocol boundaries, to test orchestration alone.

A scripted stream encodes what happens in each 80 ms frame in the frame's samples:
WAKE frames make the fake front end detect the wake word, SPEECH frames are what the fake
listener hears, anything else is silence. The real Machine, PowerManager and Governor run.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np

from voicebox.audio import FRAME, FRAME_S
from voicebox.pipeline import events as ev
from voicebox.pipeline.governor import Governor
from voicebox.pipeline.power import PowerManager
from voicebox.pipeline.runner import Runner
from voicebox.pipeline.settings import Dialog, Governor as GovernorSettings, Power
from voicebox.pipeline.speaker import Speaker
from voicebox.pipeline.stages import Stages

WAKE, SPEECH, QUIET = 7, 9, 0


def frames(*parts: tuple[int, float]) -> list[np.ndarray]:
    """[(kind, seconds), …] → frames whose samples are all `kind`."""
    out = []
    for kind, seconds in parts:
        out += [np.full(FRAME, kind, np.int16) for _ in range(round(seconds / FRAME_S))]
    return out


class FakeModel:
    """A loadable thing: counts loads and unloads; `fail` makes the next load raise."""

    def __init__(self) -> None:
        self.loaded = False
        self.loads = self.unloads = 0
        self.fail: Exception | None = None

    def load(self) -> float:
        if self.fail is not None:
            raise self.fail
        self.loaded, self.loads = True, self.loads + 1
        return 0.0

    def unload(self) -> None:
        self.loaded, self.unloads = False, self.unloads + 1


@dataclass(frozen=True)
class Detection:
    name: str
    score: float
    t: float


class FakeFrontEnd(FakeModel):
    """Detects the wake word on the first frame of each WAKE run, unless speaking (half-duplex)."""

    def __init__(self) -> None:
        super().__init__()
        self.muted = False
        self.suppressed = 0
        self._previous = QUIET

    def process(self, frame: np.ndarray, t: float) -> Detection | None:
        kind = int(frame[0])
        starts, self._previous = kind == WAKE and self._previous != WAKE, kind
        if not starts:
            return None
        if self.muted:
            self.suppressed += 1
            return None
        return Detection("hey_jarvis", 0.9, t)

    def speaking(self, on: bool) -> None:
        self.muted = on


class FakePreroll:
    def __init__(self) -> None:
        self.frames: list[tuple[float, np.ndarray]] = []

    def push(self, frame: np.ndarray, t: float) -> None:
        self.frames = (self.frames + [(t, frame)])[-40:]

    def since(self, t0: float) -> np.ndarray:
        kept = [f for t, f in self.frames if t > t0]
        return np.concatenate(kept) if kept else np.zeros(0, np.int16)


@dataclass(frozen=True)
class FakeTranscript:
    text: str
    confidence: float = 0.8
    source: str = "open"


@dataclass(frozen=True)
class FakeEndpoint:
    transcript: FakeTranscript
    reason: str
    speech_end: float | None = None
    wake_to_ready_s: float | None = 0.01


class FakeListener:
    """Loads its recogniser (through whatever handle it is given) and endpoints on trailing silence.

    `texts` are the transcripts of successive commands, in order.
    """

    def __init__(self, recognizer, texts: list[str], silence_s: float = 0.48,
                 no_speech_s: float = 4.0) -> None:
        self.recognizer = recognizer
        self.texts = list(texts)
        self.silence_s, self.no_speech_s = silence_s, no_speech_s
        self.begins: list[float] = []
        self.hearing = False

    def begin(self, backlog: np.ndarray, t0: float, no_speech_s: float | None = None) -> None:
        if not self.recognizer.loaded:
            self.recognizer.load()
        self.begins.append(t0)
        self.timeout_s = no_speech_s or self.no_speech_s
        self.t = t0 + len(backlog) / 16000
        self.heard = 0
        self.quiet = 0
        self.last_speech = None
        self.hearing = False

    def cancel(self) -> None:
        self.hearing = False

    def feed(self, frame: np.ndarray) -> FakeEndpoint | None:
        assert self.recognizer.loaded, "the recogniser was unloaded while listening"
        self.t += FRAME_S
        if int(frame[0]) == SPEECH:
            self.heard, self.quiet, self.last_speech, self.hearing = self.heard + 1, 0, self.t, True
            return None
        self.quiet += 1
        if self.heard and self.quiet * FRAME_S >= self.silence_s:
            self.hearing = False
            return FakeEndpoint(FakeTranscript(self.texts.pop(0)), "silence", self.last_speech)
        if not self.heard and self.quiet * FRAME_S >= self.timeout_s:
            return FakeEndpoint(FakeTranscript(""), "no_speech")
        return None


@dataclass(frozen=True)
class FakeParse:
    text: str
    items: list
    reply: str | None
    path: str
    elapsed_ms: float = 1.0
    lang: str = "en"
    llm_asked: bool = False


class FakeUnderstander:
    """Texts with "lamp" parse on the rules path; "llm" loads the LLM through its handle first."""

    def __init__(self, llm=None) -> None:
        self.llm = llm
        self.llm_enabled = True
        self.fail: Exception | None = None

    def set_llm_enabled(self, on: bool) -> None:
        self.llm_enabled = on

    def parse(self, text: str, lang: str | None = None, words=None) -> FakeParse:
        self.heard = words    # what the runner passed on from the recogniser
        if self.fail is not None:
            raise self.fail
        if "lamp" in text:
            item = {"kind": "device_command", "device": "light", "action": "turn_on", "confidence": 1.0}
            return FakeParse(text, [item], "The lamp is on.", "rules")
        if "llm" in text and self.llm is not None and self.llm_enabled:
            self.llm.load()
            item = {"kind": "query", "question": text, "topic": None, "confidence": 0.6}
            return FakeParse(text, [item], "Let me think. Here it is.", "llm", llm_asked=True)
        return FakeParse(text, [], None, "none")


@dataclass(frozen=True)
class FakeSpeech:
    samples: np.ndarray
    sample_rate: int


class FakeVoice(FakeModel):
    """Half a second of audio per sentence."""

    def synthesize(self, text: str):
        assert self.loaded, "the voice must be loaded by the power manager before speaking"
        for _ in [s for s in text.split(".") if s.strip()]:
            yield FakeSpeech(np.ones(8000, np.int16), 16000)


@dataclass
class ListSink:
    chunks: list = field(default_factory=list)
    closed: bool = False

    def write(self, samples: np.ndarray, rate: int) -> None:
        self.chunks.append((len(samples), rate))

    def close(self) -> None:
        self.closed = True


class FakeOutbox:
    names = ["file"]

    def __init__(self) -> None:
        self.queued: list = []
        self.fail: Exception | None = None

    def put(self, items, meta=None) -> list[str]:
        if self.fail is not None:
            raise self.fail
        self.queued += list(items)
        return [f"id-{len(self.queued) - i}" for i in reversed(range(len(items)))]


class FakeLlm(FakeModel):
    def __init__(self) -> None:
        super().__init__()
        self.threads: list[int] = []

    def set_threads(self, n: int) -> None:
        self.threads.append(n)


def build(texts, power=Power(prefetch=()), dialog=Dialog(follow_up_s=2.0, preroll_s=0.5),
          governor=GovernorSettings(enabled=False), outbox=True):
    """A runner over fakes; returns it with its recorder and the fakes by name."""
    recorder = ev.Recorder()
    runner_box = {}
    pm = PowerManager(power, recorder, clock=lambda: runner_box["r"].t)
    f = SimpleNamespace(front=FakeFrontEnd(), asr=FakeModel(), llm=FakeLlm(), voice=FakeVoice(),
                        sink=ListSink(), outbox=FakeOutbox() if outbox else None)
    pm.add("wake", f.front, idle_s=None, resident=True)
    pm.add("asr", f.asr, idle_s=power.asr_idle_s)
    pm.add("llm", f.llm, idle_s=power.llm_idle_s)
    pm.add("tts", f.voice, idle_s=power.tts_idle_s)
    f.listener = FakeListener(pm.handle("asr"), texts)
    f.understander = FakeUnderstander(pm.handle("llm"))
    stages = Stages(frontend=f.front, preroll=FakePreroll(), listener=f.listener,
                    understander=f.understander, speaker=Speaker(pm.handle("tts"), f.sink),
                    outbox=f.outbox, llm=pm.handle("llm"))
    runner = Runner(stages, pm, Governor(governor), dialog, "en", recorder, llm_threads=2)
    runner_box["r"] = runner
    return runner, recorder, f


def turn(command_s=1.0):
    """Wake word, a short pause, a command and its trailing silence."""
    return [(WAKE, 0.4), (QUIET, 0.3), (SPEECH, command_s), (QUIET, 0.8)]
