"""`voicebox parse` as contract §3 says: one object for a text, JSON Lines for stdin, exit codes."""
from __future__ import annotations

import json
import subprocess
import sys

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
