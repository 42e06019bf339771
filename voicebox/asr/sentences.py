"""Sentences for the grammar pass's language model: the profile's own sentences, varied.

A language model trained on loose phrases knows which words belong to the profile but not
how they follow one another: "off the front door" is as likely to it as "lock the front
door". The profile holds real sentences — its `[llm] examples` — and its lexicon knows what
each stretch of them is (a verb of the "lock" class, a named device, an area, a number …).
Each example becomes a pattern with those stretches as slots, and patterns are filled with
other phrases of the same class and other numbers: "lock up the back door" yields "lock the
front door", "secure the side door", … So the sentence shapes come from the profile
(declarative: a new kind of command gets an example, and the recogniser learns its shape),
the words from its lexicon, and no labelled test sentence is involved.
"""
from __future__ import annotations

import random
from typing import Callable

from voicebox.asr.metrics import number_words

NUMBER = "#"  # slot: any spoken number
# Which field of a tag names its slot class, most specific first. Verbs keep their class
# ("lock", "on" …) and values their attribute: a lock verb is swapped for another lock verb.
_SYMBOLS = {",": "", "?": "", "-": "", "%": "percent", "°": "degrees"}
SLOT_FIELDS = ("entity", "area", "verb", "value", "component", "defect", "device", "attribute",
               "position", "severity", "unit", "topic", "direction")


def profile_sentences(profile, language: str, count: int, seed: int = 0,
                      known: Callable[[str], bool] = lambda w: True) -> list[str]:
    """`count` sentences varied from the profile's examples in `language` (none without examples).

    `known` says which words the recogniser can say; phrases with other words are not used
    as fillers, and examples that keep one are left out.
    """
    from voicebox.nlu.rules import Rules
    from voicebox.nlu.text import detect_language

    examples = [e.text for e in profile.llm.examples if detect_language(e.text) == language]
    if not examples or count <= 0:
        return []
    rules = Rules(profile, language, fuzzy=False)
    fillers = slot_fillers(rules.lex, known)
    patterns = [p for p in (pattern(rules, text) for text in examples)
                if all(isinstance(s, tuple) or all(known(w) for w in s.split()) for s in p)]
    rng = random.Random(seed)
    return [render(rng.choice(patterns), fillers, rng) for _ in range(count)] if patterns else []


def slot_class(fields: dict) -> str | None:
    """The slot a phrase with these fields fills, None for grammar words (kept as said)."""
    if "role" in fields:
        return None
    for key in SLOT_FIELDS:
        if key in fields:
            value = fields[key]
            return f"{key}:{value}" if key in ("verb", "value") else key
    return None


def slot_fillers(lex, known: Callable[[str], bool]) -> dict[str, list[str]]:
    """Slot class → the lexicon's phrases of that class whose words the recogniser knows."""
    fillers: dict[str, list[str]] = {}
    for phrase, entries in lex.phrases.items():
        if not all(known(w) for w in phrase.split()):
            continue
        for entry in entries:
            cls = slot_class(entry.fields)
            if cls is not None:
                fillers.setdefault(cls, []).append(phrase)
    return {k: sorted(set(v)) for k, v in fillers.items()}


def pattern(rules, text: str) -> list[str | tuple[str, str]]:
    """`text` as literal words and slots: ("slot", class) for a phrase of the lexicon, and
    ("slot", "#") for a number; a number inside a phrase ("tower 12") becomes a slot too."""
    tokens = rules.tokens(text)
    tags = {t.start: t for t in rules.tagger.tag(tokens)}
    out: list[str | tuple[str, str]] = []
    i = 0
    while i < len(tokens):
        tag = tags.get(i)
        end = tag.end if tag is not None else i + 1
        cls = slot_class(tag.fields) if tag is not None and "asset" not in tag.fields else None
        if cls is not None and not any(t.is_num for t in tokens[i:end]):
            out.append(("slot", cls))
        else:
            out.extend(("slot", NUMBER) if t.is_num else _SYMBOLS.get(t.text, t.text) for t in tokens[i:end]
                       if _SYMBOLS.get(t.text, t.text))
        i = end
    return out


def render(parts: list[str | tuple[str, str]], fillers: dict[str, list[str]], rng: random.Random) -> str:
    """One sentence of a pattern: each slot filled at random (a slot with no filler keeps nothing)."""
    words = []
    for part in parts:
        if isinstance(part, str):
            words.append(part)
        elif part[1] == NUMBER:
            words.append(spoken_number(rng))
        elif fillers.get(part[1]):
            words.append(rng.choice(fillers[part[1]]))
    return " ".join(words)


def spoken_number(rng: random.Random) -> str:
    """A number as said in commands: mostly below a hundred, small ones most often."""
    roll = rng.random()
    n = rng.randint(1, 12) if roll < 0.4 else rng.randint(13, 99) if roll < 0.9 else rng.choice(
        [100, 120, 150, 180, 200, 250, 300, 360, 500])
    return number_words(n)
