"""`voicebox parse` as contract §3 says: one object for a text, JSON Lines for stdin, exit codes
(2 one line, 3 naming the pull before any input is read, 130 on Ctrl-C)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

CONTRACT_KEYS = ["text", "items", "reply", "path", "elapsed_ms"]


def voicebox(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "voicebox", *args], input=stdin,
                          capture_output=True, timeout=120)


def test_single_text_prints_one_contract_object():
    out = voicebox("parse", "--profile", "power_line", "--no-llm", "十二号塔右侧瓷瓶裂了，比较严重")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.decode().splitlines()
    assert len(lines) == 1
    obj = json.loads(lines[0])
    assert list(obj) == CONTRACT_KEYS
    assert obj["path"] == "rules" and obj["elapsed_ms"] >= 0
    assert obj["items"][0]["component"] == "insulator" and obj["items"][0]["asset"] == {"type": "tower", "id": "12"}
    assert obj["reply"] == "已记录：12号塔右侧绝缘子裂纹，严重程度高。"


def test_stdin_batch_keeps_order_and_reports_a_bad_line_without_losing_the_others():
    lines = [b"take off", "悬停，拍张照".encode(), b"\xff\xfe not utf-8", b"", b"land"]
    out = voicebox("parse", "--profile", "drone", "--no-llm", stdin=b"\n".join(lines) + b"\n")
    assert out.returncode == 2
    assert b"could not be parsed" in out.stderr and len(out.stderr.decode().strip().splitlines()) == 1
    objs = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert len(objs) == 5
    assert [[i["action"] for i in o["items"]] for o in objs] == [
        ["take_off"], ["hover", "capture_photo"], [], [], ["land"]]
    assert "error" in objs[2] and objs[2]["path"] == "none"
    assert objs[3]["path"] == "none" and objs[3]["reply"] is None
    assert all(list(o)[:5] == CONTRACT_KEYS for o in objs)


def test_unknown_profile_and_overlong_text_are_bad_input():
    out = voicebox("parse", "--profile", "no_such_profile", "hello")
    assert out.returncode == 2 and out.stderr.decode().startswith("voicebox: no profile")
    out = voicebox("parse", "--no-llm", "x" * 3000)
    assert out.returncode == 2 and b"longer than" in out.stderr


def test_a_second_text_or_an_unknown_option_is_one_line_exit_2_naming_the_commands_help():
    for extra in (["two", "texts"], ["--no-llm", "hello", "--bogus"]):
        out = voicebox("parse", *extra)
        assert out.returncode == 2 and out.stdout == b""
        assert out.stderr.decode().count("\n") == 1 and out.stderr.decode().endswith(
            "(see `voicebox parse --help`)\n"), out.stderr


def test_templates_only_parse_does_not_import_the_llm_runtime():
    code = ("import sys, io, contextlib; from voicebox.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    main(['parse', '--profile', 'smart_home', 'turn on the kitchen lights'])\n"
            "print('llama_cpp' in sys.modules, 'voicebox.nlu.llm' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    assert out.stdout.decode().split() == ["False", "False"], out.stderr


def test_a_language_the_profile_does_not_speak_is_one_line_exit_2_as_in_run():
    out = voicebox("parse", "--no-llm", "--lang", "fr", "turn on the light")
    assert out.returncode == 2 and out.stdout == b""
    assert out.stderr.decode() == "voicebox: --lang fr: profile smart_home speaks en, zh\n"
    assert voicebox("parse", "--no-llm", "--lang", "zh", "开灯").returncode == 0


def test_a_text_argument_that_is_not_utf8_is_one_line_exit_2_as_a_stdin_line_is():
    out = subprocess.run([sys.executable, "-m", "voicebox", "parse", "--no-llm", b"on \xff x"],
                         capture_output=True, timeout=120)
    assert out.returncode == 2 and out.stdout == b""
    assert out.stderr.decode() == "voicebox: text is not valid UTF-8\n"


def test_a_byte_order_mark_at_the_start_of_stdin_is_not_text():
    out = voicebox("parse", "--no-llm", stdin="\ufeffturn on the kitchen light\nturn it off\n".encode())
    assert out.returncode == 0, out.stderr
    first, second = (json.loads(line) for line in out.stdout.decode().splitlines())
    assert first["text"] == "turn on the kitchen light" and first["items"][0]["target"] == "kitchen"
    assert second["text"] == "turn it off"


def _models_with_llm(tmp_path, store) -> tuple[dict, Path]:
    """A models directory whose LLM file is a link to the real one (replace it to damage it)."""
    gguf = next((store.root / "gemma3-270m-q4km").glob("*.gguf"))
    home = tmp_path / "models" / "gemma3-270m-q4km"
    home.mkdir(parents=True)
    (home / gguf.name).symlink_to(gguf)
    return {**os.environ, "VOICEBOX_MODELS": str(tmp_path / "models")}, home / gguf.name


def _damage(path: Path) -> None:
    path.unlink()
    path.write_bytes(b"GGUF" + bytes(1000))


def test_a_damaged_llm_model_is_exit_3_before_any_input_is_read(tmp_path, store):
    env, gguf = _models_with_llm(tmp_path, store)
    _damage(gguf)
    out = subprocess.run([sys.executable, "-m", "voicebox", "parse"], input=b"turn on the kitchen light\n",
                         capture_output=True, timeout=120, env=env)
    assert out.returncode == 3 and out.stdout == b""
    err = out.stderr.decode()
    assert err.count("\n") == 1 and err.startswith("voicebox: model gemma3-270m-q4km corrupt")
    assert err.endswith("fix: voicebox models pull gemma3-270m-q4km\n")
    templates = subprocess.run([sys.executable, "-m", "voicebox", "parse", "--no-llm"],
                               input=b"turn on the kitchen light\n", capture_output=True, timeout=120, env=env)
    assert templates.returncode == 0 and json.loads(templates.stdout)["path"] == "rules"


def test_the_llm_failing_mid_run_loses_no_line(tmp_path, store):
    env, gguf = _models_with_llm(tmp_path, store)
    proc = subprocess.Popen([sys.executable, "-m", "voicebox", "parse"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    proc.stdin.write(b"turn on the kitchen light\n")
    proc.stdin.flush()
    first = json.loads(proc.stdout.readline())  # the model was checked at start; now it breaks
    _damage(gguf)
    out, err = proc.communicate(b"could you maybe make the place a bit cosier\nturn off the kitchen light\n",
                                timeout=120)
    assert proc.returncode == 3, err
    assert err.decode().count("\n") == 1 and "voicebox models pull gemma3-270m-q4km" in err.decode()
    second, third = (json.loads(line) for line in out.decode().splitlines())
    assert first["items"][0]["action"] == "turn_on" and "error" not in first
    assert second["error"].startswith("line 2: model gemma3-270m-q4km corrupt")
    assert second["error"].endswith("templates only from this line on") and second["path"] != "llm"
    assert third["items"][0]["action"] == "turn_off" and "error" not in third


def test_ctrl_c_while_waiting_on_stdin_is_exit_130_and_one_line():
    for _ in range(3):  # the signal and the end of input arrive together (Ctrl-C on a pipeline)
        proc = subprocess.Popen([sys.executable, "-m", "voicebox", "parse", "--no-llm"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        proc.stdin.write(b"turn on the kitchen light\n")
        proc.stdin.flush()
        assert json.loads(proc.stdout.readline())["path"] == "rules"
        time.sleep(0.05)  # parse is waiting on the next line
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        assert (proc.returncode, err, out) == (130, b"voicebox: interrupted\n", b"")
