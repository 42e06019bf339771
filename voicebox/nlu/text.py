"""Normalisation and tokens: what every later step of understanding reads.

A transcript is folded once (NFKC, lower case, traditional → simplified Chinese, English
contractions, punctuation → clause marks) and cut into tokens: English words, numbers,
single Chinese characters, and the marks `,` `?` `%` `°`. Number words in both languages
become one token carrying its value ("twenty six", "二十六", "一百零五" → 26, 26, 105), but
keep their surface, so lexicon phrases that contain a numeral ("一下", "一般", "save this
one") still match it literally.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Callable

from voicebox.nlu import numbers

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAS_CJK = re.compile(f"[{CJK}]")
_TOKEN = re.compile(
    rf"\{{[a-z]\}}"                      # a template slot: {{n}}
    rf"|\d+(?:\.\d+)?[a-z]+\d*"          # 2d, 16cm, 26c: split later unless a lexicon word
    rf"|[a-z]+\d+[a-z\d.]*"              # m16, pm2.5
    rf"|\d+(?:\.\d+)?"
    rf"|[a-z]+(?:'[a-z]+)*"
    rf"|[{CJK}]"
    rf"|[%°,?-]")
_UNIT_SPLIT = re.compile(r"(\d+(?:\.\d+)?)([a-z]+)$")
_LETTER_SPLIT = re.compile(r"([a-z])(\d+)$")   # a tower's design number N36: split unless a lexicon word
# "we're done" → "we are done", "i'm cold" → "i am cold"; 's stays dropped ("the drone's
# battery" is no "is")
_CONTRACTIONS = ((re.compile(r"\blet's\b"), "let us"), (re.compile(r"\bcan't\b"), "can not"), (re.compile(r"\bwon't\b"), "will not"),
                 (re.compile(r"n't\b"), " not"), (re.compile(r"'re\b"), " are"), (re.compile(r"'m\b"), " am"),
                 (re.compile(r"'ll\b"), " will"), (re.compile(r"'ve\b"), " have"), (re.compile(r"'d\b"), " would"),
                 (re.compile(r"'s\b"), ""))
_CLAUSE = re.compile(r"[,;:!，。；：！、…\n]|(?<!\d)\.|\.(?!\d)")
_QUESTION = re.compile(r"[?？]")
_JOINED = re.compile(r"(?<=[a-z])-(?=[a-z])")
# an abbreviation before a number is no clause end: "Tower No. 54", "Str. 112"
_NUMBERED = re.compile(r"\b(no|nos|nr|num|str)\.(?=\s*\d)")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
# "一张", "一口", "一帧": 一 before a measure word is an article, not the number one
_CLASSIFIERS = set("张帧口个只下次块条根片段会些点句声遍番位台架幅")
_SYMBOLS = {"℃": "°c", "℉": "°f", "％": "%", "~": "-", "～": "-", "—": "-", "–": "-"}


def detect_language(text: str) -> str:
    """'zh' when the text holds any CJK character, else 'en'."""
    return "zh" if _HAS_CJK.search(text) else "en"


@dataclass(frozen=True)
class Token:
    """One token: `text` as normalised, `key` what lexicon matching compares, `num` its value."""

    text: str
    key: str
    num: float | None = None
    cjk: bool = False

    @property
    def is_num(self) -> bool:
        return self.num is not None


_simplify: Callable[[str], str] | None = None


def _to_simplified(text: str) -> str:
    """Traditional → simplified Chinese (zhconv, MediaWiki tables), loaded on first use."""
    global _simplify
    if _simplify is None:
        import zhconv

        _simplify = lambda s: zhconv.convert(s, "zh-cn")  # noqa: E731
    return _simplify(text)


def normalise(text: str) -> str:
    """Fold case, width, script and punctuation; clause ends become ' , ', questions ' ? '."""
    text = unicodedata.normalize("NFKC", text).lower()
    for sym, rep in _SYMBOLS.items():
        text = text.replace(sym, rep)
    if _HAS_CJK.search(text):
        text = _to_simplified(text)
    text = text.replace("’", "'").replace("‘", "'")
    for pattern, rep in _CONTRACTIONS:
        text = pattern.sub(rep, text)
    text = _QUESTION.sub(" ? ", text)
    text = _JOINED.sub(" ", _THOUSANDS.sub("", text))  # "twenty-five", "1,000"
    text = _CLAUSE.sub(" , ", _NUMBERED.sub(r"\1", text))
    return " ".join(text.split())


# -ing words that are not their verb: the drone's "heading" is not "head" (fly somewhere),
# the "living" room is not "live" (the ultrasound cart's unfreeze), a "string" is no "str"
_KEEP = {"heading", "headings", "ceiling", "building", "morning", "evening", "wedding", "living",
         "string", "spring", "during", "nothing", "something", "anything", "everything",
         "standing"}   # "standing by" reports, "stand by" orders


def stem(word: str) -> str:
    """A light English stemmer: plural, -ed, -ing, doubled consonant, final e.

    Lexicon phrases and transcripts go through the same function, so "cracked", "cracks"
    and "crack" meet, as do "sagging"/"sag" and "freezing"/"freeze".
    """
    if len(word) <= 3 or not word.isalpha() or word in _KEEP:
        return word
    for suffix, rep in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: -len(suffix)] + rep
            break
    if len(word) >= 4 and word[-1] == word[-2] and word[-1] not in "lsz":
        word = word[:-1]
    if len(word) >= 4 and word.endswith("e"):
        word = word[:-1]
    return word


def tokenize(text: str, is_word: Callable[[str], bool] = lambda w: False) -> list[Token]:
    """Tokens of normalised `text`, with number words folded into number tokens.

    `is_word` says which mixed letter/digit tokens are lexicon words ("2d") and must stay
    whole; others ("16cm", "n36") are split into the number and its unit or letter.
    """
    raw: list[str] = []
    for piece in _TOKEN.findall(text):
        m = _UNIT_SPLIT.match(piece) or _LETTER_SPLIT.match(piece)
        if m and not is_word(piece):
            raw.extend(m.groups())
        else:
            raw.append(piece)
    return _fold_numbers(raw)


def _fold_numbers(raw: list[str]) -> list[Token]:
    raw = numbers.digit_sounds(raw)
    out: list[Token] = []
    i = 0
    while i < len(raw):
        value, used = numbers.parse_at(raw, i)
        if used and raw[i] == "一" and used == 1 and i + 1 < len(raw) and raw[i + 1] in _CLASSIFIERS:
            used = 0
        if used:
            surface = join_tokens(raw[i:i + used])
            i += used
            fraction = numbers.spoken_fraction(raw, i) if i < len(raw) else None
            if fraction is not None:  # 一米五: the number is 1.5, 米 stays its unit
                value += fraction
            out.append(Token(surface, surface, value, cjk=bool(_HAS_CJK.match(raw[i - used]))))
            if fraction is not None:
                out.append(Token(raw[i], raw[i], cjk=True))
                i += 2
            continue
        word = raw[i]
        cjk = bool(_HAS_CJK.match(word))
        out.append(Token(word, word if cjk else stem(word), cjk=cjk))
        i += 1
    return out


def join_tokens(words: list[str]) -> str:
    """Surface of a run of tokens: Chinese characters join directly, words with spaces."""
    text = ""
    for w in words:
        if text and not (_HAS_CJK.match(w) and _HAS_CJK.match(text[-1])):
            text += " "
        text += w
    return text
