"""A profile's words in one language: which spoken phrases mean which canonical values.

The lexicon is declarative and lives beside the profile: `configs/<dir>/<lang>.toml` for each
directory named in `[understanding] lexicon`, merged in order (shared words first, the
profile's own last). Each table maps a canonical value to phrase templates (see
templates.py); the first phrase is the name replies use unless `[names]` says otherwise.

    [component]
    insulator = ["insulator", "insulator string", "porcelain"]
    [asset]
    tower = ["tower [number] {n}", "structure {n}"]
    [phrase]                      # one phrase, several fields
    "spin around" = { verb = "rotate", attribute = "heading", number = 180, unit = "degree" }

`[rewrite]` spells dialect and clipped forms the standard way before anything is matched
("唔好郁" → "别动", "gonna" → "going to").

Entities and areas come from the profile itself (`[[entities]]`, `[[areas]]`, their `names`).
All phrases go into one token trie, matched longest-first by the tagger.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voicebox import paths
from voicebox.errors import ConfigError
from voicebox.nlu.templates import expand
from voicebox.nlu.text import join_tokens, normalise, tokenize

# Tables whose entries map a canonical value to phrases.
VALUE_TABLES = ("device", "verb", "attribute", "number", "unit", "direction", "step", "component",
                "defect", "position", "severity", "asset", "topic")
FRAGMENT_TABLES = ("phrase", "implied")   # phrase → several fields; implied: only if nothing explicit
ROLES = ("split", "to", "by", "question", "question_start", "question_end", "request", "negation",
         "filler", "stopword", "pronoun", "aside", "subject", "narrative", "bearing",
         "unsupported", "noun", "time", "resolved", "inspect", "duration",
         "progressive", "correction", "near")
FRAGMENT_KEYS = {"device", "verb", "attribute", "value", "number", "unit", "direction", "step", "level",
                 "component", "defect", "position", "severity", "topic", "asset", "part", "range"}
TABLES = set(VALUE_TABLES) | set(FRAGMENT_TABLES) | {"value", "grammar", "names", "reply", "answer", "rewrite"}
SLOT = "#"


@dataclass(frozen=True)
class Entry:
    """What a phrase means: `fields` of a partial item, plus the number slots it holds."""

    fields: dict[str, Any]
    slots: tuple[str, ...] = ()
    source: str = ""   # the table it came from: "device", "phrase", "implied", "entity" …


@dataclass
class Lexicon:
    """Everything the understanding stage knows about one language of one profile."""

    lang: str
    trie: dict = field(default_factory=dict)
    phrases: dict[str, list[Entry]] = field(default_factory=dict)  # literal phrase → entries
    names: dict[str, dict[str, str]] = field(default_factory=dict)  # category → canonical → name
    replies: dict[str, str] = field(default_factory=dict)
    answers: dict[str, str] = field(default_factory=dict)
    rewrites: dict[str, str] = field(default_factory=dict)         # dialect form → standard form
    words: set[str] = field(default_factory=set)                   # every lexicon token text
    pieces: set[str] = field(default_factory=set)                  # literal parts of number templates
    _pattern: Any = field(default=None, repr=False)

    def rewrite(self, text: str) -> str:
        """Dialect and clipped forms in their standard spelling, longest first ("唔好郁" →
        "别动", "高啲" → "高一点", "gonna" → "going to"), so every phrase need not be listed twice.
        English forms are whole words; Chinese ones any run of characters."""
        if not self.rewrites:
            return text
        if self._pattern is None:
            forms = sorted(self.rewrites, key=len, reverse=True)
            alts = "|".join(re.escape(f) if not f.isascii() else rf"\b{re.escape(f)}\b" for f in forms)
            self._pattern = re.compile(alts)
        return self._pattern.sub(lambda m: self.rewrites[m.group(0)], text)

    def name(self, category: str, canonical: Any, default: str | None = None) -> str:
        """The spoken name of a canonical value, for replies."""
        names = self.names.get(category, {})
        key = canonical if isinstance(canonical, str) else _num_key(canonical)
        return names.get(key, default if default is not None else str(key).replace("_", " "))

    def add(self, template: str, entry: Entry, where: str, display: tuple[str, str] | None = None,
            replace_roles: bool = False) -> None:
        """Add a template's phrases; with `replace_roles`, drop the grammar roles they had so far
        (a later file's role replaces an earlier file's: the drone's "check" asks, the shared
        inspection word inspects)."""
        for phrase in expand(template, where):
            tokens = tokenize(normalise(phrase), lambda w: True)
            if not tokens:
                continue
            node = self.trie
            for tok in tokens:
                key = SLOT + tok.text[1] if tok.text.startswith("{") else tok.key
                node = node.setdefault(key, {})
            keep = [e for e in node.get(None, []) if not (replace_roles and "role" in e.fields)]
            node[None] = keep + [entry]
            if not any(t.text.startswith("{") for t in tokens):
                key = join_tokens([t.text for t in tokens])
                self.phrases[key] = [e for e in self.phrases.get(key, [])
                                     if not (replace_roles and "role" in e.fields)] + [entry]
            else:
                runs = join_tokens([t.text if not t.text.startswith("{") else "|" for t in tokens])
                self.pieces.update(p.strip() for p in runs.split("|") if p.strip())
            self.words.update(t.text for t in tokens if not t.text.startswith("{"))
            if display and display[1] not in self.names.setdefault(display[0], {}):
                self.names[display[0]][display[1]] = phrase.replace("{n}", "").strip()

    def match(self, tokens: list, i: int) -> list[tuple[int, list[Entry], dict[str, float]]]:
        """Every phrase starting at tokens[i]: (end, entries, slot values)."""
        out: list[tuple[int, list[Entry], dict[str, float]]] = []
        _walk(self.trie, tokens, i, {}, out)
        return out


def _walk(node: dict, tokens: list, i: int, slots: dict, out: list) -> None:
    if None in node:
        out.append((i, node[None], dict(slots)))
    if i >= len(tokens):
        return
    tok = tokens[i]
    child = node.get(tok.key)
    if child is not None:
        _walk(child, tokens, i + 1, slots, out)
    if tok.num is not None:
        for slot in ("#n", "#m"):
            child = node.get(slot)
            if child is not None and slot[1] not in slots:
                slots[slot[1]] = tok.num
                _walk(child, tokens, i + 1, slots, out)
                del slots[slot[1]]


def _num_key(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def load(profile, lang: str) -> Lexicon:
    """The merged lexicon of `profile` in `lang`, with its entities and areas."""
    lex = Lexicon(lang)
    for area in profile.areas:
        for phrase in _spoken_names(area.name, area.names, lang):
            lex.add(phrase, Entry({"area": area.name}, (), "area"), f"areas.{area.name}", ("area", area.name))
    for ent in profile.entities:
        for phrase in _spoken_names(ent.name, ent.names, lang):
            lex.add(phrase, Entry({"entity": ent.name, "device": ent.device}, (), "entity"),
                    f"entities.{ent.name}", ("entity", ent.name))
    for directory in profile.understanding.lexicon:
        path = paths.configs_dir() / directory / f"{lang}.toml"
        if path.is_file():
            _merge(lex, _read(path), str(path))
    return lex


def _spoken_names(name: str, names: dict[str, tuple[str, ...]], lang: str) -> tuple[str, ...]:
    if lang in names:
        return names[lang]
    return (name,) if lang == "en" else ()


def _read(path: Path) -> dict:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: not valid TOML: {err}") from None
    unknown = sorted(set(data) - TABLES)
    if unknown:
        raise ConfigError(f"{path}: {unknown[0]}: unknown table (allowed: {', '.join(sorted(TABLES))})")
    return data


def _merge(lex: Lexicon, data: dict, where: str) -> None:
    for table in VALUE_TABLES:
        for canonical, phrases in _table(data, table, where).items():
            key = "number" if table == "number" else table
            value: Any = _number(canonical, f"{where}: {table}.{canonical}") if table in ("number", "step") \
                and canonical != "default" else canonical
            for p in _phrases(phrases, f"{where}: {table}.{canonical}"):
                lex.add(p, Entry({key: value}, _slots(p), table), where, (table, canonical))
    for attribute, values in _table(data, "value", where).items():
        for canonical, phrases in _table({"v": values}, "v", f"{where}: value.{attribute}").items():
            for p in _phrases(phrases, f"{where}: value.{attribute}.{canonical}"):
                lex.add(p, Entry({"value": canonical, "value_attr": attribute}, (), "value"), where,
                        ("value", canonical))
    for table in FRAGMENT_TABLES:
        for phrase, fields in _table(data, table, where).items():
            fields = _fragment(fields, f"{where}: {table}.{phrase!r}")
            if table == "implied":
                fields["implied"] = True
            lex.add(phrase, Entry(fields, _slots(phrase), table), where)
    seen: set[str] = set()  # roles of this file add up; they replace those of earlier files
    for role, phrases in _table(data, "grammar", where).items():
        if role not in ROLES:
            raise ConfigError(f"{where}: grammar.{role}: unknown role (allowed: {', '.join(ROLES)})")
        for p in _phrases(phrases, f"{where}: grammar.{role}"):
            lex.add(p, Entry({"role": role}, (), "grammar"), where, replace_roles=p not in seen)
            seen.add(p)
    for category, names in _table(data, "names", where).items():
        lex.names.setdefault(category, {}).update(
            {str(k): str(v) for k, v in _table({"n": names}, "n", where).items()})
    lex.replies.update({str(k): str(v) for k, v in _table(data, "reply", where).items()})
    lex.answers.update({str(k): str(v) for k, v in _table(data, "answer", where).items()})
    lex.rewrites.update({normalise(str(k)): normalise(str(v)) for k, v in _table(data, "rewrite", where).items()})


def _table(data: dict, key: str, where: str) -> dict:
    table = data.get(key, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: {key}: expected a table")
    return table


def _phrases(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise ConfigError(f"{where}: expected a list of phrases")
    return value


def _fragment(fields: Any, where: str) -> dict:
    if not isinstance(fields, dict) or not fields:
        raise ConfigError(f"{where}: expected a table of fields ({', '.join(sorted(FRAGMENT_KEYS))})")
    unknown = sorted(set(fields) - FRAGMENT_KEYS)
    if unknown:
        raise ConfigError(f"{where}: {unknown[0]}: unknown field (allowed: {', '.join(sorted(FRAGMENT_KEYS))})")
    fields = dict(fields)
    attribute = fields.get("attribute")
    if isinstance(attribute, list):
        # a comparative of several attributes ("quieter": a player's volume, a fan's speed): the
        # first is what it means alone, the others what it means of a device without the first
        if not attribute or not all(isinstance(a, str) for a in attribute):
            raise ConfigError(f"{where}: attribute: expected a name or a list of names")
        fields["attribute"], fields["attributes"] = attribute[0], tuple(attribute)
    return fields


def _number(text: str, where: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ConfigError(f"{where}: expected a number") from None


def _slots(template: str) -> tuple[str, ...]:
    return tuple(s for s in ("n", "m") if "{" + s + "}" in template)
