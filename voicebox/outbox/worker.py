"""One delivery thread per sink: oldest pending first, retries with backoff, errors reported.

Per sink, delivery is strictly in order: while the head item cannot be delivered the sink
waits (backing off from `retry_min_s` to `retry_max_s`) rather than skipping ahead. Only an
item the sink refuses for good (an HTTP 4xx) is marked failed, reported, and passed over.
An outage is reported once when it starts and again whenever its reason changes, not on
every retry, so an hours-long outage does not flood the event stream.
"""
from __future__ import annotations

import enum
import random
import sys
import threading
from pathlib import Path
from typing import Callable

from voicebox.errors import VoiceboxError
from voicebox.outbox.base import DeliveryError, Envelope, Sent, Sink
from voicebox.outbox.store import Store

IDLE_POLL_S = 1.0  # also picks up items queued by another process (`voicebox outbox retry`)

ErrorCallback = Callable[[DeliveryError], None]


class SinkState(enum.Enum):
    IDLE = "idle"          # nothing pending, or not connected yet
    UP = "up"              # last attempt delivered
    DOWN = "down"          # last attempt failed; waiting to retry
    STOPPED = "stopped"


class Backoff:
    """Exponential backoff with ±20 % jitter, so a fleet does not reconnect in lockstep."""

    def __init__(self, low: float, high: float) -> None:
        self.low, self.high = low, high
        self._next = low

    def reset(self) -> None:
        self._next = self.low

    def next(self) -> float:
        delay = self._next
        self._next = min(self.high, self._next * 2)
        return min(self.high, delay * random.uniform(0.8, 1.2))


class SinkWorker:
    """Delivers the outbox at `path` to one sink on a thread of its own."""

    def __init__(self, sink: Sink, path: Path, on_error: ErrorCallback, *, batch: int = 50,
                 retry_min_s: float = 1.0, retry_max_s: float = 300.0) -> None:
        self.sink = sink
        self.path = path
        self.on_error = on_error
        self.batch = batch
        self.backoff = Backoff(retry_min_s, retry_max_s)
        self.state = SinkState.IDLE
        self._wake = threading.Event()
        self._halt = threading.Event()
        self._open = False
        self._last: tuple[str, str] | None = None
        self._thread = threading.Thread(target=self._run, name=f"deliver-{sink.name}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def poke(self) -> None:
        """New items were queued: deliver now, even in the middle of a backoff wait."""
        self._wake.set()

    def halt(self) -> None:
        """Ask the thread to end after the batch in flight; `stop` waits for it."""
        self._halt.set()
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Finish the batch in flight, close the sink and end the thread."""
        self.halt()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        try:
            store = Store(self.path)
        except VoiceboxError as err:
            self._report(DeliveryError(str(err), code="outbox"))
            self.state = SinkState.STOPPED
            return
        try:
            while not self._halt.is_set():
                self._wake.clear()
                delay = self._step(store)
                if self.state is SinkState.DOWN:
                    self._halt.wait(delay)  # new items must not cut a backoff short
                elif delay:
                    self._wake.wait(delay)
        finally:
            self.sink.close()
            store.close()
            self.state = SinkState.STOPPED

    def _step(self, store: Store) -> float:
        """Deliver one batch; returns how long to wait before the next step."""
        try:
            batch = store.next_batch(self.sink.name, self.batch)
        except VoiceboxError as err:
            return self._failed(DeliveryError(str(err), code="outbox"))
        if not batch:
            self.state = SinkState.IDLE
            return IDLE_POLL_S
        sent = self._send(batch)
        try:
            if sent.count:
                store.delivered(self.sink.name, [e.seq for e in batch[:sent.count]])
                self.backoff.reset()
            if sent.error is not None and sent.count < len(batch):
                store.failed(self.sink.name, batch[sent.count].seq,
                             f"{sent.error.code}: {sent.error}", final=not sent.error.retry)
        except VoiceboxError as err:
            return self._failed(DeliveryError(str(err), code="outbox"))
        if sent.error is None:
            self.state, self._last = SinkState.UP, None
            return 0.0
        if not sent.error.retry:
            self._report(sent.error, always=True)
            return 0.0
        return self._failed(sent.error)

    def _send(self, batch: list[Envelope]) -> Sent:
        try:
            if not self._open:
                self.sink.open()
                self._open = True
            return self.sink.send(batch)
        except DeliveryError as err:
            return Sent(0, err)
        except Exception as err:  # noqa: BLE001 a bug in a sink must not end delivery for good
            return Sent(0, DeliveryError(f"{self.sink.name}: internal error: "
                                         f"{type(err).__name__}: {err}", code="internal"))

    def _failed(self, err: DeliveryError) -> float:
        """Drop the connection, report the outage, and say how long to back off."""
        self.sink.close()
        self._open = False
        self.state = SinkState.DOWN
        self._report(err)
        return self.backoff.next()

    def _report(self, err: DeliveryError, always: bool = False) -> None:
        err.sink = self.sink.name
        key = (err.code, str(err))
        if always or key != self._last:
            self._last = key if not always else self._last
            try:
                self.on_error(err)
            except Exception as bug:  # noqa: BLE001 a broken callback must not stop delivery
                print(f"voicebox: deliver: error callback failed ({type(bug).__name__}: {bug}) "
                      f"while reporting: {err}", file=sys.stderr)
