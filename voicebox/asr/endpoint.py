"""Endpointing: when has the command ended? Trailing silence, a length cap, or nothing said.

The Endpointer sees one VAD speech probability per frame and owns the state machine
(waiting → speaking → trailing silence); it knows nothing of audio or recognisers.
Speech starts when `min_speech_s` of frames in a row are voiced (a click or a cough
tail is not a command); a frame counts as silence only below the threshold minus a
hysteresis margin, so words with weak voicing do not end a command early.

Background talk (a television, people nearby) is speech to the VAD, so after the command
it never hears silence and the command runs on to `max_command_s`, collecting the room's
words. The speaker is nearer than the room: once the command has started, a frame more
than `end_drop_db` below the command's own level (the 90th percentile of its voiced
frames) counts as silence too, whatever the VAD says. On clean commands no stretch of
real speech stays that far below its level for as long as `silence_ms` (tools/bench_spoken.py).
"""
from __future__ import annotations

import enum
import math
from typing import TYPE_CHECKING, Literal

from voicebox.audio import FRAME_S

if TYPE_CHECKING:
    from voicebox.profile import Asr

Reason = Literal["silence", "max_length", "no_speech"]

HYSTERESIS = 0.15  # Silero's own recommendation: silence below threshold - 0.15
MIN_SPEECH_S = 0.16  # two frames: shorter bursts are clicks, not words
MIN_LEVELS = 3       # voiced frames before the command's level is trusted
MAX_LEVELS = 150     # 12 s of frames: the level of a command is known long before


class State(enum.Enum):
    WAITING = "waiting"    # nothing said yet since the wake word
    SPEAKING = "speaking"  # voiced frames
    TRAILING = "trailing"  # silence after speech, not yet long enough


class Endpointer:
    """Feed `update(probability)` once per frame; it returns the reason once the command ended.

    `settings` are the profile's `[asr]` keys silence_ms, max_command_s,
    no_speech_timeout_s and vad_threshold; times count from the wake word.
    """

    def __init__(self, settings: "Asr", frame_s: float = FRAME_S, min_speech_s: float = MIN_SPEECH_S) -> None:
        self.settings, self.frame_s, self.min_speech_s = settings, frame_s, min_speech_s
        self.reset()

    def reset(self) -> None:
        self.state = State.WAITING
        self.elapsed = 0.0                   # seconds since begin
        self.speech_start: float | None = None
        self.speech_end: float | None = None  # end of the last voiced frame
        self._run = 0                        # voiced frames in a row while waiting
        self._quiet = 0.0                    # trailing silence so far
        self._levels: list[float] = []       # dBFS of the command's voiced frames

    @property
    def hearing(self) -> bool:
        """True once speech has started (until the endpoint)."""
        return self.state is not State.WAITING

    def update(self, probability: float, level_db: float | None = None) -> Reason | None:
        """Account one frame with this speech probability (and level, dBFS, when known);
        the reason when the command is over."""
        s = self.settings
        self.elapsed += self.frame_s
        drowned = self._below_command(level_db)
        voiced = probability >= s.vad_threshold and not drowned
        quiet = probability < s.vad_threshold - HYSTERESIS or drowned
        if voiced and level_db is not None and len(self._levels) < MAX_LEVELS:
            self._levels.append(level_db)
        if self.state is State.WAITING:
            self._run = self._run + 1 if voiced else 0
            if voiced and self._run * self.frame_s >= max(self.min_speech_s, self.frame_s) - 1e-9:
                self.state = State.SPEAKING
                self.speech_start = self.elapsed - self._run * self.frame_s
                self.speech_end = self.elapsed
            elif self.elapsed >= s.no_speech_timeout_s - 1e-9:
                return "no_speech"
        elif not quiet:
            self.state, self._quiet = State.SPEAKING, 0.0
            if voiced:
                self.speech_end = self.elapsed
        else:
            self.state = State.TRAILING
            self._quiet = self.elapsed - self.speech_end
            if self._quiet * 1000 >= s.silence_ms - 1e-6:
                return "silence"
        if self.elapsed >= s.max_command_s - 1e-9:
            return "max_length" if self.hearing else "no_speech"
        return None

    def _below_command(self, level_db: float | None) -> bool:
        """Whether a frame is far below the level of the command heard so far (see the module doc)."""
        drop = self.settings.end_drop_db
        if level_db is None or drop <= 0 or self.state is State.WAITING or len(self._levels) < MIN_LEVELS:
            return False
        ordered = sorted(self._levels)
        return level_db < ordered[int(0.9 * (len(ordered) - 1))] - drop


def level_db(frame) -> float:
    """A frame's level in dBFS (int16 full scale)."""
    import numpy as np

    power = float(np.mean(np.square(frame, dtype=np.float64))) / 32768.0 ** 2
    return 10.0 * math.log10(power + 1e-12)
