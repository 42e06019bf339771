"""`voicebox outbox list|retry|purge|deliver` and the [delivery] profile section: real files,
real SQLite, a real HTTP receiver; misconfiguration and bad input give one line and exit 2."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from test_sinks_webhook import Receiver

from voicebox import profile as profiles
from voicebox.cli import main
from voicebox.errors import ConfigError
from voicebox.models import default_store
from voicebox.outbox import Outbox, outbox_path
from voicebox.outbox.store import Store

ITEM = {"kind": "defect_report", "component": "damper", "defect": "loose",
        "asset": {"type": "span", "id": "4"}, "position": None, "severity": "low",
        "confidence": 0.8}


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("VOICEBOX_DATA", str(tmp_path / "data"))


def profile(tmp_path, delivery: str, name: str = "p.toml"):
    path = tmp_path / name
    path.write_text(f'[profile]\nname = "power_line"\n\n[delivery]\ndevice_id = "robot-1"\n'
                    f"retry_min_s = 0.05\nretry_max_s = 0.2\n{delivery}\n")
    return path


def voicebox(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "voicebox", *args], input=stdin,
                          capture_output=True, text=True, timeout=60)


def test_deliver_from_stdin_to_a_file_then_list_and_purge(tmp_path, capsys):
    out = tmp_path / "items.jsonl"
    prof = profile(tmp_path, f'[delivery.file]\npath = "{out}"')
    parse_result = {"text": "span four damper loose", "items": [ITEM], "reply": None,
                    "path": "rules", "elapsed_ms": 3}
    result = voicebox("outbox", "deliver", "--profile", str(prof), "--input", "-", "--drain",
                      stdin=json.dumps(parse_result) + "\n\n" + json.dumps([ITEM, ITEM]) + "\n")
    assert result.returncode == 0 and result.stderr == ""
    events = [json.loads(line) for line in result.stdout.splitlines()]
    ids = [i for e in events for i in e["ids"]]
    assert [e["type"] for e in events] == ["queued", "queued"] and len(ids) == 3
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [e["id"] for e in lines] == ids and lines[0]["meta"] == {"text": "span four damper loose"}
    assert main(["outbox", "list", "--profile", str(prof), "--state", "all", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["id"], r["state"], r["sink"]) for r in rows] == [(i, "delivered", "file") for i in ids]
    assert main(["outbox", "purge", "--profile", str(prof)]) == 0
    assert "purged 3 items" in capsys.readouterr().out
    assert Store(tmp_path / "data" / "outbox.sqlite").counts() == {}


def test_a_bad_input_line_stops_with_exit_2_but_keeps_what_was_accepted(tmp_path):
    out = tmp_path / "items.jsonl"
    prof = profile(tmp_path, f'[delivery.file]\npath = "{out}"')
    result = voicebox("outbox", "deliver", "--profile", str(prof), "--input", "-", "--drain",
                      stdin=json.dumps(ITEM) + "\n" + '{"kind": 7}\n' + json.dumps(ITEM) + "\n")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("voicebox: stdin line 2: item 0 is not a JSON object")
    accepted = json.loads(result.stdout)["ids"]
    store = Store(tmp_path / "data" / "outbox.sqlite")
    assert [r.id for r in store.rows(None)] == accepted  # line 1 is safe, delivered now or later
    result = voicebox("outbox", "deliver", "--profile", str(prof), "--drain")
    assert result.returncode == 0
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == accepted


def test_failed_webhook_items_are_listed_retried_and_then_delivered(tmp_path, capsys):
    receiver = Receiver()
    receiver.script = [422]
    prof = profile(tmp_path, f'[delivery.webhook]\nurl = "{receiver.url}"\ntimeout_s = 5')
    try:
        result = voicebox("outbox", "deliver", "--profile", str(prof), "--input", "-", "--drain",
                          stdin=json.dumps(ITEM) + "\n")
        assert result.returncode == 0
        events = [json.loads(line) for line in result.stdout.splitlines()]
        error = events[1]
        assert error["type"] == "error" and error["stage"] == "deliver" and error["sink"] == "webhook"
        assert error["code"] == "rejected" and "HTTP 422" in error["message"]
        assert main(["outbox", "list", "--profile", str(prof)]) == 0
        listing = capsys.readouterr().out
        assert "webhook" in listing and "failed" in listing and "rejected: webhook" in listing
        item_id = events[0]["ids"][0]
        assert main(["outbox", "retry", "--profile", str(prof), "--id", item_id]) == 0
        assert "1 failed deliveries queued again" in capsys.readouterr().out
        assert voicebox("outbox", "deliver", "--profile", str(prof), "--drain").returncode == 0
        assert [b["id"] for b in receiver.accepted] == [item_id]
    finally:
        receiver.close()


def test_drain_timeout_with_a_dead_sink_exits_nonzero_and_keeps_the_items(tmp_path):
    prof = profile(tmp_path, '[delivery.webhook]\nurl = "http://127.0.0.1:9/hook"')
    result = voicebox("outbox", "deliver", "--profile", str(prof), "--input", "-", "--drain",
                      "--timeout", "0.5", stdin=json.dumps(ITEM) + "\n")
    assert result.returncode == 1
    assert result.stderr.strip().endswith("1 deliveries still pending after 0.5 s; they stay in "
                                          f"the outbox {tmp_path / 'data' / 'outbox.sqlite'}")
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert events[1]["code"] == "unreachable" and events[1]["retry"] is True


@pytest.mark.parametrize("args, message", [
    (["outbox", "deliver"], "outbox deliver needs --profile NAME"),
    (["outbox", "list"], "no outbox at"),
    (["outbox", "purge", "--pending"], "--pending drops undelivered items, so it needs --sink"),
    (["outbox", "frobnicate"], "invalid choice"),
])
def test_usage_errors_are_one_line_exit_2(args, message):
    result = voicebox(*args)
    assert result.returncode == 2 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("delivery, key", [
    ('[delivery.mqtt]\nport = 0', "delivery.mqtt.port"),
    ('[delivery.mqtt]\ntopic = "plant/#"', "delivery.mqtt.topic"),
    ('[delivery.mqtt]\ncert_file = "c.pem"\nkey_file = "k.pem"', "delivery.mqtt.tls"),
    ('[delivery.mqtt]\nqos = 2', "delivery.mqtt.qos"),
    ('[delivery.webhook]\nurl = "ftp://x/y"', "delivery.webhook.url"),
    ('[delivery.webhook]\ntimeout_s = 5', "delivery.webhook.url"),
    ('[delivery.serial]\nport = "/dev/ttyUSB0"\nnewline = ";"', "delivery.serial.newline"),
    ('[delivery.fax]\nnumber = "1"', "delivery.fax"),
])
def test_bad_delivery_sections_name_file_and_key(tmp_path, delivery, key):
    path = profile(tmp_path, delivery)
    with pytest.raises(ConfigError) as err:
        profiles.load(str(path), default_store().manifest)
    assert str(path) in str(err.value) and key in str(err.value)


def test_machine_specific_problems_surface_when_the_outbox_opens(tmp_path):
    prof = profile(tmp_path, '[delivery.mqtt]\ntls = true\nca_file = "/nonexistent/ca.crt"')
    result = voicebox("outbox", "deliver", "--profile", str(prof), "--drain")
    assert result.returncode == 2
    assert "delivery.mqtt.ca_file: no such file '/nonexistent/ca.crt'" in result.stderr
    prof = profile(tmp_path, '[delivery.mqtt]\nusername = "u"\npassword_env = "VB_UNSET_VAR_X"')
    result = voicebox("outbox", "deliver", "--profile", str(prof), "--drain")
    assert result.returncode == 2 and "VB_UNSET_VAR_X is not set" in result.stderr


def test_an_outbox_that_is_not_a_database_is_a_clear_error(tmp_path):
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not sqlite" * 100)
    prof = profile(tmp_path, f'[delivery.file]\npath = "{tmp_path / "o.jsonl"}"')
    result = voicebox("outbox", "deliver", "--profile", str(prof), "--outbox", str(junk), "--drain")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"cannot open the outbox {junk}" in result.stderr


def test_outbox_location_precedence(tmp_path, monkeypatch):
    prof = profiles.load(str(profile(tmp_path, '[delivery.file]\npath = "x.jsonl"')),
                         default_store().manifest)
    assert outbox_path(prof.delivery) == tmp_path / "data" / "outbox.sqlite"
    monkeypatch.delenv("VOICEBOX_DATA")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert outbox_path(prof.delivery) == tmp_path / "xdg" / "voicebox" / "outbox.sqlite"
    pinned = profiles.load(str(profile(tmp_path, f'outbox = "{tmp_path / "pinned.sqlite"}"',
                                       "pinned.toml")), default_store().manifest)
    assert outbox_path(pinned.delivery) == tmp_path / "pinned.sqlite"
    assert outbox_path(pinned.delivery, tmp_path / "cli.sqlite") == tmp_path / "cli.sqlite"
    outbox = Outbox.from_profile(prof, tmp_path / "cli.sqlite")
    assert outbox.names == ["file"] and outbox.header == {"device": "robot-1", "profile": "power_line"}
    outbox.close()
