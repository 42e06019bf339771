"""The gate in front of the wake model: an energy floor (free), then the Silero VAD, with a hold time.

The wake model costs ~1.5 ms per 80 ms frame; the energy test ~10 µs and the VAD ~0.3 ms.
In silence the gate stops at the energy test, so the front end costs almost nothing; in
steady noise the VAD is asked on every other frame, in speech only when the hold time is
half gone.

The gate only decides *when* the wake model runs: the front end keeps the frames it
skipped and feeds them when the gate opens, so a late opening loses nothing.
"""
from __future__ import annotations

import math

import numpy as np

from voicebox.audio import FRAME_S
from voicebox.audio.vad import SileroVad

SURE = 0.8  # a VAD probability this high is speech beyond doubt


def dbfs(frame: np.ndarray) -> float:
    """RMS level of int16 samples in dB relative to full scale (-inf for digital silence)."""
    power = float(np.mean(np.square(frame, dtype=np.float64)))
    return 10 * math.log10(power / 32768.0 ** 2) if power > 0 else -math.inf


class Gate:
    """`is_open(frame)`: could this frame hold speech? Counts the VAD runs it needed."""

    def __init__(self, vad: SileroVad, floor_dbfs: float, vad_threshold: float, hold_s: float) -> None:
        self.vad = vad
        self.floor_dbfs, self.vad_threshold = floor_dbfs, vad_threshold
        self.hold_frames = round(hold_s / FRAME_S)
        self.vad_runs = 0
        self._hold = 0
        self._sure = False
        self._turn = False

    def load(self) -> float:
        return self.vad.load()

    def unload(self) -> None:
        self.vad.unload()

    def reset(self) -> None:
        self._hold = 0
        self._sure = False
        self._turn = False
        if self.vad.loaded:
            self.vad.reset()

    def is_open(self, frame: np.ndarray) -> bool:
        if self._sure and self._hold > self.hold_frames // 2:
            # Opened by a clear voice, more than half the hold left: no need to ask the VAD
            # yet, so in continuous speech it runs on one frame in ~hold/2, not on all.
            self._hold -= 1
            return True
        if dbfs(frame) >= self.floor_dbfs and self._ask():
            self.vad_runs += 1
            probability = self.vad.probability(frame)
            if probability >= self.vad_threshold:
                self._hold = self.hold_frames
                self._sure = probability >= SURE  # a marginal opening (noise?) is re-checked every frame
                return True
        if self._hold > 0:  # the wake model's score peaks just after the word: stay open a little
            self._hold -= 1
            return True
        return False

    def _ask(self) -> bool:
        """Whether to run the VAD on a frame above the energy floor.

        While closed, every other frame: opening one frame late costs nothing (the front end
        feeds the frames it skipped) and a wake word lasts many frames, so steady noise
        above the floor costs half the VAD runs. While open, every frame.
        """
        if self._hold > 0:
            return True
        self._turn = not self._turn
        return self._turn
