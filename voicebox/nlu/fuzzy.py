"""Repairing recognition errors against the profile's own phrases.

Recognisers make errors that sound right: 烈纹 for 裂纹, 起灰 for 起飞 (a southern speaker's
f/h), "free is" for "freeze", "turn of" for "turn off". Only phrases of the lexicon are
candidates, so a repair can never produce a word the profile does not know.

- Chinese: every character is compared by its toneless pinyin, with the classic dialect
  mergers folded (z/zh, c/ch, s/sh, n/l, f/hu, an/ang, en/eng, in/ing); a phrase of at
  least two characters matches when every syllable does and one character at least is the
  same (pypinyin: the phrase's reading and each character's reading alone, 空调 as kong tiao or diao).
- English: windows of one to three words are compared with rapidfuzz (edit ratio) and
  with metaphone keys (jellyfish) of the words run together, so split words join again.
  A single real English word is never replaced by another ("clean" stays "clean").
"""
from __future__ import annotations

import functools
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np

from voicebox.nlu.lexicon import Lexicon

MIN_RATIO = 88.0        # edit ratio (0-100) for a spelling-level repair
MIN_SOUND_RATIO = 75.0  # edit ratio still required when the metaphone keys are equal
MAX_WINDOW = 3


@dataclass(frozen=True)
class Repair:
    """A fuzzy match: tokens [start, end) stand for the lexicon phrase `phrase`."""

    end: int
    phrase: str
    score: float  # 0..1, how sure the repair is


# -- Chinese ---------------------------------------------------------------------------------
_F_TO_HU = {"a": "hua", "an": "huan", "ang": "huang", "ei": "hui", "en": "hun", "eng": "hong",
            "o": "huo", "u": "hu", "ou": "hou"}


def fold(syllable: str) -> str:
    """A toneless syllable with the dialect mergers folded to one form."""
    s = syllable
    if s.startswith("f") and s[1:] in _F_TO_HU:
        s = _F_TO_HU[s[1:]]
    s = re.sub(r"^([zcs])h", r"\1", s)
    if s.startswith("n") and len(s) > 1:
        s = "l" + s[1:]
    return re.sub(r"(a|e|i)ng$", r"\1n", s)


@functools.lru_cache(maxsize=8192)
def char_syllables(char: str) -> frozenset[str]:
    """The folded readings of one character: the usual one, and the second reading of a
    common heteronym (行 xing/hang: 返行 is 返航), never the rare third ones, which only add
    false matches."""
    from pypinyin import Style, pinyin

    readings = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
    return frozenset(fold(r) for r in (readings[0][:2] if readings else []))


@functools.lru_cache(maxsize=8192)
def _usual(char: str) -> str:
    """A character's folded reading on its own (调: diao), whatever a phrase reads it as."""
    from pypinyin import Style, lazy_pinyin

    return fold(lazy_pinyin(char, style=Style.NORMAL)[0])


