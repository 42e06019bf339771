"""openWakeWord 0.6: shared melspectrogram + speech-embedding features, one small classifier per word.

The features (the expensive part, ~1.4 ms per 80 ms frame here) are computed once, as
openWakeWord's `AudioFeatures` computes them (voicebox/wake/features.py, onnxruntime alone),
from the two ONNX feature models of the model manager; each wake word is a classifier over
the last 16 embeddings. A classifier may be ONNX or TFLite: products bring their own word in
either format, and both read the same features (the TFLite runtime, ai-edge-litert, is
imported only for a `.tflite` word). Explicit paths only: nothing here can download.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Callable, Sequence

import numpy as np

from voicebox.audio.convert import reason
from voicebox.audio.onnx import open_session
from voicebox.errors import ModelError
from voicebox.models import ModelStore
from voicebox.wake.features import Features
from voicebox.wake.settings import WakeWord

Classifier = tuple[int, Callable[[np.ndarray], float]]
WARMUP_FRAMES = 5  # scores right after a reset come from placeholder features: ignore them (as openWakeWord does)


@dataclass(frozen=True)
class WordModel:
    """A wake word resolved to a file: `name` as reported in wake events."""

    name: str
    path: Path
    threshold: float
    patience: int
    fix: str  # how to repair a missing or broken file


def resolve_words(store: ModelStore, words: Sequence[WakeWord]) -> list[WordModel]:
    """Manifest ids -> files in the model store; custom paths as they are (profile-relative already)."""
    resolved: list[WordModel] = []
    for word in words:
        if word.model in store.manifest.models:
            path = _model_file(store.require(word.model), word.model)
            fix = f"voicebox models pull --force {word.model}"
            default = re.sub(r"^wake-", "", word.model).replace("-", "_")
        else:
            path = Path(word.model)
            fix = "point wake.words.model at an openWakeWord .onnx or .tflite file"
            default = re.sub(r"_v\d+(\.\d+)*$", "", path.stem)
            if not path.is_file():
                raise ModelError(f"wake word model {path}: no such file; fix: {fix}")
        name = word.name or default
        if any(r.name == name for r in resolved):
            name = f"{name}_{len(resolved) + 1}"
        resolved.append(WordModel(name, path, word.threshold, word.patience, fix))
    return resolved


def _model_file(directory: Path, model_id: str) -> Path:
    found = sorted(directory.glob("*.onnx")) + sorted(directory.glob("*.tflite"))
    if not found:
        raise ModelError(f"model {model_id}: no .onnx or .tflite file in {directory}; "
                         f"fix: voicebox models pull --force {model_id}")
    return found[0]


class WakeDetector:
    """`scores(frame)` -> {word name: score in [0, 1]} for one 80 ms int16 frame."""

    def __init__(self, store: ModelStore, words: Sequence[WakeWord]) -> None:
        self.store = store
        self.words = resolve_words(store, words)
        self._features: Features | None = None
        self._classifiers: dict[str, Classifier] = {}
        self._warmup = WARMUP_FRAMES

    @property
    def loaded(self) -> bool:
        return self._features is not None

    def load(self) -> float:
        """Open the feature models and every classifier; returns the seconds it took."""
        if self._features is not None:
            return 0.0
        start = time.perf_counter()
        mel = self.store.require("oww-melspectrogram") / "melspectrogram.onnx"
        emb = self.store.require("oww-embedding") / "embedding_model.onnx"
        try:
            features = Features(mel, emb)
        except Exception as err:  # onnxruntime raises its own exception types
            raise ModelError(f"openWakeWord feature models: cannot load ({reason(err)}); "
                             "fix: voicebox models pull --force oww-melspectrogram oww-embedding") from None
        self._classifiers = {w.name: _classifier(w) for w in self.words}
        self._features = features
        self._warmup = WARMUP_FRAMES
        return time.perf_counter() - start

    def unload(self) -> None:
        self._features = None
        self._classifiers = {}

    def reset(self) -> None:
        """Forget the audio heard so far (after voicebox's own speech, or a new stream)."""
        if self._features is not None:
            self._features.reset()
        self._warmup = WARMUP_FRAMES

    def scores(self, frame: np.ndarray) -> dict[str, float]:
        self.load()
        self._features(frame)
        if self._warmup > 0:
            self._warmup -= 1
            return {name: 0.0 for name in self._classifiers}
        return {name: run(self._features.get_features(frames))
                for name, (frames, run) in self._classifiers.items()}


def _classifier(word: WordModel) -> Classifier:
    """(embeddings it reads, function from (1, n, 96) embeddings to the score), for ONNX or TFLite."""
    try:
        if word.path.suffix == ".tflite":
            return _tflite(word.path)
        session = open_session(word.path)
    except ModelError:
        raise
    except Exception as err:  # onnxruntime / tflite raise their own exception types
        raise ModelError(f"wake word {word.name}: cannot load {word.path} ({reason(err)}); fix: {word.fix}") from None
    model_input = session.get_inputs()[0]
    return int(model_input.shape[1]), lambda x: float(session.run(None, {model_input.name: x})[0].reshape(-1)[0])


def _tflite(path: Path) -> Classifier:
    runtime = _tflite_runtime(path)
    # no default delegate: XNNPACK buys nothing on a 16x96 classifier and prints an INFO line on stderr
    resolver = runtime.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES
    interpreter = runtime.Interpreter(model_path=str(path), num_threads=1, experimental_op_resolver_type=resolver)
    interpreter.allocate_tensors()
    model_input = interpreter.get_input_details()[0]
    input_index = model_input["index"]
    output_index = interpreter.get_output_details()[0]["index"]

    def run(x: np.ndarray) -> float:
        interpreter.set_tensor(input_index, x)
        interpreter.invoke()
        return float(interpreter.get_tensor(output_index).reshape(-1)[0])
    return int(model_input["shape"][1]), run


def _tflite_runtime(path: Path) -> ModuleType:
    """ai-edge-litert's interpreter module (Google's TFLite runtime), else tflite-runtime's where it works."""
    try:
        from ai_edge_litert import interpreter
        return interpreter
    except ImportError:
        pass
    # tflite-runtime (last release 2.14, pulled in by openwakeword) is built for NumPy 1: on NumPy 2 it
    # imports but fails to create an interpreter, so it is only a fallback beside NumPy 1
    if int(np.__version__.split(".")[0]) < 2:
        try:
            from tflite_runtime import interpreter
            return interpreter
        except ImportError:
            pass
    raise ModelError(f"wake word {path}: a .tflite model needs a TFLite runtime "
                     "(fix: pip install ai-edge-litert, or use the word's .onnx file)")
