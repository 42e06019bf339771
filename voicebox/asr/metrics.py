"""Word error rate, with references normalised the way recognisers spell: words, not digits."""
from __future__ import annotations

import re

from voicebox.asr.vocab import normalise

_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
         "fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_words(n: int) -> str:
    """English words for 0 ≤ n < 10000 ("26" -> "twenty six", as recognisers write it)."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])
    if n < 1000:
        rest = n % 100
        return _ONES[n // 100] + " hundred" + ("" if rest == 0 else " " + number_words(rest))
    rest = n % 1000
    return number_words(n // 1000) + " thousand" + ("" if rest == 0 else " " + number_words(rest))


def spoken(text: str, language: str = "en") -> str:
    """`text` normalised for scoring: lower case, no punctuation, English digits as words."""
    if language == "en":
        text = re.sub(r"\d+", lambda m: f" {number_words(int(m.group()))} " if len(m.group()) < 5
                      else m.group(), text.replace("%", " percent"))
    return normalise(text)


def edit_distance(ref: list[str], hyp: list[str]) -> int:
    """Substitutions + deletions + insertions turning `ref` into `hyp` (Levenshtein on words)."""
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1]


def aligned_hits(ref: list[str], hyp: list[str]) -> list[bool]:
    """For each hypothesis word, whether a minimum-edit alignment matches it to the same reference word."""
    rows = [list(range(len(hyp) + 1))]
    for i, r in enumerate(ref, 1):
        row = [i]
        for j, h in enumerate(hyp, 1):
            row.append(min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (r != h)))
        rows.append(row)
    hits, i, j = [False] * len(hyp), len(ref), len(hyp)
    while i > 0 and j > 0:
        if rows[i][j] == rows[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]):
            hits[j - 1] = ref[i - 1] == hyp[j - 1]
            i, j = i - 1, j - 1
        elif rows[i][j] == rows[i - 1][j] + 1:
            i -= 1
        else:
            j -= 1
    return hits


def wer(pairs: list[tuple[str, str]], language: str = "en") -> float:
    """Corpus word error rate of (reference, hypothesis) pairs: total errors / reference words."""
    errors = words = 0
    for ref, hyp in pairs:
        r, h = spoken(ref, language).split(), spoken(hyp, language).split()
        errors += edit_distance(r, h)
        words += len(r)
    return errors / words if words else 0.0
