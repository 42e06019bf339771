"""The item contract of a profile: its JSON schema, and the final gate every item passes.

`json_schema(profile)` describes the list of items this profile allows (contract §1), with
enums taken from the profile's `[vocabulary]` allow-list; the LLM grammar is generated from
it. `validate_item(item, vocabulary)` is the security boundary between what was heard and
what is acted on: it returns the item normalised to the contract's field set, or None when
any field is outside the allow-list or the contract. Both the templates and the LLM path
send every item through it.
"""
from __future__ import annotations

import math
import re
from typing import Any

from voicebox.nlu.settings import POSITIONS, SEVERITIES, Vocabulary

# Field order of each kind (contract §1); `direction` is voicebox's optional extra for
# drone moves, emitted only when set.
FIELDS = {
    "device_command": ("kind", "device", "target", "action", "attribute", "value", "unit", "confidence"),
    "defect_report": ("kind", "component", "defect", "asset", "position", "severity", "confidence"),
    "query": ("kind", "question", "topic", "confidence"),
}
OPTIONAL = {"device_command": ("direction",), "defect_report": (), "query": ()}
ASSET_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z-]{0,15}")
ASSET_ID_PATTERN = "^" + ASSET_ID.pattern + "$"
MAX_TEXT = 500  # longest target / question accepted


class _Reject(Exception):
    """Raised inside validation when a field breaks the contract or the allow-list."""


def json_schema(profile) -> dict:
    """JSON schema of the item list `profile` allows: one branch per allowed kind."""
    vocab: Vocabulary = profile.vocabulary
    targets = sorted({a.name for a in profile.areas} | {e.name for e in profile.entities})
    builders = {"device_command": lambda: _device_schema(vocab, targets),
                "defect_report": lambda: _defect_schema(vocab),
                "query": lambda: _query_schema(vocab)}
    branches = [builders[kind]() for kind in vocab.kinds if kind in builders]
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": f"voicebox items of profile {profile.name}",
            "type": "array", "items": {"oneOf": branches}}


def _nullable_enum(values) -> dict:
    return {"enum": [*values, None]}


def _confidence() -> dict:
    return {"type": "number", "minimum": 0, "maximum": 1}


def _object(kind: str, properties: dict, required: tuple[str, ...]) -> dict:
    return {"type": "object", "properties": {"kind": {"const": kind}, **properties},
            "required": ["kind", *required], "additionalProperties": False}


def _device_schema(vocab: Vocabulary, targets: list[str]) -> dict:
    target = _nullable_enum(targets) if targets else {"type": ["string", "null"], "maxLength": MAX_TEXT}
    value: list[dict] = [{"type": "number"}, {"type": "null"}]
    if vocab.values:
        value.insert(1, {"enum": list(vocab.values)})
    props = {"device": {"enum": list(vocab.devices)}, "target": target,
             "action": {"enum": list(vocab.actions)},
             "attribute": _nullable_enum(vocab.attributes), "value": {"anyOf": value},
             "unit": _nullable_enum(vocab.units)}
    if vocab.directions:
        props["direction"] = _nullable_enum(vocab.directions)
    props["confidence"] = _confidence()
    branch = _object("device_command", props, ("device", "action", "confidence"))
    narrowed = [_per_device(vocab, d) for d in vocab.devices
                if d in vocab.device_actions or d in vocab.device_attributes]
    if narrowed:
        branch["allOf"] = narrowed
    return branch


def _per_device(vocab: Vocabulary, device: str) -> dict:
    """What one device type can do and has: a light turns on, it does not start."""
    return {"if": {"properties": {"device": {"const": device}}, "required": ["device"]},
            "then": {"properties": {"action": {"enum": list(vocab.actions_of(device))},
                                    "attribute": _nullable_enum(vocab.attributes_of(device))}}}


def _defect_schema(vocab: Vocabulary) -> dict:
    asset = {"anyOf": [{"type": "object",
                        "properties": {"type": {"enum": list(vocab.asset_types)},
                                       "id": {"type": "string", "pattern": ASSET_ID_PATTERN}},
                        "required": ["type", "id"], "additionalProperties": False},
                       {"type": "null"}]}
    props = {"component": {"enum": list(vocab.components)}, "defect": {"enum": list(vocab.defects)},
             "asset": asset, "position": _nullable_enum(POSITIONS),
             "severity": _nullable_enum(SEVERITIES), "confidence": _confidence()}
    return _object("defect_report", props, ("component", "defect", "confidence"))


