"""Item lines: the compact text the LLM writes, and its GBNF grammar, both from the JSON schema.

JSON costs the model ~25 forced tokens per item (quotes, keys, braces), and each token is a
full decode step (~25 ms on two cores), so the model writes one line per utterance instead:

    command light decrease target: living room attribute: brightness; command climate set value: 26
    defect insulator crack asset: tower 12 position: right severity: high
    none

A kind tag, the kind's required fields in order, then optional `key: value` fields, items
joined by "; ". Every value is an alternative of the grammar, taken from the schema's enums
(the profile's allow-list), so nothing outside it can be written. Values are written as words
("turn off", "bird nest") after a space: those are the tokens the utterance itself is made of,
which a small model copies far more readily than `turn_off` or `=kitchen`. Fields the parser
fills itself (`kind`, `confidence`, the query's `question`) and free-text fields are not
generated.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace

TAGS = {"device_command": "command", "defect_report": "defect", "query": "query"}
FILLED = ("kind", "confidence", "question")
NONE = "none"
SEPARATOR = "; "
MAX_ITEMS = 4
NUMBER = re.compile(r"-?[0-9]{1,4}(\.[0-9]{1,2})?")
ASSET_ID = re.compile(r"[0-9]{1,5}(-[0-9]{1,5})?")
_GBNF_NUMBER = r'"-"? [0-9]{1,4} ("." [0-9]{1,2})?'
_GBNF_ASSET_ID = r'[0-9]{1,5} ("-" [0-9]{1,5})?'


@dataclass(frozen=True)
class Field:
    """One generated field: literal choices, and/or a number, or an asset "<type> <id>"."""

    name: str
    required: bool
    choices: tuple[str, ...] = ()
    number: bool = False
    asset_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class Form:
    """The line format of one kind: its tag and its generated fields in schema order."""

    kind: str
    tag: str
    fields: tuple[Field, ...]
    # the first field's value -> field -> its own choices (the schema's if/then: what a
    # light can do is not what a lock can do)
    narrow: tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...] = ()


def forms(schema: dict) -> tuple[Form, ...]:
    """The line formats of every kind in the item-list schema (`itemschema.json_schema`)."""
    out = []
    for branch in schema["items"]["oneOf"]:
        kind = branch["properties"]["kind"]["const"]
        required = set(branch.get("required", ()))
        fields = [_field(name, prop, name in required)
                  for name, prop in branch["properties"].items() if name not in FILLED]
        # required fields first: they are written positionally, the optional ones as key=value
        fields = sorted((f for f in fields if f is not None), key=lambda f: not f.required)
        if all(_producible(f) for f in fields if f.required):
            out.append(Form(kind, TAGS[kind], tuple(f for f in fields if _producible(f)),
                            _narrowing(branch.get("allOf", ()))))
    return tuple(out)


def _narrowing(conditions) -> tuple:
    """`if key == value then field in enum` conditions of a branch, by value."""
    out = []
    for cond in conditions:
        (_, test), = cond["if"]["properties"].items()
        then = tuple((name, tuple(v for v in prop["enum"] if v is not None))
                     for name, prop in cond["then"]["properties"].items())
        out.append((test["const"], then))
    return tuple(out)


def _field(name: str, prop: dict, required: bool) -> Field | None:
    """A Field from a property schema; None for free text, which the model does not write."""
    alternatives = prop.get("anyOf", [prop])
    choices: list[str] = []
    number, assets = False, ()
    for alt in alternatives:
        choices += [v for v in alt.get("enum", ()) if v is not None]
        number = number or alt.get("type") == "number"
        if alt.get("type") == "object":
            assets = tuple(alt["properties"]["type"]["enum"])
    if not (choices or number or assets):
        return None
    return Field(name, required, tuple(choices), number, assets)


def _producible(f: Field) -> bool:
    return bool(f.choices or f.number or f.asset_types)


# -- grammar ----------------------------------------------------------------------------
def gbnf(schema: dict) -> str:
    """A GBNF grammar admitting exactly the item lines of this schema, ending in a newline."""
    kinds = forms(schema)
    rules = [f'root ::= " " ({_lit(NONE)} | items) "\\n"',
             f"items ::= item ({_lit(SEPARATOR)} item){{0,{MAX_ITEMS - 1}}}",
             "item ::= " + " | ".join(f"{form.tag}-item" for form in kinds),
             f"number ::= {_GBNF_NUMBER}",
             f"asset-id ::= {_GBNF_ASSET_ID}"]
    for form in kinds:
        rules += _form_rules(form)
    return "\n".join(rules) + "\n"


def _form_rules(form: Form) -> list[str]:
    """The item rule of one kind and its field rules; with narrowing, one branch per value of
    the first field, each with its own rules for the fields it narrows."""
    rules = [f"{_rule(form, f)} ::= {_alternatives(f)}" for f in form.fields]
    if not form.narrow:
        return rules + [f"{form.tag}-item ::= {_lit(form.tag)} " + _sequence(form, form.fields)]
    key, narrow, variants = form.fields[0], dict(form.narrow), []
    for value in sorted(key.choices):
        own, fields = dict(narrow.get(value, ())), []
        for f in form.fields[1:]:
            if f.name in own:
                f = replace(f, name=f"{f.name}:{value}", choices=own[f.name])
                if not _producible(f):
                    continue  # a switch has no attribute to write
                rules.append(f"{_rule(form, f)} ::= {_alternatives(f)}")
            fields.append(f)
        variants.append(f'" " {_lit(spoken(value))} ' + _sequence(form, tuple(fields)))
    return rules[1:] + [f"{form.tag}-item ::= {_lit(form.tag)} (" + " | ".join(variants) + ")"]


def _rule(form: Form, f: Field) -> str:
    return f"{form.tag}-" + re.sub(r"[^a-z0-9]+", "-", f.name.lower()).strip("-")


def _sequence(form: Form, fields: tuple[Field, ...]) -> str:
    """The fields in order: required ones after a space, optional ones as `name: value`."""
    parts = []
    for f in fields:
        name = f.name.split(":")[0]
        parts.append(f'" " {_rule(form, f)}' if f.required else f'(" {name}: " {_rule(form, f)})?')
    return " ".join(parts)


def _alternatives(f: Field) -> str:
    alts = [_lit(spoken(c)) for c in sorted(f.choices)]
    alts += ["number"] if f.number else []
    if f.asset_types:
        alts.append("(" + " | ".join(_lit(spoken(t)) for t in f.asset_types) + ') " " asset-id')
    return " | ".join(alts)


def _lit(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


# -- writing and reading lines -------------------------------------------------------------
def render(items: list[dict], schema: dict) -> str:
    """Items → their line (few-shot examples of the prompt); fields not in the form are dropped."""
    by_kind = {form.kind: form for form in forms(schema)}
    if not items:
        return NONE
    lines = []
    for item in items:
        form = by_kind[item["kind"]]
        words = [form.tag]
        for f in form.fields:
            value = item.get(f.name)
            if value is None:
                continue
            text = _value_text(value)
            words.append(text if f.required else f"{f.name}: {text}")
        lines.append(" ".join(words))
    return SEPARATOR.join(lines)


def spoken(value: str) -> str:
    """A canonical value as the model writes it: words, not snake_case."""
    return value.replace("_", " ")


def _value_text(value) -> str:
    if isinstance(value, dict):
        return f"{spoken(value['type'])} {value['id']}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return spoken(str(value))


def read(text: str, schema: dict) -> list[dict]:
    """A generated line → items (without confidence); parts that do not parse are dropped."""
    text = text.strip()
    if not text or text == NONE:
        return []
    by_tag = {form.tag: form for form in forms(schema)}
    items = []
    for part in text.split(SEPARATOR.strip()):
        tag, _, rest = part.strip().partition(" ")
        form = by_tag.get(tag)
        item = _read_item(form, rest) if form else None
        if item is not None:
            items.append(item)
    return items


def _read_item(form: Form, rest: str) -> dict | None:
    item: dict = {"kind": form.kind}
    optional = [f for f in form.fields if not f.required]
    names = "|".join(re.escape(f.name) for f in optional) or "(?!)"
    head, *pairs = re.split(rf" (?=(?:{names}): )", " " + rest)
    for f in (f for f in form.fields if f.required):
        value, head = _take(f, head)
        if value is None:
            return None
        item[f.name] = value
    if head.strip():
        return None
    for pair in pairs:
        key, _, value = pair.partition(": ")
        f = next(f for f in optional if f.name == key)
        item[f.name] = _parse_value(f, value.strip())
    return item


def _take(f: Field, text: str) -> tuple[str | None, str]:
    """The longest choice of `f` that `text` starts with (as whole words), and the rest."""
    text = text.lstrip()
    for choice in sorted(f.choices, key=len, reverse=True):
        word = spoken(choice)
        if text == word or text.startswith(word + " "):
            return choice, text[len(word):]
    return None, text


def _parse_value(f: Field, text: str):
    if f.asset_types:
        kind, _, ident = text.rpartition(" ")
        return {"type": _canonical(f.asset_types, kind), "id": ident}
    if f.number and NUMBER.fullmatch(text):
        number = float(text)
        return int(number) if number.is_integer() else number
    return _canonical(f.choices, text)


def _canonical(choices: tuple[str, ...], text: str) -> str:
    return next((c for c in choices if spoken(c) == text), text)
