"""The pre-roll ring buffer: the last `seconds` of audio, so the recogniser misses nothing.

The pipeline pushes every frame, always. After a wake word at `t` the recogniser (which
is only loaded then) starts from `since(t - preroll_s)`, and the runner keeps pushing
while it loads, so the words said right after the wake word are all there.
"""
from __future__ import annotations

from collections import deque

import numpy as np

from voicebox.audio import FRAME_S, RATE


class Preroll:
    """`push(frame, t)` with t = stream seconds at the frame's end; `since(t0)` -> int16 samples."""

    def __init__(self, seconds: float = 30.0) -> None:
        self.seconds = seconds
        self._frames: deque[tuple[float, np.ndarray]] = deque(maxlen=max(1, round(seconds / FRAME_S)))

    def push(self, frame: np.ndarray, t: float) -> None:
        self._frames.append((t, np.asarray(frame, dtype=np.int16)))

    def since(self, t0: float) -> np.ndarray:
        """Every sample from stream time `t0` on (as far back as the buffer reaches), to the newest."""
        parts = []
        for t_end, frame in self._frames:
            start = t_end - len(frame) / RATE
            if t_end <= t0:
                continue
            skip = max(0, round((t0 - start) * RATE))  # t0 falls inside this frame
            parts.append(frame[skip:])
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16)

    @property
    def start(self) -> float | None:
        """Stream time of the oldest sample held, None when empty."""
        if not self._frames:
            return None
        t_end, frame = self._frames[0]
        return t_end - len(frame) / RATE

    def clear(self) -> None:
        self._frames.clear()

    def __len__(self) -> int:
        return len(self._frames)