def _query_schema(vocab: Vocabulary) -> dict:
    props = {"question": {"type": "string", "minLength": 1, "maxLength": MAX_TEXT},
             "topic": _nullable_enum(vocab.topics), "confidence": _confidence()}
    return _object("query", props, ("question", "confidence"))


# -- the gate ---------------------------------------------------------------------------
def validate_item(item: Any, vocabulary: Vocabulary) -> dict | None:
    """The item normalised to the contract (all fields, nulls filled), or None if not allowed.

    Canonical strings are compared stripped and lower-cased; integral floats become ints;
    an asset id may be given as an integer. Unknown fields, missing required fields, wrong
    types, a confidence outside [0, 1] and any value outside the allow-list reject the item.
    """
    if not isinstance(item, dict) or item.get("kind") not in FIELDS:
        return None
    kind = item["kind"]
    if kind not in vocabulary.kinds or set(item) - set(FIELDS[kind]) - set(OPTIONAL[kind]):
        return None
    check = {"device_command": _check_device, "defect_report": _check_defect, "query": _check_query}[kind]
    try:
        fields = check(item, vocabulary)
        fields["confidence"] = float(_number(item.get("confidence"), lo=0.0, hi=1.0))
    except _Reject:
        return None
    out = {name: fields.get(name) for name in FIELDS[kind]}
    out["kind"] = kind
    out.update({k: fields[k] for k in OPTIONAL[kind] if fields.get(k) is not None})
    return out


def _check_device(item: dict, v: Vocabulary) -> dict:
    device = _enum(item.get("device"), v.devices)  # its own actions and attributes: a light cannot start
    attribute = _enum(item.get("attribute"), v.attributes_of(device), required=False)
    return {"device": device,
            "target": _text(item.get("target"), required=False),
            "action": _enum(item.get("action"), v.actions_of(device)),
            "attribute": attribute,
            "value": _value(item.get("value"), v.values_of(attribute),  # a colour is no mode,
                            v.takes_numbers(attribute)),                 # a mode no number
            "unit": _enum(item.get("unit"), v.units, required=False),
            "direction": _enum(item.get("direction"), v.directions, required=False)}


def _check_defect(item: dict, v: Vocabulary) -> dict:
    return {"component": _enum(item.get("component"), v.components),
            "defect": _enum(item.get("defect"), v.defects),
            "asset": _asset(item.get("asset"), v.asset_types),
            "position": _enum(item.get("position"), POSITIONS, required=False),
            "severity": _enum(item.get("severity"), SEVERITIES, required=False)}


def _check_query(item: dict, v: Vocabulary) -> dict:
    return {"question": _text(item.get("question"), required=True),
            "topic": _enum(item.get("topic"), v.topics, required=False)}


def _enum(value: Any, allowed: tuple[str, ...], required: bool = True) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or value.strip().lower() not in allowed:
        raise _Reject
    return value.strip().lower()


def _text(value: Any, required: bool) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise _Reject
        return None
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise _Reject
    return value.strip()


def _number(value: Any, lo: float = -math.inf, hi: float = math.inf) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Reject
    if not (math.isfinite(value) and lo <= value <= hi):
        raise _Reject
    return int(value) if float(value).is_integer() and not isinstance(value, int) else value


def _value(value: Any, allowed: tuple[str, ...], numbers: bool) -> int | float | str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return _enum(value, allowed)
    if not numbers:
        raise _Reject
    return _number(value)


def _asset(value: Any, types: tuple[str, ...]) -> dict | None:
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"type", "id"}:
        raise _Reject
    ident = value["id"]
    if isinstance(ident, int) and not isinstance(ident, bool) and ident >= 0:
        ident = str(ident)
    if not isinstance(ident, str) or not ASSET_ID.fullmatch(ident.strip()):
        raise _Reject
    return {"type": _enum(value["type"], types), "id": ident.strip()}