class PinyinIndex:
    """A trie of the lexicon's Chinese phrases keyed by folded syllables."""

    def __init__(self, lex: Lexicon) -> None:
        from pypinyin import Style, lazy_pinyin

        self.trie: dict = {}
        self.heads: dict[str, list[str]] = {}  # the first characters of longer names of things
        self.meaning: dict[str, str] = {}
        for phrase, entries in lex.phrases.items():
            if len(phrase) < 2 or not all("\u3400" <= c <= "\u9fff" for c in phrase):
                continue
            if all("role" in e.fields for e in entries):
                continue  # grammar words are heard right or not at all: 那儿 is not 哪儿
            self.meaning[phrase] = repr(sorted(entries[0].fields.items()))
            if entries[0].source in _THINGS:  # 打开 is a word of its own, not a clipped 打开录像
                for k in range(2, len(phrase)):
                    self.heads.setdefault(phrase[:k], []).append(phrase)
            self._insert(phrase, lazy_pinyin(phrase, style=Style.NORMAL))

    def _insert(self, phrase: str, readings: list[str]) -> None:
        """Index a phrase under its reading and, where a character reads otherwise alone, under
        that too: 空调 is kong *tiao*, but a recogniser that heard 调 as diao writes 掉 (打开空掉).
        Not every reading of a character: 塌 has a rare da, and 大了 is no 塌了."""
        level = [self.trie]
        for char, syl in zip(phrase, readings):
            options = {fold(syl), _usual(char)}
            level = [node.setdefault(o, {}) for node in level for o in options]
        for node in level:
            node[None] = phrase

    def match(self, tokens: list, i: int) -> Repair | None:
        """The longest phrase whose syllables the characters from tokens[i] sound like."""
        best: Repair | None = None
        stack = [(self.trie, i, 0)]
        while stack:
            node, j, same = stack.pop()
            if None in node and j - i >= 2 and not _counted(tokens, i, j):
                phrase = node[None]
                text = "".join(t.text for t in tokens[i:j])
                shared = sum(a == b and a not in _WEAK for a, b in zip(text, phrase))
                # one character at least must be right: two wrong ones are another word (附近 ≠ 不紧)
                if shared and (best is None or j > best.end):
                    best = Repair(j, phrase, 0.85)
            # a numeral character may be a mis-heard syllable (异物 heard as 一物): the repair
            # still needs one character of the phrase right
            if j >= len(tokens) or not tokens[j].cjk or len(tokens[j].text) != 1:
                continue
            for syl in char_syllables(tokens[j].text):
                child = node.get(syl)
                if child is not None:
                    stack.append((child, j + 1, same))
        if best is not None and "".join(t.text for t in tokens[i:best.end]) == best.phrase:
            return None  # an exact match is the tagger's business
        return best or self._clipped(tokens, i)

    def _clipped(self, tokens: list, i: int) -> Repair | None:
        """A phrase whose last characters were not heard: 绝缘 for 绝缘子, 避雷 for 避雷器 —
        when most phrases that start so mean one thing (7 in 10), the shortest of them."""
        j = i
        while j < len(tokens) and tokens[j].cjk and len(tokens[j].text) == 1 and not tokens[j].is_num:
            j += 1
        for end in range(j, i + 1, -1):
            heard = "".join(t.text for t in tokens[i:end])
            found = self.heads.get(heard)
            if not found or heard in self.meaning:
                continue
            votes: dict[str, list[str]] = {}
            for phrase in found:
                votes.setdefault(self.meaning[phrase], []).append(phrase)
            meaning, phrases = max(votes.items(), key=lambda kv: len(kv[1]))
            if len(phrases) >= 0.7 * len(found):
                return Repair(end, min(phrases, key=len), 0.75)
        return None


def sounds_like_device(lex: Lexicon, word: str) -> str | None:
    """The device phrase a single unknown word in the object slot sounds like ("把客厅*等*关掉":
    等 for 灯; "turn on the *lamb*"), or None. Looser than a repair anywhere else, so only
    for the place where the speaker names what to act on, and only for device words."""
    phrases = [p for p, entries in lex.phrases.items() if any(e.source == "device" for e in entries)]
    if lex.lang == "zh":
        if len(word) != 1:
            return None
        heard = char_syllables(word)
        return next((p for p in phrases if len(p) == 1 and heard & char_syllables(p)), None)
    if len(word) < 3 or not word.isalpha():
        return None
    import jellyfish
    from rapidfuzz import fuzz, process

    found = process.extractOne(word, [p for p in phrases if " " not in p], scorer=fuzz.ratio, score_cutoff=75)
    if found is None:
        key = jellyfish.metaphone(word)
        found = next(((p, 0, 0) for p in phrases if " " not in p and jellyfish.metaphone(p) == key), None)
    return found[0] if found else None


_THINGS = ("component", "device", "attribute")  # phrases whose clipped heads are repaired
_MEASURES = set("度米号个次分秒层楼档级张")
# suffixes and particles: sharing one of them is no evidence (缘子 is not 院子)
_WEAK = set("子儿头的个")


def _counted(tokens: list, i: int, j: int) -> bool:
    """A numeral before a measure word inside tokens[i:j] counts something: 两度 is not 亮度."""
    return any(tokens[k].is_num and k + 1 < len(tokens) and tokens[k + 1].text in _MEASURES
               for k in range(i, j))


