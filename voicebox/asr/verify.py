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

from voicebox.asr.base import Transcript


def agreement(a: str, b: str) -> float:
    """Similarity in [0, 1] of two hypotheses, ignoring spaces; 1.0 when both are empty."""
    x, y = a.replace(" ", ""), b.replace(" ", "")
    if not x and not y:
        return 1.0
    return SequenceMatcher(None, x, y, autojunk=False).ratio()


def choose(grammar: Transcript, open_: Transcript, min_agreement: float) -> Transcript:
    """The grammar hypothesis when the open pass supports it, else the open hypothesis."""
    if grammar.empty and open_.empty:
        return grammar
    if agreement(grammar.text, open_.text) >= min_agreement and not grammar.empty:
        return grammar
    return replace(open_, source="open", rejected=grammar.text or None)


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
    that is what the final result will most often be.
    """

    def __init__(self, grammar: Pass | None, open_: Pass | None, min_agreement: float) -> None:
        if grammar is None and open_ is None:
            raise ValueError("DualPass needs at least one pass")
        self.grammar, self.open, self.min_agreement = grammar, open_, min_agreement
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

    def finish(self) -> Transcript:
        self._last_partial = ""
        grammar = self.grammar.finish() if self.grammar else None
        open_ = self.open.finish() if self.open else None
        if grammar is None:
            return open_
        if open_ is None:
            return grammar
        return choose(grammar, open_, self.min_agreement)
