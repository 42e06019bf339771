"""Benchmark of the outbox with a real Mosquitto broker on 127.0.0.1 (figures, never asserts).

    .venv/bin/python tools/bench_outbox.py [--items 500] [--outage-items 300] [--outage-s 10]

1. broker up: items put one at a time, paced; latency from put() returning to the
   subscriber receiving the item (p50/p95/max), and the cost of a durable put();
2. broker outage: the broker is stopped (SIGTERM), items are put during the outage, the
   broker restarts; items produced during it, delivered after it, duplicates, gaps, drain time;
3. kill -9: `voicebox outbox deliver` is killed mid-delivery and restarted with --drain;
   items accepted, delivered, duplicates, gaps.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from test_sinks_mqtt import Broker, Subscriber, defect  # noqa: E402  (the tests' broker helper)

from voicebox.outbox import Delivery, Outbox  # noqa: E402
from voicebox.outbox.settings import MqttSink as MqttSettings  # noqa: E402
from voicebox.outbox.sinks.mqtt_sink import MqttSink  # noqa: E402
from voicebox.outbox.store import Store  # noqa: E402


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def gaps_and_dups(envelopes: list[dict], total: int) -> tuple[int, int, bool]:
    first = list(dict.fromkeys(e["seq"] for e in envelopes))
    missing = total - len(set(first) & set(range(1, total + 1)))
    return missing, len(envelopes) - len(first), first == sorted(first)


def open_outbox(work: Path, port: int, settings: Delivery) -> Outbox:
    sink = MqttSink(MqttSettings(host="127.0.0.1", port=port, timeout_s=5.0), "bench-robot", "power_line")
    return Outbox.open(work / "outbox.sqlite", [sink], device="bench-robot", profile="power_line",
                       settings=settings, on_error=lambda e: None)


def latency(work: Path, items: int, gap_s: float) -> None:
    broker = Broker(work / "b1").start()
    sub = Subscriber(broker.port)
    outbox = open_outbox(work / "b1", broker.port, Delivery())
    outbox.start()
    put_at, put_ms = {}, []
    for n in range(items):
        start = time.monotonic()
        [item_id] = outbox.put([defect(n)])
        put_at[item_id] = time.monotonic()
        put_ms.append((put_at[item_id] - start) * 1000)
        time.sleep(gap_s)
    sub.wait(lambda s: len(s.envelopes()) >= items, 60)
    with sub.lock:
        got = {json.loads(m[1])["id"]: m[4] for m in sub.messages if not m[0].endswith("/status")}
    lat = [(got[i] - t) * 1000 for i, t in put_at.items() if i in got]
    start = time.monotonic()
    burst = [i for _ in range(10) for i in outbox.put([defect(k) for k in range(100)])]
    outbox.wait_idle(60)
    burst_s = time.monotonic() - start
    outbox.close()
    sub.close()
    broker.stop()
    print(f"broker up, {items} items put one at a time every {gap_s * 1000:.0f} ms:")
    print(f"  delivered            {len(lat)}/{items}")
    print(f"  latency put→received p50 {pct(lat, 50):.1f} ms, p95 {pct(lat, 95):.1f} ms, "
          f"max {max(lat):.1f} ms")
    print(f"  durable put()        p50 {pct(put_ms, 50):.2f} ms, p95 {pct(put_ms, 95):.2f} ms")
    print(f"  burst of {len(burst)} items (10 puts of 100): queued and delivered in {burst_s:.2f} s "
          f"({len(burst) / burst_s:.0f} items/s)")


def outage(work: Path, before: int, during: int, outage_s: float, retry_max: float) -> None:
    broker = Broker(work / "b2").start()
    sub = Subscriber(broker.port)
    outbox = open_outbox(work / "b2", broker.port, Delivery(retry_min_s=0.5, retry_max_s=retry_max))
    outbox.start()
    for n in range(before):
        outbox.put([defect(n)])
    outbox.wait_idle(30)
    broker.stop()
    down_at = time.monotonic()
    put_ms = []
    for n in range(during):
        start = time.monotonic()
        outbox.put([defect(before + n)])
        put_ms.append((time.monotonic() - start) * 1000)
        time.sleep(outage_s / during)
    pending = outbox.pending()
    broker.start()
    up_at = time.monotonic()
    outbox.wait_idle(600)
    drained = time.monotonic() - up_at
    total = before + during
    sub.wait(lambda s: len({e["seq"] for e in s.envelopes()}) >= total, 60)
    outbox.close()
    sub.close()
    broker.stop()
    envelopes = sub.envelopes()
    after = len({e["seq"] for e in envelopes if e["seq"] > before})
    missing, dups, ordered = gaps_and_dups(envelopes, total)
    print(f"\nbroker outage of {up_at - down_at:.1f} s (retry backoff 0.5 s … {retry_max:g} s):")
    print(f"  produced during the outage   {during} (put() p95 {pct(put_ms, 95):.2f} ms while down; "
          f"{pending} pending at restart)")
    print(f"  delivered after the restart  {after}, all within {drained:.2f} s of it")
    early = len([e for e in envelopes if e["seq"] <= before]) - before
    print(f"  duplicates {dups} ({early} of items delivered before the outage, which the broker "
          f"re-sent to the subscriber on restart), gaps {missing}, first arrivals in order: {ordered}")


def kill9(work: Path, lines: int, per_line: int) -> None:
    broker = Broker(work / "b3").start()
    sub = Subscriber(broker.port)
    profile = work / "robot.toml"
    profile.write_text(f'[profile]\nname = "power_line"\n[delivery]\ndevice_id = "bench-robot"\n'
                       f'retry_min_s = 0.1\nretry_max_s = 1\n[delivery.mqtt]\nhost = "127.0.0.1"\n'
                       f"port = {broker.port}\n")
    cmd = [sys.executable, "-m", "voicebox", "outbox", "deliver", "--profile", str(profile),
           "--outbox", str(work / "kill.sqlite")]
    proc = subprocess.Popen(cmd + ["--input", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    acked: list[str] = []
    threads = _feed_and_read(proc, lines, per_line, acked)
    sub.wait(lambda s: len(s.envelopes()) >= lines * per_line // 5, 60)
    proc.kill()
    proc.wait()
    for t in threads:
        t.join(5)
    arrived = len(sub.envelopes())
    store = Store(work / "kill.sqlite")
    total = store.db.execute("SELECT max(seq) FROM items").fetchone()[0]
    pending = store.pending(["mqtt"])
    store.close()
    start = time.monotonic()
    subprocess.run(cmd + ["--drain", "--timeout", "120"], check=True, capture_output=True)
    restart_s = time.monotonic() - start
    sub.wait(lambda s: len({e["seq"] for e in s.envelopes()}) >= total, 60)
    sub.close()
    broker.stop()
    missing, dups, ordered = gaps_and_dups(sub.envelopes(), total)
    print(f"\nkill -9 of `voicebox outbox deliver` mid-delivery, then a restart with --drain:")
    print(f"  accepted before the kill   {len(acked)} ({total} committed), {arrived} had arrived, "
          f"{pending} pending")
    print(f"  after the restart          all {total - missing} of {total} arrived "
          f"(restart + drain {restart_s:.2f} s)")
    print(f"  duplicates {dups}, gaps {missing}, first arrivals in order: {ordered}")


def _feed_and_read(proc: subprocess.Popen, lines: int, per_line: int,
                   acked: list[str]) -> list[threading.Thread]:
    """Threads that feed `proc` items until it dies and collect the ids it acknowledges."""
    def read() -> None:
        for line in proc.stdout:
            acked.extend(json.loads(line).get("ids", []))

    def feed() -> None:
        try:
            for n in range(lines):
                proc.stdin.write(json.dumps([defect(n * per_line + k) for k in range(per_line)]) + "\n")
                proc.stdin.flush()
        except OSError:
            pass  # the process was killed: that is the point

    threads = [threading.Thread(target=read, daemon=True), threading.Thread(target=feed, daemon=True)]
    for t in threads:
        t.start()
    return threads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=500, help="items for the latency run")
    parser.add_argument("--gap-ms", type=float, default=10.0, help="pause between puts (latency run)")
    parser.add_argument("--outage-items", type=int, default=300, help="items put during the outage")
    parser.add_argument("--outage-s", type=float, default=10.0, help="how long the broker is down")
    parser.add_argument("--retry-max", type=float, default=5.0, help="backoff ceiling in the outage run")
    parser.add_argument("--kill-items", type=int, default=4000, help="items fed before kill -9")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-outbox-") as tmp:
        work = Path(tmp)
        latency(work, args.items, args.gap_ms / 1000)
        outage(work, 50, args.outage_items, args.outage_s, args.retry_max)
        kill9(work, args.kill_items // 10, 10)


if __name__ == "__main__":
    main()