# -- English ---------------------------------------------------------------------------------
class WordSet:
    """`word in words` for a large word list, kept as a sorted array of 64-bit string hashes.

    The CMU dictionary's 126k words as a frozenset of str stay resident at ~12 MB for the
    whole run; their hashes take 1 MB. Python's str hash is salted per process, which is
    fine: the array is built and read in the same process. A word outside the list
    collides with one in it with a probability of ~1e-14.
    """

    def __init__(self, words: Iterable[str]) -> None:
        self._hashes = np.unique(np.fromiter((hash(w) for w in words), dtype=np.int64))

    def __contains__(self, word: object) -> bool:
        h = hash(word)
        i = int(np.searchsorted(self._hashes, h))
        return i < len(self._hashes) and int(self._hashes[i]) == h

    def __len__(self) -> int:
        return len(self._hashes)


@functools.lru_cache(maxsize=1)
def english_words() -> WordSet:
    """Real English words (the CMU dictionary inside the pocketsphinx wheel); empty if absent."""
    spec = importlib.util.find_spec("pocketsphinx")
    if spec is None or not spec.origin:
        return WordSet(())
    path = Path(spec.origin).parent / "model" / "en-us" / "cmudict-en-us.dict"
    if not path.is_file():
        return WordSet(())
    with path.open(encoding="utf-8", errors="ignore") as f:
        return WordSet(line.split(" ", 1)[0].split("(", 1)[0] for line in f)


class EnglishIndex:
    """The lexicon's English phrases, by word count, with their metaphone keys."""

    def __init__(self, lex: Lexicon, stopwords: set[str]) -> None:
        import jellyfish

        self._metaphone = jellyfish.metaphone
        self.by_len: dict[int, list[str]] = {}
        for phrase, entries in lex.phrases.items():
            if phrase.replace(" ", "").isalpha() and any("role" not in e.fields for e in entries):
                self.by_len.setdefault(len(phrase.split()), []).append(phrase)
        self.sound: dict[str, str] = {}
        for phrases in self.by_len.values():
            for p in phrases:
                if len(p.replace(" ", "")) >= 4:
                    self.sound.setdefault(self._metaphone(p.replace(" ", "")), p)
        self.stopwords = stopwords

    def match(self, tokens: list, i: int, anchored: bool = False) -> Repair | None:
        """The best repair of a window of one to three words starting at tokens[i].

        `anchored`: tokens[i] is itself a lexicon word, so the repair must keep it and the
        number of words ("turn of" → "turn off", never "damper is" → "dampers").
        """
        from rapidfuzz import fuzz, process

        best: Repair | None = None
        for k in range(1, MAX_WINDOW + 1):
            window = tokens[i:i + k]
            if len(window) < k or not all(t.text.isalpha() and not t.is_num for t in window):
                break  # "up to meters" is a number, not "up top"
            words = [t.text for t in window]
            if all(w in self.stopwords for w in words) or k == 1 and words[0] in self.stopwords:
                continue
            if k == 1 and (anchored or len(words[0]) < 4 or words[0] in english_words()):
                continue
            text = " ".join(words)
            choices = [p for n in (k - 1, k, k + 1) for p in self.by_len.get(n, ())]
            found = process.extractOne(text, choices, scorer=fuzz.ratio, score_cutoff=MIN_RATIO)
            compact = text.replace(" ", "")
            by_sound = self.sound.get(self._metaphone(compact)) if len(compact) >= 5 else None
            if found is None and by_sound and fuzz.ratio(compact, by_sound.replace(" ", "")) >= MIN_SOUND_RATIO:
                found = (by_sound, 80.0, None)
            if found is not None and words[-1] in self.stopwords and len(found[0].split()) < k:
                found = None  # "shows a" is not "shoes": a trailing small word is not swallowed
            if found is not None and anchored and (len(found[0].split()) != k or found[0].split()[0] != words[0]):
                found = None
            if found is not None and found[0] != text and (best is None or found[1] / 100 >= best.score):
                best = Repair(i + k, found[0], min(found[1], 95.0) / 100)
        return best
