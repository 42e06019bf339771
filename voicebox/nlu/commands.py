"""A clause's tags → device commands.

The verb says what to do, in classes ("on", "open", "down", "take_off" …) that the profile
maps to actions per device (`[understanding.verbs]`: 打开 is "open", which a cover does, a
lock turns into unlock and a light into turn_on). The device comes from a named entity, a
device word, a hint from the attribute or verb (`device_hints`), or the profile's default.
A value turns on/open/adjust into set; "to 90" makes up/down a set, "by 10" or a bare
number their step. Several targets or attributes under one verb give one item each.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from voicebox.nlu.clauses import words_of
from voicebox.nlu.tagger import Tag
from voicebox.nlu.targets import targets, unknown_object
from voicebox.nlu.verbparts import disambiguate, is_object, split_by_verbs, strong_verb

RELATIVE = ("increase", "decrease")
MOVES = ("move", "rotate")
TEMPERATURE_UNITS = ("celsius", "fahrenheit")


@dataclass
class Draft:
    """An item on its way out, with what the understander needs besides the item itself."""

    item: dict[str, Any]
    confidence: float
    implied: bool = False
    pronoun: bool = False
    default_device: bool = False
    notes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Number:
    value: float
    unit: str | None
    marker: str | None  # "to" (absolute) or "by" (a step), else None


def numbers(tags: list[Tag]) -> list[Number]:
    """Spoken numbers with the unit said next to them and the to/by word before them; a
    number a verb phrase carries ("spin around": 180) only after those said ("spin around to
    the left ninety degrees" turns 90)."""
    out, carried = [], []
    for k, t in enumerate(tags):
        num = t.get("number", t.get("step") if isinstance(t.get("step"), float) else None)
        if num is None or "asset" in t.fields:
            continue
        unit = t.get("unit")
        if unit is None and k + 1 < len(tags) and "unit" in tags[k + 1].fields and "number" not in tags[k + 1].fields:
            unit = tags[k + 1].get("unit")
        # a level word (`level = true`) is where to, whatever is before it: "turn the fan down to low"
        marker = "to" if t.get("level") else next((p.role for p in reversed(tags[max(0, k - 2):k])
                                                    if p.role in ("to", "by")), None)
        (carried if "verb" in t.fields else out).append(Number(float(num), unit, marker))
    return out + carried


def commands(tags: list[Tag], profile) -> list[Draft]:
    """Device commands of one clause (several when it names several targets or attributes)."""
    vocab, und = profile.vocabulary, profile.understanding
    if "device_command" not in vocab.kinds or not vocab.devices:
        return []
    drafts: list[Draft] = []
    # 挪一挪, 转一转: a verb said twice around 一 is said once, a little (no number, no second verb)
    doubled = {k + d for k in range(len(tags)) if _reduplicated(tags, k) for d in (0, 1)}
    tags = [t for k, t in enumerate(tags) if k not in doubled]
    for part in split_by_verbs(disambiguate(tags), und):
        drafts.extend(_commands(part, profile))
    return drafts


def _commands(tags: list[Tag], profile) -> list[Draft]:
    verb_tag = _verb(tags)
    nums = numbers(tags)
    values = words_of(tags, "value")
    implied = verb_tag is not None and bool(verb_tag.get("implied"))
    cls = verb_tag.get("verb") if verb_tag is not None else None
    if cls is None and (nums or values) and _has_object(tags):
        cls = "adjust"
    if cls is None and _bare_direction(tags):
        cls = "direction"  # "forward 20 meters", "往上拉一百米": what a direction alone means
    if cls is None:
        return []
    attrs = list(dict.fromkeys(t.get("attribute") for t in tags if "attribute" in t.fields
                               and "value" not in t.fields and not t.get("implied")))
    if not attrs and verb_tag is not None and verb_tag.get("attribute"):
        attrs = [verb_tag.get("attribute")]
    # a value names its own attribute: "switch to colour and the gain" is the mode's value
    attrs += [a for a in dict.fromkeys(v.get("value_attr") for v in values) if a not in attrs]
    drafts = []
    for target, device, dev_default in targets(tags, cls, attrs, profile):
        for attr in attrs or [None]:
            own = [v for v in values if attr is None or v.get("value_attr") == attr]
            attr = _fitting(attr, device, verb_tag, profile)
            draft = _one(cls, device, target, attr, nums, own, tags, profile)
            if draft is not None:
                draft.implied, draft.default_device = implied, dev_default
                # a device or a command that was only implied is less certain than one said
                draft.confidence = round(draft.confidence * (0.85 if implied else 1) * (0.9 if dev_default else 1), 3)
                draft.pronoun = any(t.role == "pronoun" for t in tags)
                drafts.append(draft)
    return drafts


def _fitting(attr: str | None, device: str, verb_tag: Tag | None, profile) -> str | None:
    """The attribute a comparative means for the device it is said of: "make the fan quieter"
    is its speed, "make the tv quieter" its volume (a phrase's `attribute` list, first fit)."""
    alternatives = verb_tag.get("attributes") if verb_tag is not None else None
    if not alternatives or attr not in alternatives:
        return attr
    has = profile.vocabulary.attributes_of(device)
    return attr if attr in has else next((a for a in alternatives if a in has), attr)


def _verb(tags: list[Tag]) -> Tag | None:
    strong = [t for t in tags if strong_verb(t)]
    if strong:
        return strong[0]
    weak = [t for t in tags if t.get("verb") == "adjust"]
    if weak:
        return weak[0]
    implied = [t for t in tags if t.get("implied") and "verb" in t.fields]
    return implied[0] if implied else None


def _has_object(tags: list[Tag]) -> bool:
    return any(is_object(t) for t in tags)


def _bare_direction(tags: list[Tag]) -> bool:
    """A direction with how far ("scoot left 3 meters", "再高一点") or with nothing unexplained
    before it ("down"), and no component or asset ("左边瓷瓶" is where a defect is);
    "flip upside down" is not a move down, "上面有鸟" says where a bird is."""
    dirs = words_of(tags, "direction")
    if not dirs or any("component" in t.fields or "asset" in t.fields for t in tags):
        return False
    how_far = any("number" in t.fields or "step" in t.fields for t in tags)
    # a Chinese place word (左边, 上面: also a position) says where something is: "左边有棵树"
    word = dirs[0].text
    place = "position" in dirs[0].fields and not word.isascii() and len(word) > 1 and word[0] not in "往向朝"
    # in Chinese what changes, said first, is no unexplained word before the way: "高度低一点"
    before = tags[:tags.index(dirs[0])]
    first = not word.isascii() and bool(before) and before[0].lead \
        and all("attribute" in t.fields or t.role == "filler" for t in before)
    return how_far or (dirs[0].lead or first) and not place


def action_for(cls: str, device: str, profile, said: tuple = ()) -> str | None:
    """The canonical action a verb class means for `device`, if the device can do it.

    `said` are the unit and attribute of the clause, which may decide first: a move by
    degrees or of the heading is a rotation (`[understanding.verbs.degree]`).
    """
    verbs, allowed = profile.understanding.verbs, profile.vocabulary.actions_of(device)
    for table in [*(verbs.get(k, {}) for k in said if k), verbs.get(device, {}), verbs.get("*", {})]:
        if table.get(cls) in allowed:  # the first meaning this device has: a light does not start
            return table[cls]
    return cls if cls in allowed else None


def _reduplicated(tags: list[Tag], k: int) -> bool:
    """Is tags[k] a 一 between a verb and itself ("a little": 挪一挪, 转一转)?"""
    return tags[k].text == "一" and 0 < k < len(tags) - 1 and "verb" in tags[k - 1].fields \
        and tags[k - 1].text == tags[k + 1].text and tags[k - 1].end == tags[k].start == tags[k + 1].start - 1


def _one(cls: str, device: str, target: str | None, attr: str | None, nums: list[Number],
         values: list[Tag], tags: list[Tag], profile) -> Draft | None:
    vocab, und = profile.vocabulary, profile.understanding
    num = nums[0] if nums else None
    action = action_for(cls, device, profile, (num.unit if num else None, attr))
    value: Any = values[0].get("value") if values else None
    settable = "set" in vocab.actions_of(device)
    if action in RELATIVE and num is not None and num.marker == "to" and settable:
        action = "set"
    if (action not in RELATIVE + MOVES and (value is not None or num is not None) or isinstance(value, str)) \
            and settable:
        action = "set"  # "turn up colour doppler" sets the mode: a named value is never a step
    if action is None:
        return None
    if value is None and num is not None and action in ("set", *RELATIVE, *MOVES):
        value = num.value
    if action == "set" and value is None:
        return None  # "set the thermostat": nothing to set it to
    if action in MOVES:
        return _move(action, cls, device, target, attr, value, num, tags, und)
    if action not in ("set", *RELATIVE):
        value, attr = None, None
    elif attr is None:
        if unknown_object(tags):
            return None  # "set the temperature to 22" to an ultrasound cart: not its gain
        attr = und.default_attribute.get(action) or und.default_attribute.get(device)
    item = {"kind": "device_command", "device": device, "target": target, "action": action,
            "attribute": attr, "value": _clean(value), "unit": _unit(num, attr, action, value, und)}
    return Draft(item, round(0.9 * min((t.score for t in tags), default=1.0), 3))


def _move(action: str, cls: str, device: str, target: str | None, attr: str | None, value: Any,
          num: Number | None, tags: list[Tag], und) -> Draft | None:
    """A move or a turn: which way (`direction`), how far (`value`), what changes (`attribute`:
    the heading of a turn, the altitude of a climb or descent, by `default_attribute` of the
    action, then of the direction) and where to (`target`: "fly to tower 12", "face the tower")."""
    direction = next((t.get("direction") for t in tags if "direction" in t.fields), None)
    place = _place(tags)
    if direction is None and cls in ("up", "down") and action == "move" and (value is not None or attr == "altitude"):
        direction = cls  # "increase altitude by 10 meters", "把高度提高一点" are a climb
    if direction is None and value is None and place is None and not any(t.role == "bearing" for t in tags):
        return None  # "move the…": where to, or how far, was not said ("fly north" says it)
    attr = attr or und.default_attribute.get(action) or und.default_attribute.get(direction or "") \
        or und.default_attribute.get(device)
    item = {"kind": "device_command", "device": device, "target": target or place, "action": action,
            "attribute": attr, "value": _clean(value), "unit": _unit(num, attr, action, value, und)}
    if direction is not None:
        item["direction"] = direction
    return Draft(item, round(0.9 * min((t.score for t in tags), default=1.0), 3))


def _place(tags: list[Tag]) -> str | None:
    """Where a move or turn goes when it names a thing of the profile after its verb rather
    than a direction: the asset ("fly to tower 12", the same in both languages), else the
    component ("face the tower"). A thing said with a defect is what is wrong, not where to go
    ("十二号塔转角处螺栓松了": 转 there is part of a word)."""
    verb = next((k for k, t in enumerate(tags) if "verb" in t.fields), None)
    if verb is None or any("defect" in t.fields for t in tags):
        return None
    after = tags[verb + 1:]
    asset = next((t.get("asset") for t in after if "asset" in t.fields), None)
    if asset:
        return f"{asset['type']} {asset['id']}"
    return next((t.get("component") for t in after if "component" in t.fields), None)


def _unit(num: Number | None, attr: str | None, action: str, value: Any, und) -> str | None:
    if not isinstance(value, (int, float)):
        return None
    default = und.units.get(attr or "") or und.units.get(action)
    said = num.unit if num is not None else None
    if said in (None, "degree") and action == "set":
        default = next((unit for unit, (lo, hi) in und.unit_ranges.get(attr or "", {}).items()
                        if lo <= value <= hi), default)
    if said == "degree" and default in TEMPERATURE_UNITS:
        return default
    return said or default


def _clean(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
