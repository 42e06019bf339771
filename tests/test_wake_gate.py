"""The energy + VAD gate: same detections as without it, far fewer wake model runs in silence."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from conftest import noise, silence
from voicebox.audio.vad import SileroVad
from voicebox.wake.frontend import FrontEnd
from voicebox.wake.gate import Gate, dbfs
from voicebox.wake.settings import Wake

RATE = 16000


def scored_run(store, audio: np.ndarray, gate: bool):
    """Detections, {t: score} of the frames scored as they arrived (the gate open), and the counters."""
    fe = FrontEnd(store, dataclasses.replace(Wake(), gate=gate))
    scores: dict[float, float] = {}
    update = fe.trigger.update
    now = [0.0]

    def record(frame_scores, t):
        if t == now[0]:  # not a backlog frame fed late
            scores[round(t, 2)] = frame_scores["hey_jarvis"]
        return update(frame_scores, t)
    fe.trigger.update = record
    found = []
    for i in range(0, len(audio) - 1279, 1280):
        now[0] = (i + 1280) / RATE
        detection = fe.process(audio[i:i + 1280], now[0])
        found += [detection] if detection else []
    return found, scores, fe.stats


@pytest.fixture(scope="module")
def mixed(speech):
    """Silence, quiet noise, wake words at three rates, other speech: the gate opens and closes often."""
    return np.concatenate([
        silence(3.0), speech("Hey Jarvis, turn on the kitchen light.", 0.8), silence(4.0),
        noise(3.0, level=20), speech("The delivery is late again today.", 1.0), silence(3.5),
        speech("Hey, Jarvis! What time is it?", 1.3), noise(4.0, level=10, seed=3),
        speech("Hey Jarvis", 1.0), silence(2.0)])


def test_gated_and_ungated_detect_the_same(store, mixed):
    gated, gated_scores, stats = scored_run(store, mixed, gate=True)
    ungated, ungated_scores, _ = scored_run(store, mixed, gate=False)
    assert len(ungated) == 3
    assert [(d.name, d.t) for d in gated] == [(d.name, d.t) for d in ungated]
    assert [d.score for d in gated] == pytest.approx([d.score for d in ungated], abs=1e-5)
    # Every frame scored while the gate is open is scored as if the model had run all along
    # (the backlog gave it its history). Only the oldest backlog frames, whose own history
    # reaches into skipped audio, can differ; they are not compared here.
    assert len(gated_scores) > 100
    assert max(abs(ungated_scores[t] - s) for t, s in gated_scores.items()) < 1e-5
    assert stats.gated > stats.frames / 3  # and the gate did keep the model idle for a good part


def test_gate_costs_nothing_in_digital_silence_and_little_in_quiet_noise(store):
    fe = FrontEnd(store, Wake())
    audio = np.concatenate([silence(10.0), noise(10.0, level=10)])  # -70 dBFS: below the energy floor
    for i in range(0, len(audio), 1280):
        assert fe.process(audio[i:i + 1280], (i + 1280) / RATE) is None
    assert fe.stats.frames == 250 and fe.stats.gated == 250
    assert fe.stats.model_runs == 0 and fe.stats.vad_runs == 0


def test_gate_lets_speech_through_and_holds_after_it(store, speech):
    vad = SileroVad(store)
    gate = Gate(vad, floor_dbfs=-60.0, vad_threshold=0.5, hold_s=0.4)
    audio = np.concatenate([speech("Please open the garage door."), silence(1.0)])
    decisions = [gate.is_open(audio[i:i + 1280]) for i in range(0, len(audio) - 1279, 1280)]
    speech_frames = (len(audio) - RATE) // 1280
    assert sum(decisions[:speech_frames]) > 0.6 * speech_frames
    tail = decisions[speech_frames:]
    assert any(tail[:2]) and not any(tail[6:])  # open for the hold time (5 frames), then shut


def test_gate_stays_shut_on_loud_steady_noise(store):
    """Above the energy floor the VAD decides: hum and fan noise are not voices."""
    settings = Wake()
    gate = Gate(SileroVad(store), settings.energy_floor_dbfs, settings.vad_threshold, settings.gate_hold_s)
    t = np.arange(RATE * 5) / RATE
    hum = (3000 * np.sin(2 * np.pi * 50 * t) + noise(5.0, level=300)).astype(np.int16)
    assert dbfs(hum[:1280]) > -30
    opened = [gate.is_open(hum[i:i + 1280]) for i in range(0, len(hum) - 1279, 1280)]
    assert not any(opened)
    assert gate.vad_runs == -(-(len(hum) // 1280) // 2)  # closed: the VAD looks at every other frame


def test_dbfs():
    assert dbfs(np.zeros(1280, np.int16)) == float("-inf")
    full = np.full(1280, 32767, np.int16)
    assert dbfs(full) == pytest.approx(0.0, abs=0.01)
    assert dbfs((full // 10).astype(np.int16)) == pytest.approx(-20.0, abs=0.01)
