"""A `.tflite` wake word, on the real TFLite runtime: the same word as its `.onnx` hears the same things."""
from __future__ import annotations

import sys

import numpy as np
import pytest

from conftest import silence
from voicebox.audio import FRAME, FRAME_S
from voicebox.errors import ModelError
from voicebox.wake.detector import WakeDetector
from voicebox.wake.frontend import FrontEnd, detect_all
from voicebox.wake.settings import Wake, WakeWord

ONNX, TFLITE = "wake-hey-jarvis", "wake-hey-jarvis-tflite"   # openWakeWord's hey_jarvis_v0.1, both formats


@pytest.fixture(scope="module")
def session(speech) -> np.ndarray:
    """Two wake words, a near miss and a command, with pauses: scores low, rising and at the peak."""
    parts = [silence(1.0), speech("Hey Jarvis, turn on the kitchen light.", exact=True), silence(1.5),
             speech("Jar of peas, please. Hey Travis, are you there?", exact=True), silence(1.0),
             speech("Hey, Jarvis! What is the temperature outside?", 1.2, exact=True), silence(1.0)]
    return np.concatenate(parts)


def test_tflite_and_onnx_classifiers_give_the_same_scores(store, session):
    """Both classifiers read the same features on every frame; only the runtime differs."""
    detector = WakeDetector(store, (WakeWord(ONNX), WakeWord(TFLITE)))
    detector.load()
    frames = [detector.scores(session[i:i + FRAME]) for i in range(0, len(session) - FRAME + 1, FRAME)]
    onnx = np.array([s["hey_jarvis"] for s in frames])
    tflite = np.array([s["hey_jarvis_tflite"] for s in frames])
    assert onnx.max() > 0.9   # the word was heard: the comparison covers the whole range of scores
    assert np.abs(onnx - tflite).max() < 1e-4, np.abs(onnx - tflite).max()   # 2e-6 here (float32 kernels)


def test_tflite_and_onnx_words_detect_at_the_same_frames(store, session):
    found = {model: detect_all(FrontEnd(store, Wake(words=(WakeWord(model),))), session)
             for model in (ONNX, TFLITE)}
    assert len(found[ONNX]) == 2 and len(found[TFLITE]) == 2, found
    for by_onnx, by_tflite in zip(found[ONNX], found[TFLITE]):
        assert (by_onnx.name, by_tflite.name) == ("hey_jarvis", "hey_jarvis_tflite")
        assert abs(by_onnx.t - by_tflite.t) <= FRAME_S + 1e-9
        assert by_tflite.score == pytest.approx(by_onnx.score, abs=1e-4)


def test_a_tflite_word_without_a_runtime_is_a_one_line_model_error(store, monkeypatch):
    """With neither ai-edge-litert nor tflite-runtime importable, the error names the install."""
    monkeypatch.setitem(sys.modules, "ai_edge_litert", None)   # None in sys.modules: import fails
    monkeypatch.setitem(sys.modules, "tflite_runtime", None)
    frontend = FrontEnd(store, Wake(words=(WakeWord(TFLITE),)))
    with pytest.raises(ModelError) as err:
        frontend.load()
    message = str(err.value)
    assert "\n" not in message and "hey_jarvis_v0.1.tflite" in message
    assert "pip install ai-edge-litert" in message
