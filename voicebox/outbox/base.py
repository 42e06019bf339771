"""What every sink shares: the envelope it delivers, the result of a send, and its error.

A sink is a small class behind the `Sink` protocol: `open()` connects, `send(batch)` delivers
envelopes in order and says how many got through, `close()` lets go. The worker owns retries,
backoff and bookkeeping, so a sink only speaks its protocol.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence

from voicebox.errors import VoiceboxError


class DeliveryError(VoiceboxError):
    """A sink could not deliver. `retry` says whether trying again later can help.

    Codes: unreachable, timeout, server_error, rejected (a 4xx: not retried), auth, tls, io,
    internal (a bug in a sink, reported and retried rather than stopping delivery).
    """

    code = "deliver"

    def __init__(self, message: str, *, code: str, retry: bool = True, sink: str = "") -> None:
        super().__init__(message, code=code)
        self.retry = retry
        self.sink = sink


class OutboxError(VoiceboxError):
    """The outbox database cannot be opened or written (bad path, not a database, disk full)."""

    exit_code = 2
    code = "outbox"


@dataclass(frozen=True)
class Envelope:
    """One queued item as stored and delivered: `body` is the JSON text sent to every sink."""

    seq: int
    id: str
    kind: str
    body: str


@dataclass(frozen=True)
class Sent:
    """The first `count` envelopes of a batch were delivered; `error` stopped the rest."""

    count: int
    error: DeliveryError | None = None


class Sink(Protocol):
    """A delivery target. Envelopes must be delivered in the order given."""

    name: str

    def open(self) -> None:
        """Connect; raise DeliveryError if the target cannot be reached."""

    def send(self, batch: Sequence[Envelope]) -> Sent:
        """Deliver a prefix of `batch` (ideally all of it) and report why the rest was not."""

    def close(self) -> None:
        """Disconnect; never raises."""
