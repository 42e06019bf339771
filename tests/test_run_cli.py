"""`voicebox run` as a command: exit codes, one-line errors, signals, events and the replies file."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from conftest import RATE, noise, silence
from voicebox.cli import main

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "voicebox", "run", *args], capture_output=True,
                          text=True, timeout=600, **kw)


def test_bad_usage_and_input_are_one_line_exit_2(tmp_path, capsys):
    assert main(["run", "--input", str(tmp_path / "missing.wav"), "--no-speak"]) == 2
    assert "missing.wav: no such audio file" in capsys.readouterr().err
    (tmp_path / "junk.wav").write_bytes(b"RIFF not really audio")
    assert main(["run", "--input", str(tmp_path / "junk.wav"), "--no-speak"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a readable audio file" in err
    assert main(["run", "--input", str(tmp_path), "--no-speak"]) == 2
    assert capsys.readouterr().err == f"voicebox: {tmp_path}: is a directory, not an audio file\n"
    assert main(["run", "--lang", "fr", "--input", "-"]) == 2
    assert "--lang fr" in capsys.readouterr().err
    assert main(["run", "--speak-to", str(tmp_path / "r.wav"), "--no-speak"]) == 2
    assert main(["run", "--profile", "no_such_profile"]) == 2


def test_outputs_that_cannot_be_written_are_one_line_exit_2_before_the_run_starts(tmp_path, capsys):
    (tmp_path / "a_file").write_text("not a directory")
    cases = [("--speak-to", tmp_path, "is a directory"),
             ("--speak-to", tmp_path / "a_file" / "r.wav", "a_file is not a directory"),
             ("--events", tmp_path / "a_file" / "e.jsonl", "a_file is not a directory")]
    for option, path, reason in cases:
        assert main(["run", "--input", "-", "--no-llm", option, str(path)]) == 2
        out, err = capsys.readouterr()
        assert out == "" and err.count("\n") == 1 and f"{option} {path}: " in err and reason in err


def test_a_wav_of_another_format_on_stdin_is_one_line_exit_2(tmp_path):
    sf.write(tmp_path / "stereo.wav", np.zeros((48000, 2), np.int16), 48000, subtype="PCM_16")
    done = run("--input", "-", "--no-speak", "--no-llm", "--events", str(tmp_path / "events.jsonl"),
               stdin=(tmp_path / "stereo.wav").open("rb"))
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "standard input holds a WAV file of 48000 Hz, 2 channel(s)" in done.stderr


def test_events_to_a_closed_standard_output_is_one_line_exit_2(tmp_path):
    done = subprocess.run([sys.executable, "-m", "voicebox", "run", "--input", "-", "--no-speak", "--no-llm"],
                          stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=120,
                          preexec_fn=lambda: os.close(1))
    assert done.returncode == 2
    assert done.stderr == "voicebox: --events -: no standard output to write to (use --events FILE)\n"


def test_a_missing_model_is_exit_3_naming_the_pull_before_anything_starts(tmp_path):
    empty = tmp_path / "models"
    empty.mkdir()
    done = run("--input", "-", "--no-speak", env={**os.environ, "VOICEBOX_MODELS": str(empty)}, input="")
    assert done.returncode == 3
    assert done.stderr.count("\n") == 1 and "voicebox models pull" in done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize("sig, code", [(signal.SIGTERM, 0), (signal.SIGINT, 130)])
def test_a_signal_stops_cleanly_even_while_waiting_for_audio(tmp_path, sig, code):
    events = tmp_path / "events.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "voicebox", "run", "--input", "-", "--no-speak",
                             "--events", str(events)], stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdin.write(np.zeros(RATE, np.int16).tobytes())   # one second, then nothing more
    proc.stdin.flush()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and '"stopped"' not in _text(events) and '"governor"' not in _text(events):
        time.sleep(0.1)
    time.sleep(0.5)                                        # now blocked reading stdin
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    lines = [json.loads(x) for x in _text(events).splitlines()]
    assert proc.returncode == code, err.decode()
    assert lines[-1]["type"] == "stopped" and lines[-1]["reason"] == sig.name
    assert 0 < lines[-1]["t"] <= 0.97                         # at most the 12 whole frames sent
    unloads = [e["component"] for e in lines if e["type"] == "power" and e["action"] == "unload"]
    assert unloads == ["wake"]
    proc.stdin.close()


def _text(path) -> str:
    return path.read_text() if path.exists() else ""


def test_a_file_session_writes_events_and_the_replies(tmp_path, speech):
    said = np.concatenate([silence(0.8), speech("hey jarvis"), silence(0.3),
                           speech("turn on the living room light"), silence(1.5)])
    sf.write(tmp_path / "said.flac", said, RATE)
    done = run("--input", str(tmp_path / "said.flac"), "--events", "-",
               "--speak-to", str(tmp_path / "replies.wav"))
    assert done.returncode == 0, done.stderr
    events = [json.loads(x) for x in done.stdout.splitlines()]
    types = [e["type"] for e in events if e["type"] != "state"]
    assert types[0] == "started" and types[-1] == "stopped"
    assert all(isinstance(e["t"], (int, float)) for e in events)
    assert {"wake", "transcript", "items", "reply"} <= set(types)
    reply = next(e for e in events if e["type"] == "reply")
    audio, rate = sf.read(tmp_path / "replies.wav", dtype="int16")
    assert len(audio) / rate == pytest.approx(reply["audio_s"], abs=0.05) and np.abs(audio).max() > 1000
    # the end of input came in the follow-up window: it was closed on silence, then everything unloaded
    assert [e["phase"] for e in events if e["type"] == "timeout"] == ["follow_up"]
    resident = {e["component"] for e in events if e["type"] == "power" and e["action"] == "load"}
    unloaded = {e["component"] for e in events if e["type"] == "power" and e["action"] == "unload"}
    assert resident == unloaded


def test_items_go_to_the_outbox_and_sink_errors_are_events_not_a_crash(tmp_path, speech):
    profile = tmp_path / "home.toml"
    profile.write_text((ROOT / "configs" / "smart_home.toml").read_text() + f"""
