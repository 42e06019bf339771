"""A private PulseAudio server with null sinks, for tests of the live audio path.

    with PulseServer(tmp_path, sinks=("vb_in", "vb_out")) as pulse:
        env = pulse.env(source="vb_in.monitor", sink="vb_out")   # for the process under test
        recorder = pulse.record("vb_out.monitor", tmp_path / "heard.wav")
        pulse.play(tmp_path / "said.wav", "vb_in")               # blocks while it plays
        recorder.stop()

The server runs as a child of the test with its own runtime directory and socket, so it
neither needs nor disturbs a desktop session or another test's server. A client reaches it
through PULSE_SERVER; PortAudio's ALSA device "pulse" (libasound2-plugins) then records from
PULSE_SOURCE and plays to PULSE_SINK. Tests skip, with the reason, only when PulseAudio is not
installed or cannot start here (`make test` installs it: Makefile APT_PKGS).
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest


class PulseServer:
    def __init__(self, root: Path, sinks: tuple[str, ...] = ("vb_in", "vb_out"), rate: int = 16000) -> None:
        self.root = Path(root) / "pulse"
        self.socket = self.root / "native"
        self.sinks, self.rate = sinks, rate
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> "PulseServer":
        missing = [tool for tool in ("pulseaudio", "pactl", "paplay", "parecord") if not shutil.which(tool)]
        if missing:
            pytest.skip(f"PulseAudio is not installed ({', '.join(missing)} missing; `make test` installs it)")
        (self.root / "runtime").mkdir(parents=True, exist_ok=True)
        (self.root / "home").mkdir(exist_ok=True)
        # The sinks before the socket: a client that connects (or reconnects, after a restart)
        # while PULSE_SOURCE does not exist yet is put on a fallback source and stays there.
        loads = [f"--load=module-null-sink sink_name={s} rate={self.rate} channels=1" for s in self.sinks]
        loads += [f"--load=module-native-protocol-unix auth-anonymous=1 socket={self.socket}"]
        self.proc = subprocess.Popen(
            ["pulseaudio", "--daemonize=no", "--exit-idle-time=-1", "-n", "--use-pid-file=false",
             "--system=false", "--disable-shm=true", "--log-target=stderr", *loads],
            env=self._server_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode(errors="replace").strip().splitlines()[-1:]
                pytest.skip(f"PulseAudio cannot start here: {' '.join(err)}")
            if self._ctl("info").returncode == 0:
                return self
            time.sleep(0.1)
        self.__exit__()
        pytest.skip("PulseAudio did not answer within 10 s")

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            stop(self.proc, signal.SIGTERM)

    def env(self, source: str | None = None, sink: str | None = None) -> dict[str, str]:
        """The environment of a client process using this server (and these default devices)."""
        env = {**os.environ, "PULSE_SERVER": f"unix:{self.socket}"}
        if source:
            env["PULSE_SOURCE"] = source
        if sink:
            env["PULSE_SINK"] = sink
        return env

    def play(self, wav: Path, sink: str) -> None:
        """Play a WAV file into `sink`, in real time; returns when it has been played."""
        subprocess.run(["paplay", f"--device={sink}", str(wav)], env=self.env(), check=True, timeout=300)

    def record(self, source: str, wav: Path) -> "Recording":
        """Start recording `source` (e.g. "vb_out.monitor") into a WAV file; `.stop()` ends it."""
        proc = subprocess.Popen(["parecord", f"--device={source}", "--file-format=wav", "--channels=1",
                                 f"--rate={self.rate}", "--format=s16le", str(wav)],
                                env=self.env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        return Recording(proc, wav)

    def _server_env(self) -> dict[str, str]:
        runtime = str(self.root / "runtime")
        return {**os.environ, "HOME": str(self.root / "home"), "XDG_RUNTIME_DIR": runtime,
                "PULSE_RUNTIME_PATH": runtime, "PULSE_STATE_PATH": runtime}

    def _ctl(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["pactl", *args], env=self.env(), capture_output=True, timeout=10)


class Recording:
    def __init__(self, proc: subprocess.Popen, path: Path) -> None:
        self.proc, self.path = proc, path

    def stop(self) -> Path:
        """End the recording (parecord writes the WAV header on SIGINT/SIGTERM) and return its path."""
        stop(self.proc, signal.SIGINT)
        return self.path


def stop(proc: subprocess.Popen, sig: int) -> None:
    """Ask a child to end with `sig`; kill it if it has not within 5 s."""
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
