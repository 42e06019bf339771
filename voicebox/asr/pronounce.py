"""Pronunciations of the profile's words from a CMU dictionary, derived for words it lacks.

A word the dictionary does not know cannot be recognised at all, and profiles are full of
trade words built from ones it does: "arrester" (arrest + er), "arcing" (arc + ing),
"unmute" (un + mute), "crossarm" (cross + arm), "setpoint" (set + point). Such a word gets
the pronunciation of its parts: a known stem with a regular suffix or prefix, two known
words (each of three letters or more) joined, or, for a short abbreviation ("tgc", "uav"),
its letters. What cannot be derived stays unknown.
"""
from __future__ import annotations

from pathlib import Path

Prons = dict[str, list[tuple[str, str]]]   # word → [(variant marker like "(2)" or "", phones)]

VOICELESS = {"P", "T", "K", "F", "TH"}
SIBILANTS = {"S", "Z", "SH", "ZH", "CH", "JH"}
MAX_SPELLED = 4   # longer unknown words are not abbreviations said letter by letter
PREFIXES = {"un": "AH0 N", "re": "R IY0", "pre": "P R IY0", "over": "OW1 V ER0"}


def pronunciations(path: Path, words: set[str]) -> tuple[Prons, list[str]]:
    """Pronunciations of `words` from the dictionary at `path`, derived where it has none;
    also the words that remain unknown."""
    found = _read(path, words)
    missing = [w for w in words if w not in found]
    bases = _read(path, {b for w in missing for b in _candidates(w)})
    for word in missing:
        phones = derive(word, bases)
        if phones:
            found[word] = [("", phones)]
    return found, sorted(w for w in words if w not in found)


def derive(word: str, known: Prons) -> str | None:
    """Phones of `word` from known parts (see the module doc), None if none fit."""
    return _suffixed(word, known) or _prefixed(word, known) or _compound(word, known) or _spelled(word, known)


def _spelled(word: str, known: Prons) -> str | None:
    """A short abbreviation said letter by letter ("tgc", "uav", "ppe")."""
    if not (word.isalpha() and word.isascii() and len(word) <= MAX_SPELLED):
        return None
    letters = ["EY" if c == "a" else _first(c, known) for c in word]   # the letter, not the article
    return " ".join(letters) if all(letters) else None


def _first(word: str, known: Prons) -> str | None:
    return known[word][0][1] if word in known else None


def _suffixed(word: str, known: Prons) -> str | None:
    for suffix, stems in _SUFFIX_STEMS.items():
        if not word.endswith(suffix) or len(word) - len(suffix) < 3:
            continue
        for stem in stems(word[: -len(suffix)]):
            phones = _first(stem, known)
            if phones:
                return f"{phones} {_ending(suffix, phones.split()[-1])}"
    return None


def _ending(suffix: str, last: str) -> str:
    """The suffix's phones after a stem ending in phone `last` (stress digits ignored)."""
    last = last.rstrip("012")
    if suffix in ("s", "es"):
        return "IH0 Z" if last in SIBILANTS else "S" if last in VOICELESS else "Z"
    if suffix == "ed":
        return "IH0 D" if last in ("T", "D") else "T" if last in VOICELESS | SIBILANTS - {"Z", "ZH", "JH"} else "D"
    return {"ing": "IH0 NG", "er": "ER0", "ers": "ER0 Z", "or": "ER0", "ors": "ER0 Z", "ly": "L IY0"}[suffix]


def _stems(base: str) -> list[str]:
    """Spellings the stem may have had: as is, with a final e dropped, with a doubled consonant."""
    out = [base, base + "e"]
    if len(base) > 3 and base[-1] == base[-2]:
        out.append(base[:-1])
    return out


_SUFFIX_STEMS = {"ing": _stems, "ers": _stems, "er": _stems, "ors": _stems, "or": _stems,
                 "ed": _stems, "es": lambda b: [b], "s": lambda b: [b], "ly": lambda b: [b]}


def _prefixed(word: str, known: Prons) -> str | None:
    for prefix, phones in PREFIXES.items():
        rest = word[len(prefix):]
        if word.startswith(prefix) and len(rest) >= 3:
            tail = _first(rest, known) or _suffixed(rest, known)
            if tail:
                return f"{phones} {tail}"
    return None


def _compound(word: str, known: Prons) -> str | None:
    for cut in range(3, len(word) - 2):
        head, tail = _first(word[:cut], known), _first(word[cut:], known) or _suffixed(word[cut:], known)
        if head and tail:
            return f"{head} {tail}"
    return None


def _candidates(word: str) -> set[str]:
    """Every dictionary word `derive` might build `word` from."""
    out = set(word) | {word[:cut] for cut in range(3, len(word) - 2)} | {word[cut:] for cut in range(2, len(word) - 2)}
    for suffix, stems in _SUFFIX_STEMS.items():
        for part in list(out | {word}):
            if part.endswith(suffix):
                out.update(stems(part[: -len(suffix)]))
    return out


def _read(path: Path, words: set[str]) -> Prons:
    found: Prons = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            entry, _, phones = line.strip().partition(" ")
            word = entry.split("(", 1)[0]
            if word in words:
                found.setdefault(word, []).append((entry[len(word):], phones.strip()))
    return found
