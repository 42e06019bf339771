"""pocketsphinx with the US English model inside its wheel: the zero-download recogniser.

The grammar pass decodes with a small back-off LM built from the profile's phrases
(any sequence of them); the open pass with the model's full en-us LM. Both stream
the same audio and `DualPass` picks the result. Each word's confidence is its posterior
probability in the pass's word lattice (how much of the competing paths through that
stretch of audio agree on the word); the transcript's is the mean over its words.

pocketsphinx normalises features by a running cepstral mean that it learns from the audio.
A fresh decoder starts from the model's default mean, so the first second of its first
utterance — the command's first words, on a device that loads the recogniser on every wake
word — is decoded with the wrong one. The recogniser keeps each pass's mean when it unloads
and gives it to the next load (a few numbers; docs/asr.md has the figures).

With `[asr] denoise` (default) each utterance's audio first goes through a Wiener filter of its
own (voicebox/audio/denoise.py): fewer words misheard in steady noise (docs/asr.md).
"""
from __future__ import annotations

import gc
import math
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Callable

import numpy as np

from voicebox.asr.base import AsrError, Transcript, Word, as_int16, mean_confidence
from voicebox.asr.memory import release_freed_memory
from voicebox.asr.pronounce import pronunciations
from voicebox.asr.verify import DualPass
from voicebox.asr.vocab import Vocabulary, normalise
from voicebox.audio.denoise import Denoiser
from voicebox.errors import ModelError

FRAME_SECONDS = 0.01  # pocketsphinx's default frame rate is 100 frames/s
LOG_BASE = math.log(1.0001)  # pocketsphinx's LogMath base
# How much worse per frame the grammar path may score than the open path and still be
# trusted (log units). Measured with tools/bench_asr.py on Piper speech: in-domain commands
# score from -29 up, out-of-grammar sentences at -10 and below (docs/asr.md).
SCORE_MARGIN = 5.0


class SphinxPass:
    """One pocketsphinx decoder running one search over an utterance."""

    def __init__(self, decoder, source: str) -> None:
        self.decoder, self.source = decoder, source
        self._started = False

    def accept(self, pcm: bytes) -> None:
        if not self._started:
            self.decoder.start_utt()
            self._started = True
        self.decoder.process_raw(pcm, False, False)

    def partial(self) -> str:
        hyp = self.decoder.hyp() if self._started else None
        return _clean(hyp.hypstr) if hyp else ""

    def finish(self) -> Transcript:
        if not self._started:
            return Transcript("", final=True, source=self.source)
        self.decoder.end_utt()
        self._started = False
        if self.decoder.hyp() is None:
            return Transcript("", final=True, source=self.source)
        score = _frame_score(self.decoder.hyp().best_score, self.decoder.n_frames())
        words = tuple(Word(_base(s.word), round(s.start_frame * FRAME_SECONDS, 3),
                           round((s.end_frame + 1) * FRAME_SECONDS, 3), _posterior(s.prob))
                      for s in self.decoder.seg() if not _filler(s.word))
        return Transcript(" ".join(w.text for w in words), words, mean_confidence(words),
                          final=True, source=self.source, score=score)


