"""English verb particles ("on", "off", "up" …) that the longest match reads wrongly.

"off" alone is a command ("lights off"), but after a verb the lexicon does not know it belongs
to that verb ("take off" to a home hub, "show off"). And "on the" is a stopword ("the lamp on
the table"), but opening a clause before a device it is the verb: Indian English says "on the
AC", "switch off the fan and on the AC". And "switch off" after an article or a room at the end
of its clause is the wall switch and its particle: "flip the office switch off".
"""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from voicebox.nlu.lexicon import Lexicon
from voicebox.nlu.text import Token

if TYPE_CHECKING:
    from voicebox.nlu.tagger import Tag

PARTICLES = ("on", "off", "up", "down", "out", "over")
_THINGS = ("device", "entity")
_DETERMINERS = ("the", "my", "our", "your", "this", "that")


def stray(tags: list[Tag], tokens: list[Token]) -> list[Tag]:
    """Drop a particle that follows unexplained words opening its clause ("take off", "the dog
    wants out")."""
    out: list[Tag] = []
    for t in tags:
        unexplained = t.start - (out[-1].end if out else 0)
        if t.text in PARTICLES and "verb" in t.fields and unexplained >= 1 and _opening(out) \
                and tokens[t.start - 1].text.isalpha():
            continue
        out.append(t)
    return out


def leading(tags: list[Tag], lex: Lexicon) -> list[Tag]:
    """Read a stopword that opens its clause with a particle verb ("on the") as that verb and
    its article, when a device and no other verb follow in the clause: "… and on the AC"
    turns the AC on, "on the TV increase the volume" only says where."""
    out: list[Tag] = []
    for k, t in enumerate(tags):
        word = t.text.split(" ")[0]
        verbs = [e for e in lex.phrases.get(word, []) if "verb" in e.fields]
        rest = _clause_after(tags, k)
        if t.role == "stopword" and word in PARTICLES and " " in t.text and verbs and _opening(out) \
                and any(key in o.fields for o in rest for key in _THINGS) \
                and not any("verb" in o.fields for o in rest):  # "on the TV, increase the volume" says where
            out.append(_of(replace(t, end=t.start + 1, text=word), verbs))
            t = replace(t, start=t.start + 1, text=t.text[len(word) + 1:])
        out.append(t)
    return out


def device_particle(tags: list[Tag], lex: Lexicon) -> list[Tag]:
    """Read a particle verb whose first word is a device word ("switch off"), said after an
    article or a room and with no device after it in its clause, as that device and the particle:
    "turn the garage switch on", "flip the office switch off"; "please switch off the fan" and
    "in the hall switch off the lamp" keep the verb."""
    out: list[Tag] = []
    for k, t in enumerate(tags):
        head, _, particle = t.text.partition(" ")
        device = [e for e in lex.phrases.get(head, []) if "device" in e.fields]
        verbs = [e for e in lex.phrases.get(particle, []) if "verb" in e.fields]
        rest = _clause_after(tags, k)
        before = out[-1] if out else None
        if "verb" in t.fields and "device" not in t.fields and particle in PARTICLES and device and verbs \
                and before is not None \
                and (before.text.split(" ")[-1] in _DETERMINERS or "area" in before.fields) \
                and not any(key in o.fields for o in rest for key in _THINGS):
            out.append(_of(replace(t, end=t.start + 1, text=head), device))
            t = _of(replace(t, start=t.start + 1, text=particle), verbs)
        out.append(t)
    return out


def _of(tag: Tag, entries: list) -> Tag:
    """`tag` meaning what the lexicon entries say (the first entry's field wins)."""
    fields: dict = {}
    for e in entries:
        fields.update({key: v for key, v in e.fields.items() if key not in fields})
    return replace(tag, fields=fields, sources=frozenset(e.source for e in entries))


def _clause_after(tags: list[Tag], k: int) -> list[Tag]:
    """The tags after tags[k] up to the end of its clause (the next split)."""
    rest = tags[k + 1:]
    return rest[:next((j for j, o in enumerate(rest) if o.role == "split"), len(rest))]


def _opening(before: list[Tag]) -> bool:
    """Nothing said yet in the clause: only fillers, stopwords and requests since the last split."""
    since = before[next((k for k in range(len(before) - 1, -1, -1) if before[k].role == "split"), -1) + 1:]
    return all(o.role in ("filler", "stopword", "request") for o in since)