[delivery]
device_id = "test-hub"
retry_min_s = 0.2
retry_max_s = 0.5

[delivery.file]
path = "{tmp_path / 'items.jsonl'}"

[delivery.webhook]                 # nobody listens on port 9: connection refused
url = "http://127.0.0.1:9/items"
timeout_s = 1
""")
    said = np.concatenate([silence(0.8), speech("hey jarvis", exact=True), silence(0.3),
                           speech("start the vacuum", exact=True), silence(1.5)])
    sf.write(tmp_path / "said.wav", said, RATE)
    done = run("--profile", str(profile), "--input", str(tmp_path / "said.wav"), "--no-speak",
               "--outbox", str(tmp_path / "outbox.sqlite"))
    assert done.returncode == 0, done.stderr
    events = [json.loads(x) for x in done.stdout.splitlines()]
    items = next(e for e in events if e["type"] == "items")["items"]
    queued = next(e for e in events if e["type"] == "delivery")
    assert queued["sinks"] == ["file", "webhook"] and len(queued["ids"]) == len(items) == 1
    delivered = [json.loads(x) for x in (tmp_path / "items.jsonl").read_text().splitlines()]
    assert [(d["id"], d["item"]) for d in delivered] == [(queued["ids"][0], items[0])]
    assert delivered[0]["device"] == "test-hub" and delivered[0]["meta"]["text"]
    errors = [e for e in events if e["type"] == "error"]
    assert errors and {(e["stage"], e["sink"], e["code"]) for e in errors} == {("deliver", "webhook", "unreachable")}
    types = [e["type"] for e in events]          # the outbox may still report while it closes
    assert set(types[types.index("stopped") + 1:]) <= {"error"}


def test_audio_that_breaks_off_is_an_error_event_then_exit_2(tmp_path, speech):
    said = np.concatenate([silence(0.8), speech("hey jarvis", exact=True), silence(0.3),
                           speech("start the vacuum", exact=True), silence(8.0),
                           noise(8.0, level=500)])        # noise: the FLAC has bytes to damage
    sf.write(tmp_path / "said.flac", said, RATE)
    data = bytearray((tmp_path / "said.flac").read_bytes())
    damaged = range(len(data) * 3 // 4, len(data) * 3 // 4 + 4000)
    for i in damaged:
        data[i] = (data[i] * 7 + 13) % 256
    (tmp_path / "damaged.flac").write_bytes(bytes(data))
    done = run("--input", str(tmp_path / "damaged.flac"), "--no-speak", "--no-llm")
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "damaged" in done.stderr
    events = [json.loads(x) for x in done.stdout.splitlines()]
    heard = [e["text"] for e in events if e["type"] == "transcript"]
    assert [[i["device"] for i in e["items"]] for e in events if e["type"] == "items"] == [["vacuum"]], heard
    assert [(e["stage"], e["code"]) for e in events if e["type"] == "error"] == [("audio", "bad_input")]
    assert events[-1]["type"] == "stopped" and events[-1]["reason"] == "input_error"


@pytest.mark.parametrize("celsius, level, asked", [(40, "normal", True), (91, "templates_only", False)])
def test_a_device_at_critical_temperature_answers_without_the_llm(tmp_path, speech, celsius, level, asked):
    zone = tmp_path / "sys" / "class" / "thermal" / "thermal_zone0"
    zone.mkdir(parents=True)
    (zone / "temp").write_text(f"{celsius * 1000}\n")
    profile = tmp_path / "hot.toml"
    profile.write_text((ROOT / "configs" / "smart_home.toml").read_text().replace(
        "[governor]", f'[governor]\nroot = "{tmp_path}"\ninterval_s = 1.0', 1))
    said = np.concatenate([silence(0.8), speech("hey jarvis", exact=True), silence(0.3),
                           speech("get some air moving with the bedroom fan", exact=True), silence(1.5)])
    sf.write(tmp_path / "said.wav", said, RATE)     # no template explains it: a normal device asks the LLM
    done = run("--profile", str(profile), "--input", str(tmp_path / "said.wav"), "--no-speak")
    assert done.returncode == 0, done.stderr
    events = [json.loads(x) for x in done.stdout.splitlines()]
    assert [(g["level"], g["temp_c"]) for g in events if g["type"] == "governor"] == [(level, celsius)]
    paths = [e["path"] for e in events if e["type"] == "items"]
    assert paths in ([["llm"], ["none"]] if asked else [["none"]])
    llm = [e["action"] for e in events if e["type"] == "power" and e["component"] == "llm"]
    assert llm == (["load", "unload"] if asked else [])
