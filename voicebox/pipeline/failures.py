"""Stage failures: whatever a stage raises becomes a StageFailed naming the stage and a code,
and the Reporter turns it into an `error` event (once, when it repeats)."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator

from voicebox.errors import VoiceboxError
from voicebox.pipeline import events as ev

REPEAT_S = 5.0   # the same stage and code again within this much stream time is not reported again


class StageFailed(Exception):
    """A stage failed during a turn; carries what the `error` event reports."""

    def __init__(self, stage: str, code: str, message: str) -> None:
        super().__init__(message)
        self.stage, self.code = stage, code


def failure(stage: str, err: BaseException) -> StageFailed:
    """The stage's own code for a VoiceboxError (`model`, `asr` …), `internal` for anything else."""
    if isinstance(err, StageFailed):
        return err
    if isinstance(err, VoiceboxError):
        return StageFailed(stage, err.code, str(err))
    return StageFailed(stage, "internal", f"{type(err).__name__}: {err}")


@contextmanager
def stage(name: str) -> Iterator[None]:
    """`with stage("asr"): …` — any exception inside becomes a StageFailed of that stage."""
    try:
        yield
    except Exception as err:
        raise failure(name, err) from err


class Reporter:
    """Emits `error` events at stream time `clock()`, folding a failure that keeps repeating
    (a broken model fails on every frame; one event says it)."""

    def __init__(self, emit: ev.Emit, clock: Callable[[], float]) -> None:
        self.emit, self.clock = emit, clock
        self._last: tuple[str, str, float] | None = None

    def __call__(self, failed: StageFailed) -> None:
        t = self.clock()
        if self._last and self._last[:2] == (failed.stage, failed.code) and t - self._last[2] < REPEAT_S:
            return
        self._last = (failed.stage, failed.code, t)
        self.emit(ev.Error(t, stage=failed.stage, code=failed.code, message=str(failed)))
