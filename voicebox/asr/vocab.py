"""The profile's vocabulary as recognisers need it: normalised phrases, numbers, LM text.

Biasing works on phrases, not sentences: the understanding stage says which words
and phrases its templates can produce (`voicebox.nlu.vocabulary`), recognisers
allow any sequence of them. Spoken values (26 degrees, tower 12) are open-ended,
so number words are always part of the vocabulary.
"""
from __future__ import annotations

import importlib.util
import io
import re
import unicodedata
from dataclasses import dataclass
from typing import Callable

_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
         "fourteen fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()

# Per language: the words numbers are spoken with. Each is its own phrase, so any
# sequence ("twenty six", "one hundred") is allowed without weighting numbers over
# the profile's own phrases.
NUMBERS: dict[str, tuple[str, ...]] = {
    "en": tuple(_ONES + _TENS + ["hundred", "point", "half"]),
    "zh": tuple("零 一 二 两 三 四 五 六 七 八 九 十 百 点 半 号 度".split()),
    "ko": tuple("영 일 이 삼 사 오 육 칠 팔 구 십 백 하나 둘 셋 넷 다섯 여섯 일곱 여덟 아홉 열 "
                "스물 서른 마흔 쉰 도 퍼센트".split()),
}


def normalise(text: str) -> str:
    """Lower case, punctuation to spaces (apostrophes inside words kept), single spaces."""
    text = unicodedata.normalize("NFKC", text).lower()
    chars = [c if c.isalnum() or c == "'" or c.isspace() else " " for c in text]
    text = re.sub(r"(?<!\w)'|'(?!\w)", " ", "".join(chars))
    return " ".join(text.split())


@dataclass(frozen=True)
class Vocabulary:
    """Normalised phrases a recogniser may be biased to, and the words they use."""

    phrases: tuple[str, ...]

    @classmethod
    def build(cls, phrases: list[str] | tuple[str, ...], language: str) -> "Vocabulary":
        """Normalise and de-duplicate `phrases`, adding the language's number words."""
        merged = [normalise(p) for p in list(phrases) + list(NUMBERS.get(language, ()))]
        return cls(tuple(dict.fromkeys(p for p in merged if p)))

    @property
    def words(self) -> list[str]:
        return list(dict.fromkeys(w for p in self.phrases for w in p.split()))

    def restricted(self, known: Callable[[str], bool]) -> tuple["Vocabulary", list[str]]:
        """Keep phrases whose words the model knows; also returns the unknown words.

        A phrase with an unknown word is dropped whole: recognisers silently drop
        the word alone, which would turn "tower twelve" into a grammar for "tower".
        """
        unknown = [w for w in self.words if not known(w)]
        missing = set(unknown)
        kept = tuple(p for p in self.phrases if not missing.intersection(p.split()))
        return Vocabulary(kept), unknown

    def arpa(self) -> str:
        """A back-off trigram LM (ARPA text) over the phrases: any sequence of them is allowed."""
        if not self.phrases:
            raise ValueError("no phrases to build a language model from")
        from pocketsphinx.lm import ArpaBoLM  # pure Python; the import pulls in the decoder

        lm = ArpaBoLM(text="\n".join(self.phrases), add_start=True)
        lm.compute()
        out = io.StringIO()
        lm.write(out)
        return out.getvalue()


def profile_phrases(profile, language: str) -> list[str]:
    """The phrases the profile's templates can produce, from the understanding stage.

    Empty when `voicebox.nlu` is not installed in this build: recognisers then use
    their full vocabulary.
    """
    if importlib.util.find_spec("voicebox.nlu") is None:
        return []
    from voicebox import nlu

    return list(nlu.vocabulary(profile, language))
