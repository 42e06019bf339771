"""The live path: a private PulseAudio server with a null sink (tests/pulse.py); audio played
into the sink is recorded from its monitor through sounddevice (ALSA's `pulse` device) by
`voicebox wake`.

Skips only when PulseAudio cannot start here (`make test` installs it: pulseaudio,
pulseaudio-utils, libasound2-plugins, libportaudio2).
"""
from __future__ import annotations

import json
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from conftest import silence
from pulse import PulseServer

SINK = "vb_in"


@pytest.fixture
def pulse(tmp_path):
    with PulseServer(tmp_path, sinks=(SINK,)) as server:
        yield server


def listen_env(server: PulseServer) -> dict:
    return server.env(source=f"{SINK}.monitor", sink=SINK)


class Listener:
    """`voicebox wake --device pulse` in a subprocess, its stdout and stderr read line by line."""

    def __init__(self, env: dict, *args: str) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "voicebox", "wake", "--device", "pulse", *args],
                                        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.out: queue.Queue = queue.Queue()
        self.err: queue.Queue = queue.Queue()
        for stream, q in ((self.process.stdout, self.out), (self.process.stderr, self.err)):
            threading.Thread(target=lambda s=stream, q=q: [q.put(line) for line in s], daemon=True).start()

    def next(self, q: queue.Queue, kind: str, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = q.get(timeout=max(0.05, deadline - time.monotonic()))
            except queue.Empty:
                break
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue
            if event.get("type") == kind:
                return event
        raise AssertionError(f"no {kind!r} line within {timeout} s (exit code {self.process.poll()})")

    def stop(self) -> dict:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(20)
        return self.next(self.err, "summary", 5)


@pytest.fixture
def wake_wav(speech, tmp_path) -> Path:
    audio = np.concatenate([silence(0.5), speech("Hey Jarvis, turn on the kitchen light."), silence(1.0)])
    path = tmp_path / "wake.wav"
    sf.write(path, audio, 16000, subtype="PCM_16")
    return path


def test_wake_word_played_into_the_sink_is_heard_on_its_monitor(pulse, wake_wav):
    listener = Listener(listen_env(pulse))
    try:
        ready = listener.next(listener.err, "ready", 120)
        assert ready["input"] == "microphone" and ready["device"] == "pulse"
        pulse.play(wake_wav, SINK)
        wake = listener.next(listener.out, "wake", 20)
        assert wake["name"] == "hey_jarvis" and wake["score"] >= 0.5
    finally:
        summary = listener.stop()
    assert summary["frames"] > 0 and summary["gated_pct"] > 0  # the monitor's silence was gated


def test_speaker_sink_plays_into_the_sink_and_the_microphone_hears_it(pulse, wake_wav):
    listener = Listener(listen_env(pulse))
    try:
        listener.next(listener.err, "ready", 120)
        player = subprocess.run([sys.executable, "-c", _PLAY, str(wake_wav)], env=listen_env(pulse),
                                capture_output=True, text=True, timeout=60)
        assert player.returncode == 0, player.stderr
        played_s, drained_s = map(float, player.stdout.split())
        assert drained_s >= played_s * 0.9  # drain() returns after the audio has played, not before
        listener.next(listener.out, "wake", 20)
    finally:
        listener.stop()


# Writes the WAV in 0.5 s chunks at 22.05 kHz (as Piper would) and waits for it to play.
_PLAY = """
import sys, time, soundfile as sf, soxr, numpy as np
from voicebox.audio.sinks import SpeakerSink
audio, rate = sf.read(sys.argv[1], dtype="float32")
audio = (soxr.resample(audio, rate, 22050) * 32767).astype(np.int16)
sink = SpeakerSink("pulse")
start = time.monotonic()
for i in range(0, len(audio), 11025):
    sink.write(audio[i:i + 11025], 22050)
sink.drain()
print(len(audio) / 22050, time.monotonic() - start)
sink.close()
"""


def test_microphone_survives_the_sound_server_going_away(pulse, wake_wav, tmp_path):
    profile = tmp_path / "live.toml"
    # a longer microphone block than the default (fewer wake-ups in silence) hears as well
    profile.write_text('[profile]\nname = "live"\n\n[audio]\nretry_s = 0.5\nstall_s = 1.0\nblock_s = 0.16\n')
    listener = Listener(listen_env(pulse), "--profile", str(profile))
    try:
        assert listener.next(listener.err, "ready", 120)["block_s"] == 0.16
        pulse.__exit__()  # the device vanishes mid-stream
        error = listener.next(listener.out, "error", 20)
        assert error["stage"] == "audio" and error["code"] == "audio_device" and "retrying" in error["message"]
        assert listener.process.poll() is None  # reported, not dead
        pulse.__enter__()
        time.sleep(3.0)  # a retry or two later the stream is open again
        pulse.play(wake_wav, SINK)
        assert listener.next(listener.out, "wake", 20)["name"] == "hey_jarvis"
    finally:
        listener.stop()
