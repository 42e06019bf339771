"""Few-shot examples nearest to the utterance, for the LLM prompt.

A 270M model copies far better than it generalises: with the profile's examples most like the
utterance placed right before it, it got three times as many dev utterances right as with a
fixed list of the same examples (docs/llm.md). Similarity is the cosine of character 2- and
3-gram sets, which works the same for English words and Chinese characters and needs no model.
"""
from __future__ import annotations

import math
import re

_NOISE = re.compile(r"[\s,.!?;:，。！？；：、]+")


def grams(text: str) -> frozenset[str]:
    """Character 2- and 3-grams of the lower-cased text, punctuation folded to one space."""
    clean = f" {_NOISE.sub(' ', text.lower()).strip()} "
    return frozenset(clean[i:i + n] for n in (2, 3) for i in range(len(clean) - n + 1))


class ExamplePool:
    """Rendered examples (`text`, `line`) and their n-grams."""

    def __init__(self, examples: list[tuple[str, str]]) -> None:
        self.examples = examples
        self._grams = [grams(text) for text, _ in examples]

    def nearest(self, text: str, k: int) -> list[tuple[str, str]]:
        """The `k` most similar examples, the most similar last (closest to the utterance)."""
        if k <= 0 or not self.examples:
            return []
        query = grams(text)

        def score(i: int) -> float:
            other = self._grams[i]
            return len(query & other) / math.sqrt(len(query) * len(other) or 1)

        best = sorted(range(len(self.examples)), key=lambda i: (score(i), -i))[-k:]
        return [self.examples[i] for i in best]
