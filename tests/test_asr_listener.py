"""Endpointing and the Listener on synthesised speech with the real VAD and recogniser.

The wake word is real too: Piper says "hey jarvis", openWakeWord detects it, and the
Listener gets the pre-roll up to the detection as its backlog.
"""
from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from conftest import noise, silence
from voicebox.asr import Listener, build_recognizer
from voicebox.asr.endpoint import Endpointer
from voicebox.asr.metrics import wer
from voicebox.asr.sphinx import SphinxRecognizer
from voicebox.asr.vocab import Vocabulary
from voicebox.audio import FRAME, RATE
from voicebox.audio.vad import SileroVad
from voicebox.errors import ModelError
from voicebox.profile import Asr

PHRASES = ["turn on", "turn off", "kitchen light", "living room", "heat", "set", "degrees", "land", "take off",
           "open", "blinds", "lock", "front door", "hover"]
COMMANDS = ("turn on the kitchen light", "take off", "set the heat to twenty degrees", "land",
            "open the blinds", "lock the front door")


def trim(audio: np.ndarray, level: int = 200) -> np.ndarray:
    loud = np.nonzero(np.abs(audio) > level)[0]
    return audio[loud[0]:loud[-1] + 1]


def frames(audio: np.ndarray):
    audio = np.pad(audio, (0, -len(audio) % FRAME))
    return [audio[i:i + FRAME] for i in range(0, len(audio), FRAME)]


@pytest.fixture(scope="module")
def recognizer(store):
    rec = SphinxRecognizer(store.require("pocketsphinx-en-us"),
                           Vocabulary.build(PHRASES, "en", ["hey jarvis"]), Asr())
    yield rec
    rec.unload()


@pytest.fixture
def listener(recognizer, store):
    return lambda **kw: Listener(recognizer, SileroVad(store), Asr(**kw))


def run(listener, audio, t0=0.0, backlog=None):
    """Feed `audio` frame by frame; begin again after each endpoint; all endpoints."""
    listener.begin(np.zeros(0, np.int16) if backlog is None else backlog, t0)
    ends, t = [], t0 + (0 if backlog is None else len(backlog) / RATE)
    for frame in frames(audio):
        t += FRAME / RATE
        end = listener.feed(frame)
        if end is not None:
            ends.append(end)
            listener.begin(np.zeros(0, np.int16), t)
    return ends


def test_endpointer_state_machine():
    e = Endpointer(Asr(silence_ms=400, max_command_s=3.0, no_speech_timeout_s=1.0))
    assert [e.update(p) for p in [0.9, 0.1, 0.9, 0.9, 0.9]] == [None] * 5 and e.hearing
    assert e.speech_start == pytest.approx(0.16)  # the lone voiced frame was a click
    assert [e.update(p) for p in [0.42, 0.1, 0.1, 0.1]] == [None] * 4  # 0.42: hysteresis band
    assert e.update(0.0) == "silence" and e.speech_end == pytest.approx(0.4)
    e.reset()
    assert [e.update(0.0) for _ in range(13)][-1] == "no_speech"
    e.reset()
    assert [e.update(0.9) for _ in range(38)][-1] == "max_length"


def test_commands_split_on_long_pauses_not_short_ones(listener, speech):
    a, b, c = (trim(speech(t)) for t in ("turn on the kitchen light", "set the heat to twenty degrees", "land"))
    audio = np.concatenate([silence(0.4), a, silence(0.25), b, silence(1.2), c, silence(1.0)])
    ends = run(listener(), audio)
    assert [e.reason for e in ends] == ["silence", "silence"]
    first, second = ends
    assert "kitchen" in first.transcript.text and "degrees" in first.transcript.text
    assert second.transcript.text == "land"
    c_start = (0.4 + (len(a) + len(b)) / RATE + 0.25 + 1.2)
    assert first.speech_end < c_start < second.speech_start + 0.1
    assert second.t - second.speech_end == pytest.approx(0.6, abs=0.17)  # silence_ms, frame-rounded
    assert second.transcript.words[0].start == pytest.approx(c_start, abs=0.25)  # stream time


def test_no_speech_and_max_length(listener, speech):
    quiet = run(listener(no_speech_timeout_s=2.0), np.concatenate([noise(3.0, level=100)]))
    assert quiet[0].reason == "no_speech" and quiet[0].t == pytest.approx(2.0, abs=0.09)
    long = np.concatenate([trim(speech("turn on the kitchen light and set the heat to twenty degrees "
                                      "then turn off the living room light"))] * 2)
    capped = run(listener(max_command_s=2.5), long)
    assert capped[0].reason == "max_length" and capped[0].t == pytest.approx(2.5, abs=0.09)
    assert capped[0].transcript.text


