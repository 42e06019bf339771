"""The profile's vocabulary as recognisers need it: normalised phrases, numbers, LM text.

Biasing works on phrases, not sentences: the understanding stage says which words
and phrases its templates can produce (`voicebox.nlu.vocabulary`), recognisers
allow any sequence of them. Spoken values (26 degrees, tower 12) are open-ended, so
number words are always part of the vocabulary, and so are the small words people
wrap commands in ("could you", "please", "the"): without them a grammar search
forces every filler onto a profile word.

The wake phrase is part of the grammar too: the pre-roll audio handed to the
recogniser ends with it, and a search that knows "hey jarvis" aligns it as such
instead of bending it into the first command word (see `verify.strip_wake`).
"""
from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
         "fourteen fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()

# Per language: the words numbers are spoken with. Each is its own phrase, so any
# sequence ("twenty six", "one hundred") is allowed without weighting numbers over
# the profile's own phrases.
NUMBERS: dict[str, tuple[str, ...]] = {
    "en": tuple(_ONES + _TENS + ["hundred", "thousand", "point", "half", "quarter"]),
    "zh": tuple("零 一 二 两 三 四 五 六 七 八 九 十 百 千 点 半 号 度".split()),
    "ko": tuple("영 일 이 삼 사 오 육 칠 팔 구 십 백 하나 둘 셋 넷 다섯 여섯 일곱 여덟 아홉 열 "
                "스물 서른 마흔 쉰 도 퍼센트".split()),
}

# Per language: the function words and politeness that surround commands in speech.
FILLERS: dict[str, tuple[str, ...]] = {
    "en": tuple("the a an to of in on at by for from with and or it its it's is are was be "
                "this that these those there there's here my your our me us i i'm you we "
                "can could would will please now just all some more less bit little lot "
                "up down off out over back again then also not no yes ok okay um uh "
                "what's what how is it let's make get go do".split()),
    "zh": tuple("请 把 帮 我 给 一下 吧 的 了 呢 吗 啊 到 在 和 再 一点 能 可以 你".split()),
    "ko": tuple("좀 줘 주세요 해 해줘 을 를 이 가 은 는 에 도".split()),
}


def normalise(text: str) -> str:
    """Lower case, punctuation to spaces (apostrophes inside words kept), single spaces."""
    text = unicodedata.normalize("NFKC", text).lower().replace("\u2019", "'")
    chars = [c if c.isalnum() or c == "'" or c.isspace() else " " for c in text]
    text = re.sub(r"(?<!\w)'|'(?!\w)", " ", "".join(chars))
    return " ".join(text.split())


@dataclass(frozen=True)
class Vocabulary:
    """Normalised phrases a recogniser may be biased to, the wake phrases before them, and
    whole sentences (sentences.py) that teach a language model how the phrases follow each other."""

    phrases: tuple[str, ...]
    wake: tuple[str, ...] = ()
    sentences: tuple[str, ...] = ()

    @classmethod
    def build(cls, phrases: list[str] | tuple[str, ...], language: str,
              wake: list[str] | tuple[str, ...] = ()) -> "Vocabulary":
        """Normalise and de-duplicate `phrases`, adding the language's number and filler words."""
        extra = NUMBERS.get(language, ()) + FILLERS.get(language, ())
        merged = [normalise(p) for p in list(phrases) + list(extra)]
        return cls(tuple(dict.fromkeys(p for p in merged if p)),
                   tuple(dict.fromkeys(normalise(w) for w in wake if normalise(w))))

    @property
    def grammar(self) -> tuple[str, ...]:
        """What a grammar search allows: the phrases and the wake phrases."""
        return tuple(dict.fromkeys(self.phrases + self.wake))

    @property
    def words(self) -> list[str]:
        return list(dict.fromkeys(w for p in self.grammar + self.sentences for w in p.split()))

    @property
    def wake_words(self) -> frozenset[str]:
        return frozenset(w for p in self.wake for w in p.split())

    def restricted(self, known: Callable[[str], bool]) -> tuple["Vocabulary", list[str]]:
        """Keep phrases whose words the model knows; also returns the unknown words.

        A phrase with an unknown word is dropped whole: recognisers silently drop
        the word alone, which would turn "tower twelve" into a grammar for "tower".
        """
        unknown = [w for w in self.words if not known(w)]
        missing = set(unknown)
        keep = lambda ps: tuple(p for p in ps if not missing.intersection(p.split()))  # noqa: E731
        sentences = tuple(s for s in self.sentences if all(known(w) for w in s.split()))
        return Vocabulary(keep(self.phrases), keep(self.wake), sentences), unknown

    def arpa(self) -> str:
        """A back-off trigram LM (ARPA text): any sequence of phrases is allowed, and the word
        orders of the sentences (said after a wake phrase or alone) are preferred."""
        if not self.grammar:
            raise ValueError("no phrases to build a language model from")
        from pocketsphinx.lm import ArpaBoLM  # pure Python; the import pulls in the decoder

        woken = [f"{self.wake[i % len(self.wake)]} {s}" for i, s in enumerate(self.sentences[::2])] \
            if self.wake else []
        lm = ArpaBoLM(text="\n".join([*self.grammar, *self.sentences, *woken]), add_start=True)
        lm.compute()
        out = io.StringIO()
        lm.write(out)
        return out.getvalue()


def profile_phrases(profile, language: str) -> list[str]:
    """The phrases the profile's templates can produce, from the understanding stage.

    Empty while `voicebox.nlu` provides no `vocabulary()` in this build: recognisers
    then decode with their full vocabulary.
    """
    try:
        from voicebox import nlu
    except ImportError:
        return []
    vocabulary = getattr(nlu, "vocabulary", None)
    return list(vocabulary(profile, language)) if vocabulary else []


def wake_phrases(profile) -> list[str]:
    """The spoken text of the profile's wake words.

    An explicit `phrase` wins where the wake settings have one; otherwise it comes from
    the model's name as openWakeWord names models ("wake-hey-jarvis",
    "hey_jarvis_v0.1.onnx" → "hey jarvis").
    """
    found = []
    for word in profile.wake.words:
        phrase = getattr(word, "phrase", "") or _phrase_from_model(word.model)
        if phrase:
            found.append(phrase)
    return found


def _phrase_from_model(ref: str) -> str:
    stem = Path(ref).name.split(".", 1)[0] if ref.endswith((".onnx", ".tflite")) else ref
    stem = re.sub(r"^wake[-_]", "", stem)
    stem = re.sub(r"[-_]v\d+$", "", stem)  # version suffix: hey_jarvis_v0 (of v0.1.onnx)
    return normalise(stem.replace("_", " ").replace("-", " "))
