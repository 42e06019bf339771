"""kill -9 of a delivering voicebox process, then a restart: every item it had accepted reaches
the real Mosquitto broker, duplicates allowed, never a gap, first arrivals in order.

The process is `voicebox outbox deliver`, which uses the outbox exactly as the pipeline does:
put() each line of items while the worker thread delivers them.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from test_sinks_mqtt import Broker, Subscriber, defect, no_gap_in_order

from voicebox.outbox.store import Store

VOICEBOX = [sys.executable, "-m", "voicebox"]


def write_profile(path: Path, port: int) -> Path:
    path.write_text(f"""
[profile]
name = "power_line"

[delivery]
device_id = "tower-robot-9"
retry_min_s = 0.05
retry_max_s = 0.5

[delivery.mqtt]
host = "127.0.0.1"
port = {port}
""")
    return path


def feed(proc: subprocess.Popen, lines: int, per_line: int) -> None:
    """Write items to the process until it dies (a broken pipe then is the point)."""
    try:
        for n in range(lines):
            batch = [defect(n * per_line + k) for k in range(per_line)]
            proc.stdin.write(json.dumps({"items": batch, "text": f"batch {n}"}) + "\n")
            proc.stdin.flush()
        proc.stdin.close()
    except (BrokenPipeError, OSError):
        pass


def read_acks(proc: subprocess.Popen, acked: list[str]) -> None:
    for line in proc.stdout:
        event = json.loads(line)
        if event["type"] == "queued":
            acked.extend(event["ids"])


def test_kill_9_mid_delivery_and_restart_loses_nothing(tmp_path):
    broker = Broker(tmp_path / "broker").start()
    sub = Subscriber(broker.port)
    status = Subscriber(broker.port, "voicebox/+/status", client_id="status-watch")
    profile = write_profile(tmp_path / "robot.toml", broker.port)
    db = tmp_path / "outbox.sqlite"
    cmd = VOICEBOX + ["outbox", "deliver", "--profile", str(profile), "--outbox", str(db)]
    env = {**os.environ, "VOICEBOX_DATA": str(tmp_path / "data")}
    try:
        proc = subprocess.Popen(cmd + ["--input", "-"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        acked: list[str] = []
        threads = [threading.Thread(target=feed, args=(proc, 400, 10), daemon=True),
                   threading.Thread(target=read_acks, args=(proc, acked), daemon=True)]
        for t in threads:
            t.start()
        assert sub.wait(lambda s: len(s.envelopes()) >= 600, 60), proc.stderr.read()
        proc.kill()  # SIGKILL: no cleanup, no flush, no DISCONNECT
        proc.wait(10)
        for t in threads:
            t.join(10)
        received_before = len(sub.envelopes())
        store = Store(db)
        pending = store.pending(["mqtt"])
        total = store.db.execute("SELECT max(seq) FROM items").fetchone()[0]
        store.close()
        assert pending > 0 and len(acked) > received_before  # killed in the middle of delivery
        assert status.wait(lambda s: s.statuses()[-1:] == ["offline"], 10)  # the last will
        restart = subprocess.run(cmd + ["--drain", "--timeout", "60"], capture_output=True,
                                 text=True, env=env, timeout=90)
        assert restart.returncode == 0 and restart.stderr == ""
        assert sub.wait(lambda s: len({e["id"] for e in s.envelopes()}) >= total, 30)
        envelopes = sub.envelopes()
        assert set(acked) <= {e["id"] for e in envelopes}
        in_order, duplicates = no_gap_in_order(envelopes, list(range(1, total + 1)))
        assert in_order
        print(f"\nkill -9 after {received_before} of {len(acked)} accepted items had arrived "
              f"({pending} pending); after restart all {total} arrived, {duplicates} duplicates")
    finally:
        status.close()
        sub.close()
        broker.stop()
