"""The outbox the pipeline talks to: `put` items durably, deliver them on worker threads.

    outbox = Outbox.from_profile(profile, on_error=report)   # or Outbox.open(path, sinks, …)
    outbox.start()
    ids = outbox.put(items, {"text": transcript})            # fsynced before it returns
    …
    outbox.close()                                           # flushes for a moment, then stops

`put` never waits for a sink: a sink that is down only delays delivery. Sink errors reach
`on_error` on the worker's thread, as DeliveryError with `sink`, `code` and `retry`.
"""
from __future__ import annotations

import fcntl
import os
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from voicebox.outbox.base import DeliveryError, OutboxError, Sink
from voicebox.outbox.settings import Delivery, outbox_path
from voicebox.outbox.sinks import build
from voicebox.outbox.store import Store
from voicebox.outbox.worker import ErrorCallback, SinkWorker

if TYPE_CHECKING:
    from voicebox.profile import Profile

HOUSEKEEPING_S = 3600.0


class Outbox:
    """A durable queue at `path` delivered to `sinks`; see the module docstring."""

    def __init__(self, path: Path, sinks: Sequence[Sink], header: Mapping[str, Any],
                 settings: Delivery, on_error: ErrorCallback | None) -> None:
        names = [s.name for s in sinks]
        if len(set(names)) != len(names):
            raise ValueError(f"sink names must be unique: {names}")
        self.path = Path(path)
        self.sinks = list(sinks)
        self.header = dict(header)
        self.settings = settings
        self.on_error = on_error or _print_error
        self._store = Store(self.path)
        self._lock = threading.Lock()
        self._workers: list[SinkWorker] = []
        self._delivery_lock: int | None = None
        self._housekept = 0.0
        self._housekeep()

    @classmethod
    def open(cls, path: str | Path, sinks: Sequence[Sink], *, device: str, profile: str = "",
             settings: Delivery | None = None, on_error: ErrorCallback | None = None) -> Outbox:
        """Open (or create) the outbox at `path`; envelopes name `device` and `profile`."""
        return cls(Path(path), sinks, {"device": device, "profile": profile},
                   settings or Delivery(), on_error)

    @classmethod
    def from_profile(cls, profile: Profile, path: str | Path | None = None,
                     on_error: ErrorCallback | None = None) -> Outbox:
        """The outbox and sinks of `profile.delivery`; `path` overrides where it lives."""
        delivery = profile.delivery
        sinks = build(delivery, profile.name, str(profile.path))
        return cls.open(outbox_path(delivery, path), sinks, device=delivery.device(),
                        profile=profile.name, settings=delivery, on_error=on_error)

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.sinks]

    def put(self, items: Sequence[Mapping[str, Any]], meta: Mapping[str, Any] | None = None) -> list[str]:
        """Queue `items` for every sink; returns their ids once they are on disk."""
        if not items:
            return []
        with self._lock:
            envelopes = self._store.put(items, self.header, self.names, meta)
            if time.time() - self._housekept > HOUSEKEEPING_S:
                self._housekeep()
        for worker in self._workers:
            worker.poke()
        return [e.id for e in envelopes]

    def start(self) -> None:
        """Start one delivery thread per sink (again after `stop`)."""
        if self._workers:
            return
        self._lock_delivery()
        s = self.settings
        self._workers = [SinkWorker(sink, self.path, self.on_error, batch=s.batch,
                                    retry_min_s=s.retry_min_s, retry_max_s=s.retry_max_s)
                         for sink in self.sinks]
        for worker in self._workers:
            worker.start()

    def stop(self, timeout: float = 15.0) -> None:
        """Stop delivering: each worker finishes its batch in flight and closes its sink."""
        workers, self._workers = self._workers, []
        for worker in workers:
            worker.halt()
        for worker in workers:
            worker.stop(timeout)
        if self._delivery_lock is not None:
            os.close(self._delivery_lock)  # also released by the kernel if the process dies
            self._delivery_lock = None

    def _lock_delivery(self) -> None:
        """One deliverer per outbox: two would race each other and break the per-sink order."""
        fd = os.open(f"{self.path}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise OutboxError(f"the outbox {self.path} is being delivered by another voicebox "
                              "process; stop it first (queuing and `voicebox outbox list` work "
                              "alongside it)") from None
        self._delivery_lock = fd

    def pending(self) -> int:
        """Deliveries still queued for the configured sinks."""
        with self._lock:
            return self._store.pending(self.names)

    def status(self) -> dict[str, str]:
        """{sink: idle|up|down|stopped} of the running workers."""
        return {w.sink.name: w.state.value for w in self._workers}

    def wait_idle(self, timeout: float) -> bool:
        """Wait until nothing is pending for the configured sinks; False on timeout."""
        deadline = time.monotonic() + timeout
        while self.pending():
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)
        return True

    def close(self, flush_s: float = 2.0) -> None:
        """Give the workers `flush_s` to deliver what is pending, then stop and close.

        Whatever is still pending stays in the outbox for the next start.
        """
        if self._workers and flush_s > 0:
            self.wait_idle(flush_s)
        self.stop()
        with self._lock:
            self._store.close()

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _housekeep(self) -> None:
        """Forget items delivered everywhere more than `keep_days` ago."""
        before = time.time() - self.settings.keep_days * 86400
        self._store.purge(["delivered"], before)
        self._housekept = time.time()


def _print_error(err: DeliveryError) -> None:
    print(f"voicebox: deliver: {err}", file=sys.stderr)
