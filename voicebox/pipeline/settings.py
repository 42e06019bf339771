"""Profile sections of the pipeline: `[power]`, `[governor]` and `[dialog]`.

Times are seconds of *audio* (stream time): a file is processed as if it were live, so
idle timers, follow-up windows and unloads happen at the same points of the stream
whatever the machine's speed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from voicebox.errors import ConfigError

_IDLE = {"range": (0.0, 86400.0)}


@dataclass(frozen=True)
class Power:
    """When the heavy stages are unloaded; `always_loaded` keeps everything resident (for comparison)."""

    always_loaded: bool = False
    asr_idle_s: float = field(default=0.0, metadata=_IDLE)   # after the follow-up window closes
    llm_idle_s: float = field(default=0.0, metadata=_IDLE)   # after the reply
    # after the turn (the follow-up window) ends: the voice is prefetched on the next wake word
    # while the user speaks, so keeping it buys no reply latency, only ~130 MB held while idle
    tts_idle_s: float = field(default=0.0, metadata=_IDLE)
    # loaded in the background as soon as the wake word is heard, while the user speaks
    prefetch: tuple[Literal["tts", "llm"], ...] = ("tts",)


@dataclass(frozen=True)
class Governor:
    """Thermal and battery limits read from sysfs under `root` every `interval_s` of audio."""

    enabled: bool = True
    root: str = "/"                                          # tests point this at a tree they build
    interval_s: float = field(default=10.0, metadata={"range": (0.08, 3600.0)})
    hot_c: float = field(default=75.0, metadata={"range": (20.0, 150.0)})       # fewer threads, pauses
    critical_c: float = field(default=85.0, metadata={"range": (20.0, 150.0)})  # templates only
    battery_low: float = field(default=20.0, metadata={"range": (0.0, 100.0)})
    battery_critical: float = field(default=10.0, metadata={"range": (0.0, 100.0)})
    hysteresis: float = field(default=3.0, metadata={"range": (0.0, 20.0)})  # °C or % to leave a level
    hot_llm_threads: int = field(default=1, metadata={"range": (1, 64)})
    pause_s: float = field(default=5.0, metadata={"range": (0.0, 600.0)})      # wake ignored after a turn


@dataclass(frozen=True)
class Dialog:
    """The conversation: follow-up window, speaking, and the reply when nothing was understood."""

    follow_up_s: float = field(default=6.0, metadata={"range": (0.0, 120.0)})
    speak: bool = True
    length_scale: float = field(default=1.0, metadata={"range": (0.5, 2.0)})   # < 1 speaks faster
    # Audio before the wake detection handed to the recogniser. The detection fires near the
    # end of the wake phrase; 0.8 s covers a late detection without handing over the whole
    # phrase (with 1.5 s, "jarvis" leaked into 5 of 10 demo commands; with 0.8 s, none did).
    preroll_s: float = field(default=0.8, metadata={"range": (0.0, 10.0)})


def validate(governor: Governor, where: str) -> None:
    """Cross-field checks the types alone cannot express (ConfigError names file and key)."""
    if governor.critical_c < governor.hot_c:
        raise ConfigError(f"{where}: governor.critical_c: {governor.critical_c} is below "
                          f"governor.hot_c {governor.hot_c}")
    if governor.battery_critical > governor.battery_low:
        raise ConfigError(f"{where}: governor.battery_critical: {governor.battery_critical} is above "
                          f"governor.battery_low {governor.battery_low}")
