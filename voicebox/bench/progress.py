"""Progress on stderr while a benchmark runs: which section, and a bar where it is long."""
from __future__ import annotations

import sys
import time
from typing import IO, Iterable, TypeVar

T = TypeVar("T")


class Progress:
    """`section(name)` announces a section; `bar(iterable)` is a tqdm bar on the same stream."""

    def __init__(self, sections: int = 0, stream: IO[str] | None = None) -> None:
        self.sections, self.done = sections, 0
        self.stream = stream or sys.stderr
        self.started = time.perf_counter()

    def section(self, name: str) -> None:
        self.done += 1
        count = f"[{self.done}/{self.sections}] " if self.sections else ""
        self.note(f"{count}{name}")

    def note(self, text: str) -> None:
        elapsed = time.perf_counter() - self.started
        print(f"bench {elapsed:5.0f} s  {text}", file=self.stream, flush=True)

    def bar(self, iterable: Iterable[T], total: int | None = None, desc: str | None = None) -> Iterable[T]:
        from tqdm import tqdm

        return tqdm(iterable, total=total, desc=desc, file=self.stream, leave=False, mininterval=1.0,
                    dynamic_ncols=True)

    def counter(self, total: int, desc: str):
        """A bar advanced by hand (`.update()`), for loops that run elsewhere; a context manager."""
        from tqdm import tqdm

        return tqdm(total=total, desc=desc, file=self.stream, leave=False, mininterval=1.0, dynamic_ncols=True)
