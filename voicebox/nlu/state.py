"""The session's device state: what the assistant last set, so "a bit darker" has a meaning.

Values are kept per target (or per device when no target was named) and attribute. A set
command records its value; an increase or decrease moves the recorded value by the step
said, or the profile's default step (`[understanding] steps`), within its range, and the
new value goes into the reply ("Living room light dimmed to 60 %"). The store also
remembers the last target of each device, so "dim it" after "turn on the living room
light" addresses the living room. Integrators with real feedback call `set()` themselves.
"""
from __future__ import annotations

from dataclasses import dataclass, field


# A move's or a turn's target is where the device goes ("fly to tower 12"), not what "it"
# means in the next command: "turn it left" turns the drone.
_WHERE_TO = ("move", "rotate")


@dataclass
class DeviceState:
    """Per-session state: values by (target or device, attribute), last target per device."""

    values: dict[tuple[str, str], float] = field(default_factory=dict)
    last_target: dict[str, str] = field(default_factory=dict)

    def get(self, key: str, attribute: str) -> float | None:
        return self.values.get((key, attribute))

    def set(self, key: str, attribute: str, value: float) -> None:
        self.values[(key, attribute)] = value

    def clear(self) -> None:
        self.values.clear()
        self.last_target.clear()

    def apply(self, item: dict, steps: dict[str, float], ranges: dict[str, tuple[float, ...]]) -> float | None:
        """Record a device command; returns the attribute's new value when it is known."""
        device, target, attribute = item.get("device"), item.get("target"), item.get("attribute")
        value, action = item.get("value"), item.get("action")
        if target and action not in _WHERE_TO:
            self.last_target[device] = target
        key = target or device
        if not attribute or not isinstance(value, (int, float)) and action not in ("increase", "decrease"):
            return None
        if action == "set" and isinstance(value, (int, float)):
            self.set(key, attribute, float(value))
            return float(value)
        current = self.get(key, attribute)
        if action not in ("increase", "decrease") or current is None:
            return None
        step = float(value) if isinstance(value, (int, float)) else steps.get(attribute)
        if step is None:
            return None
        new = current + step if action == "increase" else current - step
        lo, hi = ranges.get(attribute, (float("-inf"), float("inf")))
        new = min(max(new, lo), hi)
        self.set(key, attribute, new)
        return new
