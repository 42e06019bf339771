"""Phrase templates of the lexicon: `(a|b)` alternatives, `[x]` optional parts, `{n}` numbers.

"turn (on|up) [the] heat" expands to four phrases; "{n}号(塔|铁塔)" and "between towers {n}
and {m}" keep their number slots, which match any spoken number at that place. Expansion
happens once, when a profile's lexicon is loaded.
"""
from __future__ import annotations

from voicebox.errors import ConfigError

MAX_EXPANSIONS = 512  # per template: a typo like unbalanced brackets must not explode


def expand(template: str, where: str = "") -> list[str]:
    """Every phrase `template` stands for, in order, without duplicates."""
    try:
        phrases, end = _sequence(template, 0)
    except IndexError:
        raise ConfigError(f"{where}: template {template!r}: unbalanced brackets") from None
    if end != len(template):
        raise ConfigError(f"{where}: template {template!r}: unexpected {template[end]!r} at {end}")
    if len(phrases) > MAX_EXPANSIONS:
        raise ConfigError(f"{where}: template {template!r} expands to {len(phrases)} phrases "
                          f"(more than {MAX_EXPANSIONS}); split it")
    return list(dict.fromkeys(" ".join(p.split()) for p in phrases if p.strip()))


def _sequence(s: str, i: int) -> tuple[list[str], int]:
    """A run of text and groups up to `|`, `)`, `]` or the end."""
    out = [""]
    while i < len(s) and s[i] not in "|)]":
        if s[i] in "([":
            close = ")" if s[i] == "(" else "]"
            alts, i = _alternatives(s, i + 1)
            if s[i] != close:
                raise ConfigError(f"template {s!r}: expected {close!r} at {i}")
            if close == "]":
                alts = alts + [""]
            out = [a + b for a in out for b in alts]
            i += 1
        else:
            j = i
            while j < len(s) and s[j] not in "([|)]":
                j += 1
            out = [a + s[i:j] for a in out]
            i = j
        if len(out) > MAX_EXPANSIONS:
            return out, len(s)
    return out, i


def _alternatives(s: str, i: int) -> tuple[list[str], int]:
    alts: list[str] = []
    while True:
        seq, i = _sequence(s, i)
        alts.extend(seq)
        if s[i] != "|":
            return alts, i
        i += 1
