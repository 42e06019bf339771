"""Vosk (Kaldi) recogniser for any Vosk model directory.

Models with a lookahead graph (graph/Gr.fst + graph/HCLr.fst) can be restricted at
run time to a phrase list; the grammar pass uses the profile's phrases, the open
pass the model's full vocabulary, and `DualPass` verifies one against the other.
Models with a static HCLG graph only decode with their full vocabulary.

Vosk ignores grammar words missing from the model's word table with a warning,
and turns a phrase into its known words alone; phrases are therefore filtered here
against `vosk_model_find_word` (the word table comes from graph/words.txt or, as in
the small Korean model, the symbol table embedded in Gr.fst).
"""
from __future__ import annotations

import gc
import json
import time
from pathlib import Path

import numpy as np

from voicebox.asr.base import SAMPLE_RATE, AsrError, Transcript, Word, as_int16
from voicebox.asr.memory import release_freed_memory
from voicebox.asr.verify import DualPass
from voicebox.asr.vocab import Vocabulary
from voicebox.errors import ModelError

UNKNOWN = "[unk]"


def has_lookahead_graph(model_dir: Path) -> bool:
    """True when the model can take a grammar at run time."""
    return (model_dir / "graph" / "Gr.fst").is_file() and (model_dir / "graph" / "HCLr.fst").is_file()


class VoskPass:
    """One KaldiRecognizer over an utterance; keeps the pieces Vosk ends on its own pauses."""

    def __init__(self, recognizer, source: str) -> None:
        self.recognizer, self.source = recognizer, source
        recognizer.SetWords(True)
        recognizer.SetPartialWords(False)
        self._done: list[dict] = []  # results Vosk finalised at its own endpoints
        # Vosk times count from the recogniser's creation, across Reset(): remember
        # where this utterance began to give times from its own start
        self._fed = self._start = 0.0

    def accept(self, pcm: bytes) -> None:
        self._fed += len(pcm) / (2 * SAMPLE_RATE)
        if self.recognizer.AcceptWaveform(pcm):
            self._done.append(json.loads(self.recognizer.Result()))

    def partial(self) -> str:
        current = json.loads(self.recognizer.PartialResult()).get("partial", "")
        return " ".join([r.get("text", "") for r in self._done] + [current]).strip()

    def finish(self) -> Transcript:
        results = self._done + [json.loads(self.recognizer.FinalResult())]
        self._done = []
        self.recognizer.Reset()
        t0, self._start = self._start, self._fed
        words = tuple(Word(r["word"], round(max(0.0, r["start"] - t0), 3), round(max(0.0, r["end"] - t0), 3),
                           round(r["conf"], 3))
                      for res in results for r in res.get("result", []) if r["word"] != UNKNOWN)
        confidence = float(np.mean([w.confidence for w in words])) if words else 0.0
        return Transcript(" ".join(w.text for w in words), words, round(confidence, 3),
                          final=True, source=self.source)


class VoskRecognizer:
    """A Vosk model, biased to `vocabulary` when the model has a lookahead graph."""

    backend = "vosk"

    def __init__(self, model_dir: Path, language: str, vocabulary: Vocabulary | None, settings,
                 model: str = "") -> None:
        self.model_dir, self.language = model_dir, language
        self.model = model or str(model_dir)
        self.vocabulary, self.settings = vocabulary, settings
        self.dropped: list[str] = []  # profile words the model's word table does not have
        self.grammar: list[str] = []  # the phrase list in force, empty when decoding openly
        self._wake_words: frozenset[str] = frozenset()
        self._model = None
        self._dual: DualPass | None = None

    @property
    def loaded(self) -> bool:
        return self._dual is not None

    def load(self) -> float:
        if self._dual is not None:
            return 0.0
        start = time.perf_counter()
        import vosk  # heavy import only once a recogniser is needed

        vosk.SetLogLevel(-1)
        try:
            self._model = vosk.Model(str(self.model_dir))
        except Exception as err:  # vosk raises a bare Exception("Failed to create a model")
            raise ModelError(f"vosk cannot load {self.model_dir}: {err}; fix: pull the model again "
                             "with `voicebox models pull --force <id>`") from None
        self.grammar = self._grammar()
        rec = lambda *grm: vosk.KaldiRecognizer(self._model, SAMPLE_RATE, *grm)  # noqa: E731
        grammar = VoskPass(rec(json.dumps(self.grammar, ensure_ascii=False)), "grammar") if self.grammar else None
        open_ = VoskPass(rec(), "open") if grammar is None or self.settings.verify == "compare" else None
        self._dual = DualPass(grammar, open_, self.settings.min_agreement, self._wake_words)
        return time.perf_counter() - start

    def _grammar(self) -> list[str]:
        """The phrase list for the grammar pass, or [] when the model or profile cannot bias."""
        if not (self.settings.grammar and self.vocabulary and has_lookahead_graph(self.model_dir)):
            return []
        known = lambda w: self._model.vosk_model_find_word(w) >= 0  # noqa: E731
        vocab, self.dropped = self.vocabulary.restricted(known)
        if not vocab.phrases:
            return []
        self._wake_words = vocab.wake_words
        # [unk] lets out-of-grammar speech fall out of the grammar, where the model has it
        return list(vocab.grammar) + ([UNKNOWN] if known(UNKNOWN) else [])

    def unload(self) -> None:
        self._dual = None
        self._model = None
        gc.collect()  # the KaldiRecognizer/Model handles are freed in __del__
        release_freed_memory()

    def accept(self, samples: np.ndarray) -> Transcript | None:
        return self._require().accept(as_int16(samples))

    def finish(self, wake_end: float | None = 0.0) -> Transcript:
        return self._require().finish(wake_end)

    def _require(self) -> DualPass:
        if self._dual is None:
            raise AsrError(f"vosk recogniser for {self.language!r} used before load()")
        return self._dual
