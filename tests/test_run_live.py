"""One full turn of `voicebox run` through the live audio path: PulseAudio null sinks both ways.

The command is played into a null sink whose monitor is voicebox's microphone (PortAudio's
ALSA device "pulse"); voicebox speaks into a second null sink, whose monitor is recorded back.
Real models throughout; the process is stopped with SIGTERM like a service.
"""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import soundfile as sf

from conftest import RATE, silence
from pulse import PulseServer


def _events(path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.endswith("}")]


def _wait_for(path, predicate, timeout: float) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        events = _events(path)
        if any(predicate(e) for e in events):
            return events
        time.sleep(0.2)
    raise AssertionError(f"timed out; events so far: {[e['type'] for e in _events(path)]}")


def test_one_turn_through_pulseaudio_null_sinks(tmp_path, speech):
    said = np.concatenate([silence(1.0), speech("hey jarvis", exact=True), silence(0.3),
                           speech("close the bedroom blinds", exact=True), silence(2.0)])
    sf.write(tmp_path / "said.wav", said, RATE, subtype="PCM_16")
    events_path = tmp_path / "events.jsonl"
    with PulseServer(tmp_path, sinks=("vb_in", "vb_out")) as pulse:
        recording = pulse.record("vb_out.monitor", tmp_path / "heard.wav")
        proc = subprocess.Popen(
            [sys.executable, "-m", "voicebox", "run", "--profile", "smart_home", "--device", "pulse",
             "--output-device", "pulse", "--events", str(events_path)],
            env=pulse.env(source="vb_in.monitor", sink="vb_out"),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            _wait_for(events_path, lambda e: e["type"] == "power" and e["component"] == "wake", 120)
            pulse.play(tmp_path / "said.wav", "vb_in")
            events = _wait_for(events_path, lambda e: e["type"] == "reply", 120)
            reply = next(e for e in events if e["type"] == "reply")
            time.sleep(reply["audio_s"] + 1.5)       # let it play out into the sink
        finally:
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=60)
            heard = recording.stop()
    events = _events(events_path)
    assert proc.returncode == 0, err.decode()
    assert [e["type"] for e in events][-1] == "stopped" and events[-1]["reason"] == "SIGTERM"
    assert not [e for e in events if e["type"] == "error"], err.decode()
    items = next(e for e in events if e["type"] == "items")["items"]
    assert [(i["device"], i["action"]) for i in items] == [("cover", "close")]
    # what the sink played back: the reply's length of voice, well above the null sink's silence
    audio, rate = sf.read(heard, dtype="int16")
    frame = rate // 50
    loud = np.abs(audio[: len(audio) // frame * frame].reshape(-1, frame).astype(np.int32)).max(axis=1) > 1000
    assert loud.sum() / 50 == pytest.approx(reply["audio_s"], rel=0.35)
