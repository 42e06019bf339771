"""English verb particles ("on", "off", "up" …) that the longest match reads wrongly.

"off" alone is a command ("lights off"), but after a verb the lexicon does not know it belongs
to that verb ("take off" to a home hub, "show off"). And "on the" is a stopword ("the lamp on
the table"), but opening a clause before a device it is the verb: Indian English says "on the
AC", "switch off the fan and on the AC".
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


def stray(tags: list[Tag], tokens: list[Token]) -> list[Tag]:
    """Drop a particle that follows an unexplained word opening its clause."""
    out: list[Tag] = []
    for t in tags:
        unexplained = t.start - (out[-1].end if out else 0)
        if t.text in PARTICLES and "verb" in t.fields and unexplained == 1 and _opening(out) \
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
        rest = tags[k + 1:]
        rest = rest[:next((j for j, o in enumerate(rest) if o.role == "split"), len(rest))]
        if t.role == "stopword" and word in PARTICLES and " " in t.text and verbs and _opening(out) \
                and any(key in o.fields for o in rest for key in _THINGS) \
                and not any("verb" in o.fields for o in rest):  # "on the TV, increase the volume" says where
            fields: dict = {}
            for e in verbs:
                fields.update({key: v for key, v in e.fields.items() if key not in fields})
            out.append(replace(t, end=t.start + 1, fields=fields, text=word,
                               sources=frozenset(e.source for e in verbs)))
            t = replace(t, start=t.start + 1, text=t.text[len(word) + 1:])
        out.append(t)
    return out


def _opening(before: list[Tag]) -> bool:
    """Nothing said yet in the clause: only fillers, stopwords and requests since the last split."""
    since = before[next((k for k in range(len(before) - 1, -1, -1) if before[k].role == "split"), -1) + 1:]
    return all(o.role in ("filler", "stopword", "request") for o in since)
