"""Checking a grammar hypothesis against a full-vocabulary pass before trusting it.

A search restricted to the profile's phrases maps any speech onto those phrases,
often with high confidence ("what's the weather in Paris" → "one is the one thirty
percent four"). Both searches run on the same audio; the grammar hypothesis wins
when it agrees with the open one closely enough, otherwise the open one is returned
with the rejected grammar text attached. Agreement is measured on characters with
spaces removed, so it works for languages without spaces and tolerates the open
search splitting or misspelling words it does not favour ("increased again" vs
"increase the gain").
"""
from __future__ import annotations

from dataclasses import replace
from difflib import SequenceMatcher
from typing import Protocol

import numpy as np

from voicebox.asr.base import Transcript, Word, mean_confidence


def agreement(a: str, b: str) -> float:
    """Similarity in [0, 1] of two hypotheses, ignoring spaces; 1.0 when both are empty."""
    x, y = a.replace(" ", ""), b.replace(" ", "")
    if not x and not y:
        return 1.0
    return SequenceMatcher(None, x, y, autojunk=False).ratio()


def choose(grammar: Transcript, open_: Transcript, min_agreement: float,
           score_margin: float | None = None) -> Transcript:
    """The grammar hypothesis when the open pass supports it, else the open hypothesis.

    Support is acoustic where both passes report a path score (`score_margin`: how
    much worse per frame the grammar path may fit the audio), textual otherwise
    (`min_agreement` of `agreement`).
    """
    if grammar.empty and open_.empty:
        return grammar
    if grammar.empty:
        return replace(open_, source="open")
    if score_margin is not None and grammar.score is not None and open_.score is not None:
        supported = grammar.score >= open_.score - score_margin
    else:
        supported = agreement(grammar.text, open_.text) >= min_agreement
    return grammar if supported else replace(open_, source="open", rejected=grammar.text)


def keep_words(tr: Transcript, words: list[Word] | tuple[Word, ...]) -> Transcript:
    """`tr` with only `words` (text and mean confidence recomputed)."""
    if len(words) == len(tr.words):
        return tr
    return replace(tr, text=" ".join(w.text for w in words), words=tuple(words),
                   confidence=mean_confidence(words))


def strip_wake(tr: Transcript, wake_words: frozenset[str], wake_end: float | None,
               cut: float | None = None) -> tuple[Transcript, float | None]:
    """Drop the wake phrase from the start of `tr`; returns it and the time the command starts.

    `wake_end` is when the wake word was detected (seconds into the utterance): None
    when unknown (a file that may start with it), 0 when no wake phrase precedes.
    Preferred is the lexical cut: a search that knows the wake phrase names its words,
    and everything after them is the command however late the detection came. Failing
    that, words that ended before the detection cannot belong to the command. `cut`
    imposes a start time found by another pass over the same audio.
    """
    if wake_end == 0:
        return tr, None
    words = list(tr.words)
    if cut is not None:
        return keep_words(tr, [w for w in words if (w.start + w.end) / 2 >= cut]), cut
    lexical = None
    while words and words[0].text in wake_words and (wake_end is None or words[0].start < wake_end):
        lexical = words.pop(0).end
    if lexical is not None:
        return keep_words(tr, words), lexical
    if wake_end is None:
        return tr, None
    return keep_words(tr, [w for w in words if w.end > wake_end]), None


class Pass(Protocol):
    """One search over the utterance's audio (a Vosk recogniser, a pocketsphinx decoder)."""

    def accept(self, pcm: bytes) -> None: ...

    def partial(self) -> str: ...

    def finish(self) -> Transcript:
        """The final hypothesis of the utterance; the pass is then ready for the next one."""


class DualPass:
    """Feeds the same audio to a grammar pass and/or an open pass and picks the final result.

    With both passes the grammar result is verified (`choose`); with one, it is
    returned as is. Partials come from the grammar pass when there is one, since
    that is what the final result will most often be. The wake phrase is stripped
    from both before they are compared (`strip_wake`).
    """

    def __init__(self, grammar: Pass | None, open_: Pass | None, min_agreement: float,
                 wake_words: frozenset[str] = frozenset(), score_margin: float | None = None) -> None:
        if grammar is None and open_ is None:
            raise ValueError("DualPass needs at least one pass")
        self.grammar, self.open, self.min_agreement = grammar, open_, min_agreement
        self.wake_words, self.score_margin = wake_words, score_margin
        self._last_partial = ""

    def accept(self, samples: np.ndarray) -> Transcript | None:
        pcm = samples.tobytes()
        for p in (self.grammar, self.open):
            if p is not None:
                p.accept(pcm)
        text = (self.grammar or self.open).partial()
        if text == self._last_partial:
            return None
        self._last_partial = text
        return Transcript(text, source="grammar" if self.grammar else "open")

    def finish(self, wake_end: float | None = 0.0) -> Transcript:
        self._last_partial = ""
        grammar = self.grammar.finish() if self.grammar else None
        open_ = self.open.finish() if self.open else None
        cut = None
        if grammar is not None:
            grammar, cut = strip_wake(grammar, self.wake_words, wake_end)
        if open_ is not None:
            open_, _ = strip_wake(open_, self.wake_words if grammar is None else frozenset(), wake_end, cut)
        if grammar is None:
            return open_
        if open_ is None:
            return grammar
        return choose(grammar, open_, self.min_agreement, self.score_margin)