def test_first_word_right_after_the_wake_word_is_kept(listener, store, speech, recognizer):
    from openwakeword.model import Model

    oww = Model(wakeword_models=[str(store.require("wake-hey-jarvis") / "hey_jarvis_v0.1.onnx")],
                melspec_model_path=str(store.require("oww-melspectrogram") / "melspectrogram.onnx"),
                embedding_model_path=str(store.require("oww-embedding") / "embedding_model.onnx"),
                inference_framework="onnx")
    wake = trim(speech("Hey Jarvis"))
    kept, pairs = [], []
    for command in COMMANDS:
        stream = np.concatenate([silence(1.0), wake, trim(speech(command)), silence(1.2)])
        oww.reset()
        chunks = frames(stream)
        hit = next(i for i, f in enumerate(chunks) if max(oww.predict(f).values()) >= 0.5)
        detected = (hit + 1) * FRAME / RATE
        t0 = max(0.0, detected - 1.5)  # the runner's pre-roll
        lst = listener()
        recognizer.unload()  # lazy start: the recogniser loads while frames arrive
        lst.begin(stream[int(t0 * RATE):(hit + 1) * FRAME], t0)
        end = next(e for f in chunks[hit + 1:] if (e := lst.feed(f)) is not None)
        assert recognizer.loaded and end.wake_to_ready_s > 0
        assert not {"hey", "jarvis"} & set(end.transcript.text.split()), end.transcript.text
        kept.append(end.transcript.text.split()[:1] == command.split()[:1])
        pairs.append((command, end.transcript.text))
    # Piper varies its prosody per run (tools/bench_asr.py measures the rate over more commands)
    assert sum(kept) >= len(COMMANDS) - 2, pairs
    assert wer(pairs) <= 0.3, pairs


class SlowRecognizer:
    """A protocol-level fake: loads slowly, records every sample it is given."""

    backend, model, language = "fake", "fake", "en"

    def __init__(self, load_s: float, fail: bool = False) -> None:
        self.load_s, self.fail, self.loaded, self.samples = load_s, fail, False, []

    def load(self) -> float:
        time.sleep(self.load_s)
        if self.fail:
            raise ModelError("model fake missing; fix: voicebox models pull fake")
        self.loaded = True
        return self.load_s

    def accept(self, samples):
        self.samples.append(samples.copy())

    def finish(self, wake_end=0.0):
        from voicebox.asr import Transcript
        return Transcript(f"{sum(map(len, self.samples))} samples", final=True)


def test_nothing_is_lost_while_the_recogniser_loads(store, speech):
    fake = SlowRecognizer(load_s=0.4)
    lst = Listener(fake, SileroVad(store), Asr())
    backlog = (np.arange(RATE) % 200).astype(np.int16)
    live = np.concatenate([trim(speech("take off")), silence(1.0)])
    lst.begin(backlog, 5.0)
    assert not fake.loaded and threading.active_count() >= 2
    end = next(e for f in frames(live) if (e := lst.feed(f)) is not None)
    fed = np.concatenate(fake.samples)
    assert np.array_equal(fed[:RATE], backlog)
    assert len(fed) == RATE + (int((end.t - 5.0) * RATE) - RATE)
    assert end.wake_to_ready_s >= 0.4 and end.catch_up_audio_s > 0
    assert fake.loaded  # never unloaded by the Listener


def test_load_failure_reaches_the_caller(store):
    lst = Listener(SlowRecognizer(0.0, fail=True), SileroVad(store), Asr())
    lst.begin(np.zeros(FRAME, np.int16), 0.0)
    time.sleep(0.1)
    with pytest.raises(ModelError, match="models pull"):
        lst.feed(np.zeros(FRAME, np.int16))


def test_factory_builds_a_biased_pocketsphinx_recogniser(store, tmp_path):
    from voicebox import profile as profiles

    path = tmp_path / "p.toml"
    path.write_text('[profile]\nname = "p"\nlanguages = ["en", "ko", "zh"]\n'
                    '[asr.models]\nko = "vosk-ko-small"\nzh = "vosk-cn-small"\n')
    prof = profiles.load(str(path), store.manifest)
    rec = build_recognizer(prof, store, "en", ["turn on"])
    assert (rec.backend, rec.model) == ("pocketsphinx", "pocketsphinx-en-us")
    assert "hey jarvis" in rec.vocabulary.wake
    assert build_recognizer(prof, store, "ko").backend == "vosk"
    with pytest.raises(ModelError, match="voicebox models pull vosk-cn-small"):
        build_recognizer(prof, store, "zh")
