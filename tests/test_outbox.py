"""The outbox on a real SQLite file: durable puts, per-sink order, retries, refusals, reporting.

The worker's orchestration is tested through the Sink protocol with a scripted sink (the only
fake); the file sink and the CLI are tested for real.
"""
from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass, field

import pytest

from voicebox.errors import BadInputError
from voicebox.outbox import Delivery, DeliveryError, Outbox, OutboxError, Sent
from voicebox.outbox.settings import FileSink as FileSettings
from voicebox.outbox.sinks.file_sink import FileSink
from voicebox.outbox.store import Store

DEFECT = {"kind": "defect_report", "component": "insulator", "defect": "crack",
          "asset": {"type": "tower", "id": "12"}, "position": None, "severity": "high",
          "confidence": 0.92}
FAST = Delivery(retry_min_s=0.02, retry_max_s=0.05)


def item(n: int, kind: str = "defect_report") -> dict:
    return {**DEFECT, "kind": kind, "asset": {"type": "tower", "id": str(n)}}


@dataclass
class Scripted:
    """A Sink whose answers are scripted per attempt: 'ok', 'down', 'refuse', or 'block'."""

    name: str = "scripted"
    script: list[str] = field(default_factory=list)
    got: list[int] = field(default_factory=list)
    opens: int = 0
    release: threading.Event = field(default_factory=threading.Event)

    def open(self) -> None:
        self.opens += 1

    def send(self, batch):
        answer = self.script.pop(0) if self.script else "ok"
        if answer == "block":
            self.release.wait(10)
        if answer == "down":
            return Sent(0, DeliveryError("scripted: down", code="unreachable"))
        if answer == "refuse":
            return Sent(0, DeliveryError("scripted: 422", code="rejected", retry=False))
        self.got.extend(e.seq for e in batch)
        return Sent(len(batch))

    def close(self) -> None:
        pass


def wait_for(check, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.01)


def test_put_is_on_disk_with_ids_timestamps_and_envelopes(tmp_path):
    path = tmp_path / "o.sqlite"
    outbox = Outbox.open(path, [Scripted()], device="tower-robot-7", profile="power_line")
    ids = outbox.put([item(1), item(2, "query")], {"text": "tower one insulator cracked"})
    # another connection (another process after a crash) sees the committed items
    db = sqlite3.connect(path)
    rows = db.execute("SELECT seq, id, kind, body FROM items ORDER BY seq").fetchall()
    assert [r[1] for r in rows] == ids and [r[2] for r in rows] == ["defect_report", "query"]
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    body = json.loads(rows[0][3])
    assert body["id"] == ids[0] and body["seq"] == rows[0][0] and body["device"] == "tower-robot-7"
    assert body["profile"] == "power_line" and body["item"] == item(1)
    assert body["meta"] == {"text": "tower one insulator cracked"} and body["ts"].endswith("Z")
    assert uuid.UUID(ids[0]).version == 7 and len(set(ids)) == 2
    assert outbox.pending() == 2
    outbox.close()


@pytest.mark.parametrize("bad", [[{"no": "kind"}], ["text"], [{"kind": "a/b"}],
                                 [DEFECT, {"kind": "query", "value": float("nan")}]])
def test_bad_items_are_refused_whole(tmp_path, bad):
    outbox = Outbox.open(tmp_path / "o.sqlite", [Scripted()], device="d")
    with pytest.raises(BadInputError):
        outbox.put(bad)
    assert outbox.pending() == 0
    outbox.close()


def test_retries_in_order_and_reports_an_outage_once(tmp_path):
    sink = Scripted(script=["down"] * 5)
    errors: list[DeliveryError] = []
    outbox = Outbox.open(tmp_path / "o.sqlite", [sink], device="d", settings=FAST,
                         on_error=errors.append)
    outbox.start()
    outbox.put([item(n) for n in range(3)])
    outbox.put([item(n) for n in range(3, 6)])
    assert outbox.wait_idle(10)
    outbox.close()
    assert sink.got == [1, 2, 3, 4, 5, 6] and sink.opens == 6
    assert [(e.code, e.sink, e.retry) for e in errors] == [("unreachable", "scripted", True)]
    rows = Store(tmp_path / "o.sqlite").rows("delivered")
    assert rows[0].attempts == 6 and rows[0].error is None


def test_a_refused_item_is_reported_failed_and_skipped_then_retried(tmp_path):
    sink = Scripted(script=["ok", "refuse"])
    errors: list[DeliveryError] = []
    path = tmp_path / "o.sqlite"
    outbox = Outbox.open(path, [sink], device="d", settings=Delivery(batch=1),
                         on_error=errors.append)
    outbox.start()
    ids = outbox.put([item(n) for n in range(3)])
    assert outbox.wait_idle(10)
    assert sink.got == [1, 3]
    assert [(e.code, e.retry) for e in errors] == [("rejected", False)]
    failed = Store(path).rows("failed")
    assert [(r.id, r.error) for r in failed] == [(ids[1], "rejected: scripted: 422")]
    assert Store(path).retry(sink="scripted") == 1
    wait_for(lambda: sink.got == [1, 3, 2])  # picked up by the idle poll
    outbox.close()