class SphinxRecognizer:
    """pocketsphinx en-us, biased to `vocabulary` when one is given (see module doc)."""

    language = "en"
    backend = "pocketsphinx"

    def __init__(self, model_dir: Path, vocabulary: Vocabulary | None, settings, model: str = "",
                 sentences: Callable[[], list[str]] | None = None) -> None:
        """`sentences` gives the language model's training sentences (sentences.py); it is
        called once, at the first load, and the model built then is reused by later loads."""
        self.model_dir, self.vocabulary, self.settings = model_dir, vocabulary, settings
        self.model = model or str(model_dir)
        self.sentences = sentences
        self.dropped: list[str] = []  # profile words missing from the pronunciation dictionary
        self._wake_words: frozenset[str] = frozenset()
        self._lm: tuple[str, str] | None = None  # (dictionary, ARPA LM) of the grammar pass
        self._dual: DualPass | None = None
        self._cmn: dict[str, str] = {}  # source → cepstral mean learned before the last unload
        self._denoiser: Denoiser | None = None  # the current utterance's, with [asr] denoise

    @property
    def loaded(self) -> bool:
        return self._dual is not None

    def load(self) -> float:
        if self._dual is not None:
            return 0.0
        start = time.perf_counter()
        import pocketsphinx  # heavy import only once a recogniser is needed

        try:
            grammar, open_ = self._passes(pocketsphinx)
        except (RuntimeError, OSError, ValueError) as err:
            raise ModelError(f"pocketsphinx cannot load {self.model_dir}: {err}; "
                             "fix: pip install --force-reinstall pocketsphinx") from None
        for p in (grammar, open_):
            if p is not None and p.source in self._cmn:
                p.decoder.set_cmn(self._cmn[p.source])
        self._dual = DualPass(grammar, open_, self.settings.min_agreement, self._wake_words, SCORE_MARGIN)
        self._denoiser = Denoiser() if self.settings.denoise else None
        return time.perf_counter() - start

    def _passes(self, ps) -> tuple[SphinxPass | None, SphinxPass | None]:
        want_grammar = self.settings.grammar and self.vocabulary is not None
        want_open = not want_grammar or self.settings.verify == "compare"
        grammar = self._grammar_pass(ps) if want_grammar else None
        open_ = SphinxPass(self._decoder(ps, lm=True), "open") if want_open or grammar is None else None
        return grammar, open_

    def _decoder(self, ps, lm: bool, dictionary: str | None = None):
        d = self.model_dir
        return ps.Decoder(hmm=str(d / "en-us"), dict=dictionary or str(d / "cmudict-en-us.dict"),
                          lm=str(d / "en-us.lm.bin") if lm else None, loglevel="FATAL")

    def _grammar_pass(self, ps) -> SphinxPass | None:
        """A decoder on the profile LM with a dictionary of just its words.

        With the full 134k-word dictionary, pocketsphinx spends seconds building the
        search; a dictionary of the vocabulary alone makes it a few milliseconds.
        """
        if self._lm is None:
            self._lm = self._profile_lm()
        dictionary, arpa = self._lm
        if not arpa:
            return None
        with tempfile.TemporaryDirectory(prefix="voicebox-asr-") as tmp:
            dict_path, lm_path = Path(tmp) / "profile.dict", Path(tmp) / "profile.arpa"
            dict_path.write_text(dictionary, encoding="utf-8")
            lm_path.write_text(arpa, encoding="utf-8")
            decoder = self._decoder(ps, lm=False, dictionary=str(dict_path))
            decoder.add_lm("profile", ps.NGramModel(decoder.config, decoder.logmath, str(lm_path)))
        decoder.activate_search("profile")
        return SphinxPass(decoder, "grammar")

    def _profile_lm(self) -> tuple[str, str]:
        """The grammar pass's dictionary and ARPA LM (empty when no phrase can be said)."""
        vocab = self.vocabulary
        if self.sentences is not None:
            vocab = replace(vocab, sentences=tuple(normalise(s) for s in self.sentences()))
        prons, _ = pronunciations(self.model_dir / "cmudict-en-us.dict", set(vocab.words))
        vocab, self.dropped = vocab.restricted(lambda w: w in prons)
        if not vocab.phrases:
            return "", ""
        self._wake_words = vocab.wake_words
        dictionary = "".join(f"{w}{v} {p}\n" for w in sorted(prons) for v, p in prons[w])
        return dictionary, vocab.arpa()

    def unload(self) -> None:
        if self._dual is not None:
            self._cmn.update({p.source: p.decoder.get_cmn(False)
                              for p in (self._dual.grammar, self._dual.open) if p is not None})
        self._dual = None
        gc.collect()  # decoders are freed when their Python objects go
        release_freed_memory()

    def accept(self, samples: np.ndarray) -> Transcript | None:
        dual, samples = self._require(), as_int16(samples)
        if self._denoiser is not None:
            samples = self._denoiser.process(samples)   # 16 ms are held back until the next call
        return dual.accept(samples) if len(samples) else None

    def finish(self, wake_end: float | None = 0.0) -> Transcript:
        dual = self._require()
        if self._denoiser is not None:
            rest, self._denoiser = self._denoiser.flush(), Denoiser()  # the next utterance: its own noise
            if len(rest):
                dual.accept(rest)
        return dual.finish(wake_end)

    def _require(self) -> DualPass:
        if self._dual is None:
            raise AsrError("pocketsphinx recogniser used before load()")
        return self._dual


def _posterior(prob: float) -> float:
    """A word's lattice posterior as pocketsphinx reports it (already a probability), in [0, 1]."""
    return round(min(1.0, max(0.0, float(prob))), 3)


def _frame_score(best_score: float, frames: int) -> float | None:
    """The best path's score per frame in the decoder's log units (base 1.0001).

    The binding hands the score over exponentiated; its log brings back the path
    score, which is comparable between two searches over the same audio.
    """
    if best_score <= 0 or frames <= 0:
        return None
    return round(math.log(best_score) / LOG_BASE / frames, 3)


def _base(word: str) -> str:
    """'on(2)' -> 'on': pocketsphinx marks alternative pronunciations."""
    return word.split("(", 1)[0]


def _filler(word: str) -> bool:
    return word.startswith(("<", "[", "+"))


def _clean(hypstr: str) -> str:
    return " ".join(_base(w) for w in hypstr.split() if not _filler(w))
