"""The thermal and battery governor: reads sysfs, decides how hard the device may work.

Linux exposes temperatures as `/sys/class/thermal/thermal_zone*/temp` (millidegrees C) and
batteries as `/sys/class/power_supply/*/{type,capacity,status}`. The root is configurable so
tests point it at a tree they build. Levels, from the hottest zone and the emptiest battery
that is not charging:

- `normal`          — everything allowed;
- `reduced`         — hot (≥ hot_c) or battery low: fewer LLM threads and a pause after each turn;
- `templates_only`  — critical (≥ critical_c) or battery critical: no LLM at all, and the pause.

`check(t)` reads at most every `interval_s` of stream time and returns a Decision only when
it differs from the last one, so every change is one `governor` event.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from voicebox.pipeline.settings import Governor as GovernorSettings

_NOT_DRAINING = {"charging", "full", "not charging"}
_RANK = {"normal": 0, "reduced": 1, "templates_only": 2}


@dataclass(frozen=True)
class Readings:
    """The hottest thermal zone (°C), the emptiest battery (%) and whether it is draining."""

    temp_c: float | None = None
    battery: float | None = None
    charging: bool | None = None


@dataclass(frozen=True)
class Decision:
    level: str                            # normal | reduced | templates_only
    reason: str
    causes: tuple[str, ...]               # ("temperature",), ("battery",), both, or ()
    llm_threads: int | None               # None: the profile's own thread count
    pause_s: float
    templates_only: bool
    readings: Readings


def read(root: Path) -> Readings:
    """Read the sensors under `root` (a missing or unreadable file is simply not counted)."""
    temps = [_number(p) for p in sorted((root / "sys/class/thermal").glob("thermal_zone*/temp"))]
    temps = [v / 1000.0 for v in temps if v is not None and v > -273_000]
    batteries = []
    for supply in sorted((root / "sys/class/power_supply").glob("*")):
        if _text(supply / "type").lower() != "battery":
            continue
        capacity = _number(supply / "capacity")
        if capacity is not None:
            batteries.append((capacity, _text(supply / "status").lower() in _NOT_DRAINING))
    emptiest = min(batteries) if batteries else None
    return Readings(temp_c=max(temps) if temps else None,
                    battery=emptiest[0] if emptiest else None,
                    charging=emptiest[1] if emptiest else None)


def decide(r: Readings, s: GovernorSettings, current: str = "normal") -> Decision:
    """The level for readings `r` under settings `s` (the worst of heat and battery wins).

    A level is left only `hysteresis` (°C or %) past its threshold, so a sensor hovering
    at a limit does not flip the device back and forth.
    """
    rank = _RANK[current]
    critical_c = s.critical_c - (s.hysteresis if rank >= 2 else 0)
    hot_c = s.hot_c - (s.hysteresis if rank >= 1 else 0)
    critical_pct = s.battery_critical + (s.hysteresis if rank >= 2 else 0)
    low_pct = s.battery_low + (s.hysteresis if rank >= 1 else 0)
    found: dict[str, list[tuple[str, str]]] = {"templates_only": [], "reduced": []}
    if r.temp_c is not None and r.temp_c >= critical_c:
        found["templates_only"].append(("temperature", f"{r.temp_c:.0f} °C ≥ {critical_c:g} °C"))
    elif r.temp_c is not None and r.temp_c >= hot_c:
        found["reduced"].append(("temperature", f"{r.temp_c:.0f} °C ≥ {hot_c:g} °C"))
    draining = r.battery is not None and not r.charging
    if draining and r.battery <= critical_pct:
        found["templates_only"].append(("battery", f"{r.battery:.0f} % ≤ {critical_pct:g} %"))
    elif draining and r.battery <= low_pct:
        found["reduced"].append(("battery", f"{r.battery:.0f} % ≤ {low_pct:g} %"))
    for level in ("templates_only", "reduced"):
        if found[level]:
            reason = "; ".join(f"{cause} {what}" for cause, what in found[level])
            causes = tuple(cause for cause, _ in found[level])
            return Decision(level, reason, causes, s.hot_llm_threads, s.pause_s,
                            level == "templates_only", r)
    reason = "within limits" if r != Readings() else "no sensors"
    return Decision("normal", reason, (), None, 0.0, False, r)


class Governor:
    """Reads the sensors every `interval_s` of stream time; reports changes of decision."""

    def __init__(self, settings: GovernorSettings) -> None:
        self.settings = settings
        self.root = Path(settings.root)
        self.decision: Decision | None = None
        self._next_read = 0.0

    def check(self, t: float) -> Decision | None:
        """The new decision if it changed since the last check, else None."""
        if not self.settings.enabled or t < self._next_read:
            return None
        self._next_read = t + self.settings.interval_s
        current = self.decision.level if self.decision is not None else "normal"
        decision = decide(read(self.root), self.settings, current)
        if self.decision is not None and (decision.level, decision.causes) == (
                self.decision.level, self.decision.causes):
            return None
        self.decision = decision
        return decision

    @property
    def templates_only(self) -> bool:
        return self.decision is not None and self.decision.templates_only

    @property
    def pause_s(self) -> float:
        return self.decision.pause_s if self.decision is not None else 0.0


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return ""


def _number(path: Path) -> float | None:
    try:
        return float(_text(path))
    except ValueError:
        return None