def test_a_stuck_sink_never_blocks_put_or_other_sinks(tmp_path):
    stuck, fine = Scripted(name="stuck", script=["block"]), Scripted(name="fine")
    outbox = Outbox.open(tmp_path / "o.sqlite", [stuck, fine], device="d")
    outbox.start()
    outbox.put([item(1)])
    wait_for(lambda: fine.got == [1])
    ids = outbox.put([item(2), item(3)])  # returns although `stuck` is inside send()
    assert len(ids) == 2
    wait_for(lambda: fine.got == [1, 2, 3])
    assert outbox.pending() == 3 and not stuck.got
    stuck.release.set()
    assert outbox.wait_idle(10)
    assert stuck.got == [1, 2, 3]
    outbox.close()


def test_close_flushes_and_pending_items_survive_a_restart(tmp_path):
    path = tmp_path / "o.sqlite"
    first = Outbox.open(path, [Scripted(script=["down"] * 1000)], device="d", settings=FAST)
    first.start()
    ids = first.put([item(n) for n in range(4)])
    first.close(flush_s=0.1)
    sink = Scripted()
    second = Outbox.open(path, [sink], device="d")
    second.start()
    second.close(flush_s=10)  # close() delivers what it can before stopping
    assert sink.got == [1, 2, 3, 4]
    assert [r.id for r in Store(path).rows("delivered")] == ids


def test_a_broken_error_callback_does_not_stop_delivery(tmp_path, capsys):
    def boom(err):
        raise RuntimeError("callback bug")
    sink = Scripted(script=["down"])
    outbox = Outbox.open(tmp_path / "o.sqlite", [sink], device="d", settings=FAST, on_error=boom)
    outbox.start()
    outbox.put([item(1)])
    assert outbox.wait_idle(10) and sink.got == [1]
    outbox.close()
    assert "callback bug" in capsys.readouterr().err


def test_delivered_items_are_forgotten_after_keep_days(tmp_path):
    path = tmp_path / "o.sqlite"
    outbox = Outbox.open(path, [Scripted()], device="d", settings=Delivery(keep_days=0))
    outbox.start()
    outbox.put([item(1)])
    assert outbox.wait_idle(10)
    outbox.close()
    Outbox.open(path, [Scripted(script=["down"])], device="d",
                settings=Delivery(keep_days=0)).close()  # housekeeping runs on open
    assert Store(path).counts() == {}


def test_file_sink_appends_whole_json_lines(tmp_path):
    out = tmp_path / "deep" / "items.jsonl"
    outbox = Outbox.open(tmp_path / "o.sqlite", [FileSink(FileSettings(path=str(out)))],
                         device="hub-1", profile="smart_home")
    outbox.start()
    cmd = {"kind": "device_command", "device": "light", "target": "living room light",
           "action": "set", "attribute": "brightness", "value": 50, "unit": "percent",
           "confidence": 0.9}
    ids = outbox.put([cmd, item(2)])
    assert outbox.wait_idle(10)
    outbox.close()
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [e["id"] for e in lines] == ids and lines[0]["item"] == cmd
    assert {e["device"] for e in lines} == {"hub-1"}


def test_file_sink_reports_an_unwritable_path_and_keeps_the_items(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    errors: list[DeliveryError] = []
    sink = FileSink(FileSettings(path=str(blocker / "items.jsonl")))
    outbox = Outbox.open(tmp_path / "o.sqlite", [sink], device="d", settings=FAST,
                         on_error=errors.append)
    outbox.start()
    outbox.put([item(1)])
    wait_for(lambda: errors)
    outbox.close(flush_s=0)
    assert errors[0].code == "io" and str(blocker) in str(errors[0])
    assert Store(tmp_path / "o.sqlite").pending(["file"]) == 1


def test_file_sink_ends_a_line_a_crash_cut_short(tmp_path):
    out = tmp_path / "items.jsonl"
    out.write_bytes(b'{"id":"a","seq":1}\n{"id":"b","se')  # the previous run died mid-write
    outbox = Outbox.open(tmp_path / "o.sqlite", [FileSink(FileSettings(path=str(out)))], device="d")
    outbox.start()
    ids = outbox.put([item(1)])
    assert outbox.wait_idle(10)
    outbox.close()
    lines = out.read_bytes().split(b"\n")
    assert lines[:2] == [b'{"id":"a","seq":1}', b'{"id":"b","se'] and lines[-1] == b""
    assert json.loads(lines[2])["id"] == ids[0]


def test_only_one_deliverer_per_outbox_but_anyone_may_queue(tmp_path):
    path = tmp_path / "o.sqlite"
    sink = Scripted()
    first = Outbox.open(path, [sink], device="d")
    first.start()
    second = Outbox.open(path, [Scripted()], device="d")
    with pytest.raises(OutboxError, match="being delivered by another voicebox process"):
        second.start()
    second.put([item(1)])  # queuing from elsewhere is fine: the running deliverer sends it
    second.close()
    wait_for(lambda: sink.got == [1])
    first.close()
    third = Outbox.open(path, [Scripted()], device="d")
    third.start()  # the lock went with the first deliverer
    third.close()
