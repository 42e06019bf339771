"""The live path: a private PulseAudio server with a null sink; audio played into the sink is
recorded from its monitor through sounddevice (ALSA's `pulse` device) by `voicebox wake`.

Skips only when PulseAudio cannot start here (`make test` installs it: pulseaudio,
pulseaudio-utils, libasound2-plugins, libportaudio2).
"""
from __future__ import annotations

import json
import os
import queue
import shutil
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

SINK = "voicebox_test"


class Pulse:
    """A PulseAudio server of our own: its socket in a temporary directory, one null sink."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.socket = root / "native"
        self.env = {**os.environ, "PULSE_SERVER": f"unix:{self.socket}", "PULSE_SINK": SINK,
                    "PULSE_SOURCE": f"{SINK}.monitor", "PULSE_RUNTIME_PATH": str(root),
                    "PULSE_STATE_PATH": str(root), "HOME": str(root)}
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.socket.unlink(missing_ok=True)
        self.process = subprocess.Popen(
            ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no",
             "--disable-shm=yes", "-L", f"module-null-sink sink_name={SINK} rate=48000 channels=2",
             "-L", f"module-native-protocol-unix socket={self.socket} auth-anonymous=1"],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.process.stderr.read().decode(errors="replace").strip()[-300:])
            sources = subprocess.run(["pactl", "list", "short", "sources"], env=self.env,
                                     capture_output=True, text=True).stdout
            if f"{SINK}.monitor" in sources:
                return
            time.sleep(0.1)
        raise RuntimeError("no answer on its socket within 10 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def play(self, path: Path) -> None:
        subprocess.run(["paplay", f"--device={SINK}", str(path)], env=self.env, check=True, timeout=60)


@pytest.fixture
def pulse(tmp_path):
    if not shutil.which("pulseaudio") or not shutil.which("paplay"):
        pytest.skip("PulseAudio is not installed (make test installs pulseaudio and pulseaudio-utils)")
    server = Pulse(tmp_path / "pulse")
    server.root.mkdir()
    try:
        server.start()
    except RuntimeError as err:
        server.stop()
        pytest.skip(f"PulseAudio cannot start here: {err}")
    yield server
    server.stop()


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
    listener = Listener(pulse.env)
    try:
        ready = listener.next(listener.err, "ready", 120)
        assert ready["input"] == "MicSource" and ready["device"] == "pulse"
        pulse.play(wake_wav)
        wake = listener.next(listener.out, "wake", 20)
        assert wake["name"] == "hey_jarvis" and wake["score"] >= 0.5
    finally:
        summary = listener.stop()
    assert summary["frames"] > 0 and summary["gated_pct"] > 0  # the monitor's silence was gated


def test_speaker_sink_plays_into_the_sink_and_the_microphone_hears_it(pulse, wake_wav):
    listener = Listener(pulse.env)
    try:
        listener.next(listener.err, "ready", 120)
        player = subprocess.run([sys.executable, "-c", _PLAY, str(wake_wav)], env=pulse.env,
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
    profile.write_text('[profile]\nname = "live"\n\n[audio]\nretry_s = 0.5\nstall_s = 1.0\n')
    listener = Listener(pulse.env, "--profile", str(profile))
    try:
        listener.next(listener.err, "ready", 120)
        pulse.stop()  # the device vanishes mid-stream
        error = listener.next(listener.out, "error", 20)
        assert error["stage"] == "audio" and error["code"] == "audio_device" and "retrying" in error["message"]
        assert listener.process.poll() is None  # reported, not dead
        pulse.start()
        time.sleep(3.0)  # a retry or two later the stream is open again
        pulse.play(wake_wav)
        assert listener.next(listener.out, "wake", 20)["name"] == "hey_jarvis"
    finally:
        listener.stop()
