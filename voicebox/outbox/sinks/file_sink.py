"""JSON-Lines file sink: one envelope per line, appended and fsynced before it counts."""
from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO, Sequence

from voicebox.outbox.base import DeliveryError, Envelope, Sent
from voicebox.outbox.settings import FileSink as Settings


class FileSink:
    name = "file"

    def __init__(self, settings: Settings) -> None:
        self.path = Path(settings.path).expanduser()
        self.fsync = settings.fsync
        self._file: BinaryIO | None = None

    def open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(self.path, "ab")
            if not self._ends_with_newline():
                # a crash cut the last line short: end it, so the next envelope is a line of its own
                self._file.write(b"\n")
        except OSError as err:
            raise DeliveryError(f"file {self.path}: cannot open: {err.strerror or err}",
                                code="io") from None

    def _ends_with_newline(self) -> bool:
        with open(self.path, "rb") as f:
            if f.seek(0, os.SEEK_END) == 0:
                return True
            f.seek(-1, os.SEEK_END)
            return f.read(1) == b"\n"

    def send(self, batch: Sequence[Envelope]) -> Sent:
        assert self._file is not None, "send() before open()"
        start = self._file.tell()
        try:
            self._file.write(b"".join(e.body.encode() + b"\n" for e in batch))
            self._file.flush()
            if self.fsync:
                os.fsync(self._file.fileno())
        except OSError as err:
            self._cut(start)  # a half-written line would corrupt the file for every reader
            return Sent(0, DeliveryError(f"file {self.path}: cannot write: {err.strerror or err}",
                                         code="io"))
        return Sent(len(batch))

    def _cut(self, size: int) -> None:
        try:
            self._file.truncate(size)  # type: ignore[union-attr]
        except OSError:
            pass  # the write error is what gets reported; the retry appends whole lines again

    def close(self) -> None:
        if self._file is not None:
            try:
                self._file.close()
            except OSError:
                pass  # closing after a failed write; the failure was reported by send()
            self._file = None
