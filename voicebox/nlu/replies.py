"""Replies in the utterance's language, from the lexicon's `[reply]` templates.

A template names fields in braces; a capitalised name capitalises the value ("{Target}
turned on."). A part in square brackets is dropped when a field inside it has no value:
"{Target} dimmed[ to {new}]." says the new brightness only when the session knows it. The
template for an item is the first of `<action>.<attribute>`, `<action>`, `command` (device
commands), `defect_report`, `query.<topic>` / `query`; canonical values are spoken by their
`[names]` or, failing that, the first phrase of their lexicon table.
"""
from __future__ import annotations

import re
from typing import Any

from voicebox.nlu.lexicon import Lexicon

_OPTIONAL = re.compile(r"\[([^\[\]]*)\]")
_FIELD = re.compile(r"\{(\w+)\}")


class Replier:
    """Builds reply sentences for one language."""

    def __init__(self, lex: Lexicon) -> None:
        self.lex = lex
        self.joiner = "" if lex.lang == "zh" else " "

    def for_item(self, item: dict, new_value: float | None = None, new_unit: str | None = None) -> str:
        kind = item["kind"]
        if kind == "device_command":
            keys = [f"{item['action']}.{item.get('attribute')}", item["action"], "command"]
        elif kind == "defect_report":
            keys = ["defect_report"]
        else:
            keys = [f"query.{item.get('topic')}", "query.answer", "query"]
        return self.render(keys, self._fields(item, new_value, new_unit or item.get("unit")))

    def for_nothing(self, partial: list[dict], had_content: bool) -> str | None:
        """A clarifying reply when nothing came out: ask for what is missing."""
        if partial:
            part = partial[0]
            fields = {"component": self.lex.name("component", part["component"]),
                      "asset": self._asset(part.get("asset"))}
            return self.render(["incomplete_defect", "nothing"], fields)
        return self.render(["nothing"], {}) if had_content else self.render(["unknown"], {}) or None

    def join(self, parts: list[str]) -> str | None:
        parts = [p for p in parts if p]
        return self.joiner.join(dict.fromkeys(parts)) or None

    def render(self, keys: list[str], fields: dict[str, str]) -> str:
        """The first template among `keys` that says something with these fields."""
        for key in keys:
            text = self._fill(self.lex.replies.get(key, ""), fields)
            if text:
                return text
        return ""

    def _fill(self, template: str, fields: dict[str, str]) -> str:
        def value(name: str) -> str:
            text = fields.get(name.lower(), "") or ""
            return text[:1].upper() + text[1:] if name[:1].isupper() else text

        def optional(m: re.Match) -> str:
            inner = m.group(1)
            return "" if any(not value(n) for n in _FIELD.findall(inner)) else inner

        text = _OPTIONAL.sub(optional, template)
        text = _FIELD.sub(lambda m: value(m.group(1)), text)
        return " ".join(text.split()) if self.lex.lang != "zh" else text.strip()

    def _fields(self, item: dict, new_value: float | None, new_unit: str | None = None) -> dict[str, str]:
        lex, f = self.lex, {}
        if item["kind"] == "device_command":
            device = lex.name("device", item["device"])
            target = item.get("target")
            f["device"] = device
            entity = lex.name("entity", target, "") if target else ""
            place = lex.name("area", target, "") if target and not entity else ""
            joiner = "" if lex.lang == "zh" else " "
            f["target"] = entity or (place + joiner + device if place else device)
            f["place"] = place
            f["attribute"] = lex.name("attribute", item["attribute"]) if item.get("attribute") else ""
            f["value"] = self._value(item.get("value"), item.get("unit"))
            f["new"] = self._value(new_value, new_unit) if new_value is not None else ""
            f["direction"] = lex.name("direction", item["direction"]) if item.get("direction") else ""
        elif item["kind"] == "defect_report":
            for key in ("component", "defect", "position", "severity"):
                f[key] = lex.name(key, item[key]) if item.get(key) else ""
            f["asset"] = self._asset(item.get("asset"))
        else:
            f["question"] = item.get("question") or ""
            f["topic"] = lex.name("topic", item["topic"]) if item.get("topic") else ""
            f["answer"] = lex.answers.get(item.get("topic") or "", "")
        return f

    def _value(self, value: Any, unit: str | None) -> str:
        if value is None:
            return ""
        if isinstance(value, str):
            return self.lex.name("value", value)
        number = str(int(value)) if float(value).is_integer() else f"{value:g}"
        pattern = self.lex.names.get("unit_format", {}).get(unit or "", "{}")
        return pattern.replace("{}", number)

    def _asset(self, asset: dict | None) -> str:
        if not asset:
            return ""
        pattern = self.lex.names.get("asset_format", {}).get(asset["type"], asset["type"] + " {}")
        return pattern.replace("{}", asset["id"])
