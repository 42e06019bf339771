"""Profile sections of the understanding stage: the allow-list, the home, and how to resolve.

`[vocabulary]` is the allow-list of contract §2: no item may carry a kind, device, action,
attribute, value, unit, component or defect outside it. `[[areas]]` and `[[entities]]`
describe the place (rooms, floors, named devices) with their spoken names per language.
`[understanding]` holds the resolution rules (default device, attribute and unit, default
steps, value ranges, how a spoken verb becomes an action per device). `validate` checks what
the types alone cannot express and names the file and key (exit 2).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from voicebox.errors import ConfigError

KINDS = ("device_command", "defect_report", "query")
POSITIONS = ("left", "right", "top", "bottom", "front", "back", "middle")
SEVERITIES = ("low", "medium", "high", "critical")


@dataclass(frozen=True)
class Vocabulary:
    """The allow-list: canonical values an item of this profile may carry."""

    kinds: tuple[str, ...] = ("device_command", "query")
    devices: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    attributes: tuple[str, ...] = ()
    values: tuple[str, ...] = ()  # canonical string values: modes, colours
    units: tuple[str, ...] = ()
    directions: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    defects: tuple[str, ...] = ()
    asset_types: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    # per device type: what it can do and what it has ("a light cannot start"); a device
    # not listed may take every action / attribute above
    device_actions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    device_attributes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # per attribute: its string values (a colour is no mode), and then only those (a mode is no
    # number); an empty list: numbers only; an attribute not listed: all `values` or a number
    attribute_values: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def actions_of(self, device: str) -> tuple[str, ...]:
        return self.device_actions.get(device, self.actions)

    def attributes_of(self, device: str) -> tuple[str, ...]:
        return self.device_attributes.get(device, self.attributes)

    def values_of(self, attribute: str | None) -> tuple[str, ...]:
        return self.attribute_values.get(attribute or "", self.values)

    def takes_numbers(self, attribute: str | None) -> bool:
        """False for an attribute whose values are all named (a mode, a colour)."""
        return not self.attribute_values.get(attribute or "")


@dataclass(frozen=True)
class Area:
    """A room or floor; `name` is the language-neutral target, `names` what people call it."""

    name: str
    names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    floor: bool = False


@dataclass(frozen=True)
class Entity:
    """A named device of the place: `device` is its canonical type, `area` an Area name."""

    name: str
    device: str
    area: str = ""
    names: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Understanding:
    """How tagged words become items.

    `lexicon` names the per-language files merged in order (`configs/<dir>/<lang>.toml`),
    the profile's own directory last. `verbs` maps a spoken verb class ("on", "open", "up"
    …) to the canonical action, per device ("*" for any device), or per unit or attribute
    said in the clause, which come first ("degree": a move by degrees is a rotation).
    """

    lexicon: tuple[str, ...] = ("common",)
    default_device: str = ""
    default_attribute: dict[str, str] = field(default_factory=dict)  # action, move direction or device -> attribute
    units: dict[str, str] = field(default_factory=dict)  # attribute or action -> unit when none is said
    # attribute -> unit -> [lo, hi]: a value set in that range with no unit said has that unit
    # (a thermostat "set to 72" is Fahrenheit: no room is heated to 72 °C)
    unit_ranges: dict[str, dict[str, tuple[float, ...]]] = field(default_factory=dict)
    steps: dict[str, float] = field(default_factory=dict)  # attribute -> step of "a bit"
    ranges: dict[str, tuple[float, ...]] = field(default_factory=dict)  # attribute -> [lo, hi]
    verbs: dict[str, dict[str, str]] = field(default_factory=dict)  # unit|attribute|device|"*" -> verb -> action
    device_hints: dict[str, str] = field(default_factory=dict)  # attribute or verb -> device
    component_priority: tuple[str, ...] = ()  # most specific first: the bolt, not its crossarm
    default_component: dict[str, str] = field(default_factory=dict)  # defect -> component
    # defect -> the components it can be on: "rusty bolts and a bird nest" is not a bolt's nest
    defect_components: dict[str, tuple[str, ...]] = field(default_factory=dict)
    min_confidence: float = field(default=0.6, metadata={"range": (0.0, 1.0)})
    llm_fallback: Literal["unsure", "nothing", "off"] = "unsure"
    # risky actions (heard.py): device -> action -> the verb classes that may do it without a question
    confirm: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    confirm_min_confidence: float = field(default=0.5, metadata={"range": (0.0, 1.0)})  # word confidence
    # an item whose words were heard below this (or in an utterance heard below the mean one) is
    # not acted on; the speaker is asked to say it again (heard.py; 0: off)
    act_min_confidence: float = field(default=0.1, metadata={"range": (0.0, 1.0)})
    act_min_mean_confidence: float = field(default=0.4, metadata={"range": (0.0, 1.0)})


def validate(vocab: Vocabulary, und: Understanding, areas: tuple[Area, ...],
             entities: tuple[Entity, ...], languages: tuple[str, ...], where: str) -> None:
    """Cross-checks: names refer to the allow-list and to each other."""
    for i, kind in enumerate(vocab.kinds):
        if kind not in KINDS:
            raise ConfigError(f"{where}: vocabulary.kinds[{i}]: {kind!r} is not one of {', '.join(KINDS)}")
    _validate_per_device(vocab, where)
    area_names = {a.name for a in areas}
    for i, ent in enumerate(entities):
        if ent.device not in vocab.devices:
            raise ConfigError(f"{where}: entities[{i}].device: {ent.device!r} is not in vocabulary.devices")
        if ent.area and ent.area not in area_names:
            raise ConfigError(f"{where}: entities[{i}].area: {ent.area!r} is not an area name")
    for key, things in (("areas", areas), ("entities", entities)):
        for i, thing in enumerate(things):
            for lang in thing.names:
                if lang not in languages:
                    raise ConfigError(f"{where}: {key}[{i}].names.{lang}: not one of the profile's languages")
    if und.default_device and und.default_device not in vocab.devices:
        raise ConfigError(f"{where}: understanding.default_device: {und.default_device!r} "
                          "is not in vocabulary.devices")
    for device, table in und.verbs.items():
        if device != "*" and device not in vocab.devices + vocab.attributes + vocab.units:
            raise ConfigError(f"{where}: understanding.verbs.{device}: not in vocabulary.devices, "
                              "attributes or units")
        for verb, action in table.items():
            if action not in (vocab.actions_of(device) if device in vocab.devices else vocab.actions):
                raise ConfigError(f"{where}: understanding.verbs.{device}.{verb}: "
                                  f"{action!r} is not in vocabulary.actions (of that device)")
    for key, device in und.device_hints.items():
        if device not in vocab.devices:
            raise ConfigError(f"{where}: understanding.device_hints.{key}: {device!r} is not in vocabulary.devices")
    for i, comp in enumerate(und.component_priority):
        if comp not in vocab.components:
            raise ConfigError(f"{where}: understanding.component_priority[{i}]: {comp!r} "
                              "is not in vocabulary.components")
    for defect, comp in und.default_component.items():
        if defect not in vocab.defects or comp not in vocab.components:
            raise ConfigError(f"{where}: understanding.default_component.{defect}: "
                              "expects a vocabulary defect mapped to a vocabulary component")
    for defect, comps in und.defect_components.items():
        if defect not in vocab.defects or any(c not in vocab.components for c in comps):
            raise ConfigError(f"{where}: understanding.defect_components.{defect}: "
                              "expects a vocabulary defect mapped to vocabulary components")
    for device, actions in und.confirm.items():
        if device not in vocab.devices or any(a not in vocab.actions for a in actions):
            raise ConfigError(f"{where}: understanding.confirm.{device}: expects a vocabulary device "
                              "mapped to vocabulary actions and the verbs that may trigger them")
    for attr, bounds in und.ranges.items():
        if len(bounds) != 2 or bounds[0] > bounds[1]:
            raise ConfigError(f"{where}: understanding.ranges.{attr}: expected [low, high]")
    for attr, table in und.unit_ranges.items():
        for unit, bounds in table.items():
            if unit not in vocab.units or len(bounds) != 2 or bounds[0] > bounds[1]:
                raise ConfigError(f"{where}: understanding.unit_ranges.{attr}.{unit}: expected a "
                                  "vocabulary unit mapped to [low, high]")


def _validate_per_device(vocab: Vocabulary, where: str) -> None:
    for key, table, keys, allowed in (
            ("device_actions", vocab.device_actions, vocab.devices, vocab.actions),
            ("device_attributes", vocab.device_attributes, vocab.devices, vocab.attributes),
            ("attribute_values", vocab.attribute_values, vocab.attributes, vocab.values)):
        for name, names in table.items():
            if name not in keys:
                raise ConfigError(f"{where}: vocabulary.{key}.{name}: not in vocabulary.{key.split('_')[0]}s")
            wrong = [n for n in names if n not in allowed]
            if wrong:
                raise ConfigError(f"{where}: vocabulary.{key}.{name}: {wrong[0]!r} is not in "
                                  f"vocabulary.{key.split('_')[1]}")
