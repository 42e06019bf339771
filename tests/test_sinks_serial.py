"""The serial sink on a real pty pair: one JSON envelope per line, in order; a missing port and
a reader that stops are reported and retried without losing or corrupting an envelope."""
from __future__ import annotations

import json
import os
import select
import time

import pytest

from voicebox.outbox import Delivery, DeliveryError, Outbox
from voicebox.outbox.settings import SerialSink as Settings
from voicebox.outbox.sinks.serial_sink import SerialSink

FAST = Delivery(retry_min_s=0.02, retry_max_s=0.1)


@pytest.fixture
def pty():
    """(master fd, slave device path): the test reads the master like a PLC gateway would."""
    master, slave = os.openpty()
    yield master, os.ttyname(slave)
    os.close(master)
    os.close(slave)


def read_lines(master: int, count: int, timeout: float = 20.0) -> list[bytes]:
    data = b""
    deadline = time.monotonic() + timeout
    while data.count(b"\n") < count and time.monotonic() < deadline:
        if select.select([master], [], [], 0.1)[0]:
            data += os.read(master, 65536)
    return data.split(b"\n")[:-1]


def command(n: int, pad: int = 0) -> dict:
    return {"kind": "device_command", "device": "switch", "target": f"relay {n}",
            "action": "turn_on", "attribute": None, "value": None, "unit": None,
            "confidence": 0.95, "note": "x" * pad}


def test_one_json_envelope_per_line_in_order(pty, tmp_path):
    master, port = pty
    sink = SerialSink(Settings(port=port, baudrate=115200, newline="\r\n"))
    outbox = Outbox.open(tmp_path / "o.sqlite", [sink], device="hub-2", profile="smart_home")
    outbox.start()
    ids = outbox.put([command(n) for n in range(5)])
    lines = read_lines(master, 5)
    assert outbox.wait_idle(10)
    outbox.close()
    assert all(line.endswith(b"\r") for line in lines)
    envelopes = [json.loads(line) for line in lines]
    assert [e["id"] for e in envelopes] == ids
    assert [e["item"]["target"] for e in envelopes] == [f"relay {n}" for n in range(5)]


def test_a_missing_port_is_reported_and_the_items_wait(pty, tmp_path):
    master, port = pty
    errors: list[DeliveryError] = []
    missing = SerialSink(Settings(port=str(tmp_path / "ttyUSB9")))
    outbox = Outbox.open(tmp_path / "o.sqlite", [missing], device="d", settings=FAST,
                         on_error=errors.append)
    outbox.start()
    ids = outbox.put([command(1), command(2)])
    deadline = time.monotonic() + 10
    while not errors and time.monotonic() < deadline:
        time.sleep(0.01)
    outbox.close(flush_s=0)
    assert errors[0].code == "unreachable" and "ttyUSB9" in str(errors[0])
    # the gateway is plugged in (the profile now names the right port): nothing was lost
    outbox = Outbox.open(tmp_path / "o.sqlite", [SerialSink(Settings(port=port))], device="d")
    outbox.start()
    lines = read_lines(master, 2)
    outbox.close()
    assert [json.loads(line)["id"] for line in lines] == ids


def test_a_reader_that_stops_delays_but_never_corrupts(pty, tmp_path):
    master, port = pty
    errors: list[DeliveryError] = []
    sink = SerialSink(Settings(port=port, write_timeout_s=0.2))
    outbox = Outbox.open(tmp_path / "o.sqlite", [sink], device="d", settings=FAST,
                         on_error=errors.append)
    outbox.start()
    ids = outbox.put([command(n, pad=2000) for n in range(40)])  # ~80 kB: more than a pty holds
    deadline = time.monotonic() + 10
    while not errors and time.monotonic() < deadline:
        time.sleep(0.01)
    assert errors and errors[0].code == "timeout" and outbox.pending() > 0
    data = b""  # the reader comes back
    deadline = time.monotonic() + 20
    while (outbox.pending() or select.select([master], [], [], 0.2)[0]) and time.monotonic() < deadline:
        if select.select([master], [], [], 0.05)[0]:
            data += os.read(master, 65536)
    outbox.close()
    lines = [line for line in data.split(b"\n") if line]
    whole = [line for line in lines if line.startswith(b"{") and line.endswith(b"}")]
    assert list(dict.fromkeys(json.loads(line)["id"] for line in whole)) == ids
    for line in set(lines) - set(whole):  # a line cut by a timeout stands alone
        assert any(w.startswith(line) for w in whole)
