"""Greedy decoding under a GBNF grammar, fast on a 262k-token vocabulary.

llama-cpp-python's sampler runs the grammar over the whole vocabulary at every step, which
costs more than the decode itself for Gemma 3 (262,144 tokens). Greedy decoding only needs
the best allowed token, so the grammar is asked about the top candidates first and about the
whole vocabulary only when none of those is allowed. Each step also records the probability
of the chosen token among the allowed top candidates: the item's confidence.
"""
from __future__ import annotations

import ctypes
from dataclasses import dataclass

import numpy as np

TOP_K = 48  # candidates offered to the grammar before falling back to the full vocabulary
_TOKEN_DATA = np.dtype([("id", np.int32), ("logit", np.float32), ("p", np.float32)], align=True)


@dataclass(frozen=True)
class Step:
    token: int
    text: str
    prob: float  # probability among the allowed candidates (1.0 when only one was allowed)


class GrammarSampler:
    """A llama.cpp grammar sampler used candidate-set by candidate-set; one per generation."""

    def __init__(self, llama_cpp, vocab, grammar: str) -> None:
        self._c = llama_cpp
        self._sampler = llama_cpp.llama_sampler_init_grammar(vocab, grammar.encode(), b"root")
        if not self._sampler:
            raise ValueError("llama.cpp rejected the generated grammar")

    def allowed(self, ids: np.ndarray, logits: np.ndarray) -> np.ndarray:
        """The mask of `ids` the grammar admits next (it sets the others' logits to -inf)."""
        c = self._c
        data = np.zeros(len(ids), dtype=_TOKEN_DATA)
        data["id"], data["logit"] = ids, logits
        array = c.llama_token_data_array(
            data=data.ctypes.data_as(c.llama_token_data_p), size=len(ids), selected=-1, sorted=False)
        c.llama_sampler_apply(self._sampler, ctypes.byref(array))
        return np.isfinite(data["logit"])

    def accept(self, token: int) -> None:
        self._c.llama_sampler_accept(self._sampler, token)

    def close(self) -> None:
        if self._sampler:
            self._c.llama_sampler_free(self._sampler)
            self._sampler = None


def pick(sampler: GrammarSampler, logits: np.ndarray) -> tuple[int, float]:
    """The best token the grammar allows, and its probability among the allowed candidates."""
    top = np.argpartition(logits, -TOP_K)[-TOP_K:]
    ids = top[np.argsort(-logits[top])]
    mask = sampler.allowed(ids, logits[ids])
    if not mask.any():  # rare: the model wants none of its favourites; ask about everything
        ids = np.argsort(-logits)
        mask = sampler.allowed(ids, logits[ids])
        if not mask.any():
            raise RuntimeError("the grammar admits no token")
    allowed = logits[ids[mask]].astype(np.float64)
    probs = np.exp(allowed - allowed.max())
    return int(ids[mask][0]), float(probs[0] / probs.sum())


def generate(llm, sampler: GrammarSampler, max_tokens: int, stop: str = "\n"):
    """Yield Steps after the prompt already evaluated in `llm`, until `stop` is written."""
    c = sampler._c
    n_vocab = llm.n_vocab()
    raw = b""
    for _ in range(max_tokens):
        pointer = c.llama_get_logits_ith(llm.ctx, -1)
        logits = np.ctypeslib.as_array(pointer, shape=(n_vocab,))
        token, prob = pick(sampler, logits)
        sampler.accept(token)
        piece = llm.detokenize([token], prev_tokens=None)
        raw += piece
        yield Step(token, piece.decode("utf-8", errors="replace"), prob)
        if stop.encode() in piece:
            return
        llm.eval([token])
