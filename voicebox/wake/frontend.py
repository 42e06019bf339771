"""The always-on front end: gate -> openWakeWord -> detection policy, with half-duplex.

    frame ─▶ [speaking?] ─▶ [gate: energy, VAD] ─▶ [openWakeWord] ─▶ [threshold, patience,
              muted          closed: keep frame      features +        refractory] ─▶ Detection
                             for later context       classifiers

The wake model reads ~2 s of audio history (16 embeddings of 775 ms windows, 80 ms
apart). While the gate is closed the skipped frames wait in a backlog of that length;
when it opens they are fed first, so the model is in the state it would have been in
had it run all along, and gated and ungated runs detect the same words at the same t.
"""
from __future__ import annotations

from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator, Sequence

import numpy as np

from voicebox.audio import FRAME_S
from voicebox.audio.vad import SileroVad
from voicebox.models import ModelStore
from voicebox.wake.detector import WakeDetector, WordModel
from voicebox.wake.gate import Gate
from voicebox.wake.settings import Wake

# Frames of history a wake score depends on: 16 embeddings 8 mel frames apart, each
# reading 76 mel frames of 10 ms, is 196 mel frames ≈ 24.5 frames of 80 ms, plus the
# melspectrogram's 480-sample left context. 28 leaves a margin; tests/test_wake_gate.py
# checks that gated scores equal ungated ones.
CONTEXT_FRAMES = 28


@dataclass(frozen=True)
class Detection:
    """A wake word: its name, score, and stream time at the end of the frame that triggered."""

    name: str
    score: float
    t: float


@dataclass
class Stats:
    """Counters for the benchmarks: how much work the gate saved."""

    frames: int = 0        # frames given to process()
    gated: int = 0         # frames the gate kept from the wake model when they arrived
    muted: int = 0         # frames ignored while voicebox was speaking (half-duplex)
    model_runs: int = 0    # frames the wake model processed (backlog frames included)
    vad_runs: int = 0      # frames the VAD looked at (those above the energy floor)


class Trigger:
    """Scores -> Detection: per-word threshold and patience, re-armed below threshold, refractory."""

    def __init__(self, words: Sequence[WordModel], refractory_s: float) -> None:
        self.words, self.refractory_s = list(words), refractory_s
        self.reset()

    def reset(self) -> None:
        self._runs = {w.name: 0 for w in self.words}
        self._armed = {w.name: True for w in self.words}
        self._last_t: float | None = None
        self._fired_t = -float("inf")

    def update(self, scores: dict[str, float], t: float) -> Detection | None:
        if self._last_t is not None and t - self._last_t > 1.5 * FRAME_S:
            # frames were skipped (gate closed): they held no voice, so no score was high
            self._runs = dict.fromkeys(self._runs, 0)
            self._armed = dict.fromkeys(self._armed, True)
        self._last_t = t
        best: Detection | None = None
        for word in self.words:
            score = scores[word.name]
            if score < word.threshold:
                self._runs[word.name], self._armed[word.name] = 0, True
                continue
            self._runs[word.name] += 1
            ready = self._armed[word.name] and self._runs[word.name] >= word.patience
            if ready and (best is None or score > best.score):
                best = Detection(word.name, score, t)
        if best is None or t - self._fired_t < self.refractory_s:
            return None
        self._fired_t = t
        self._armed[best.name] = False  # once per utterance: the score must fall before it fires again
        return best


class FrontEnd:
    """`process(frame, t)` every 80 ms frame -> Detection or None; `speaking(on)` for half-duplex."""

    def __init__(self, store: ModelStore, settings: Wake) -> None:
        self.settings = settings
        self.detector = WakeDetector(store, settings.words)
        self.gate = Gate(SileroVad(store), settings.energy_floor_dbfs, settings.vad_threshold,
                         settings.gate_hold_s) if settings.gate else None
        self.trigger = Trigger(self.detector.words, settings.refractory_s)
        self.stats = Stats()
        self._backlog: deque[tuple[np.ndarray, float]] = deque(maxlen=CONTEXT_FRAMES)
        self._speaking = False
        self._tail = 0  # frames still muted after speaking ended: the room's echo, device latency
        self._stale = False  # the model heard audio from before the reply: reset before listening

    @property
    def loaded(self) -> bool:
        return self.detector.loaded

    @property
    def names(self) -> list[str]:
        return [w.name for w in self.detector.words]

    def load(self) -> float:
        """Load the wake model (and the VAD when gated); returns the seconds it took."""
        seconds = self.detector.load()
        return seconds + (self.gate.load() if self.gate else 0.0)

    def unload(self) -> None:
        self.detector.unload()
        if self.gate:
            self.gate.unload()

    def reset(self) -> None:
        """Forget all audio heard so far: a new stream begins (stream time may start again at 0)."""
        self._stale = False
        self._backlog.clear()
        self.detector.reset()
        self.trigger.reset()
        if self.gate:
            self.gate.reset()

    def process(self, frame: np.ndarray, t: float) -> Detection | None:
        """One frame; t = stream seconds at the frame's end."""
        self.stats.frames += 1
        if self._muted():
            self.stats.muted += 1
            return None
        self._backlog.append((frame, t))
        if self.gate is not None:
            asked = self.gate.vad_runs
            is_open = self.gate.is_open(frame)
            self.stats.vad_runs += self.gate.vad_runs - asked
            if not is_open:
                self.stats.gated += 1
                return None
        detection = None
        while self._backlog:
            old, old_t = self._backlog.popleft()
            self.stats.model_runs += 1
            found = self.trigger.update(self.detector.scores(old), old_t)
            detection = detection or found
        return detection

    def speaking(self, on: bool) -> None:
        """Half-duplex: while voicebox speaks its own voice is no wake word; the state is reset after."""
        if not self.settings.half_duplex or on == self._speaking:
            return
        self._speaking = on
        if not on:
            self._tail = round(self.settings.echo_tail_s / FRAME_S)
            self._stale = True

    @contextmanager
    def muted(self) -> Iterator[None]:
        """`with frontend.muted(): speak()` — speaking(True), then speaking(False) whatever happens."""
        self.speaking(True)
        try:
            yield
        finally:
            self.speaking(False)

    def _muted(self) -> bool:
        if self._speaking:
            return True
        if self._tail > 0:
            self._tail -= 1
            return True
        if self._stale:  # back to listening: forget everything heard before and during the reply
            self.reset()
        return False


def detect_all(frontend: FrontEnd, audio: np.ndarray, t0: float = 0.0) -> list[Detection]:
    """Every detection in a whole int16 16 kHz clip, fed frame by frame as a live stream would be."""
    from voicebox.audio.sources import frames

    found = []
    for i, frame in enumerate(frames([audio]), start=1):
        detection = frontend.process(frame, t0 + i * FRAME_S)
        if detection is not None:
            found.append(detection)
    return found
