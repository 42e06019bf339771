"""The profile's `[audio]` table: which sound devices voicebox listens and speaks on."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Audio:
    """Devices by name, unique part of a name, or index as a string; "" is the system default."""

    input_device: str = ""
    output_device: str = ""
    retry_s: float = field(default=2.0, metadata={"range": (0.1, 60.0)})  # reopen a failed microphone
    stall_s: float = field(default=2.0, metadata={"range": (0.2, 60.0)})  # no audio this long = failed
    # How often the microphone wakes the process. In silence that is nearly all voicebox costs
    # (capture and resampling, not the gated front end): 0.16 s instead of one 80 ms frame
    # takes a third off idle CPU, at up to 0.08 s later wake and endpoint decisions.
    block_s: float = field(default=0.08, metadata={"range": (0.02, 0.5)})
