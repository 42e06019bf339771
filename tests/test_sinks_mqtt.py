"""The MQTT sink against a real Mosquitto broker that the tests start on a free 127.0.0.1 port:
items arrive on voicebox/<device>/<kind> with QoS 1 and retain off; a broker stopped mid-run and
restarted gets every item (duplicates allowed, no gap); bad credentials and TLS are reported.

`Broker` and `Subscriber` are also used by test_outbox_kill.py and tools/bench_outbox.py.
"""
from __future__ import annotations

import getpass
import json
import shutil
import socket
import subprocess
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from paho.mqtt import client as mqtt

from voicebox.outbox import Delivery, DeliveryError, Outbox
from voicebox.outbox.settings import MqttSink as Settings
from voicebox.outbox.sinks.mqtt_sink import MqttSink

MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
FAST = Delivery(retry_min_s=0.05, retry_max_s=0.3)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Broker:
    """A private Mosquitto on 127.0.0.1 with its own generated config, persistence and log."""

    def __init__(self, workdir: Path, extra: str = "", anonymous: bool = True) -> None:
        self.dir = workdir
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.conf = self.dir / "mosquitto.conf"
        self.conf.write_text(
            f"listener {self.port} 127.0.0.1\n"
            f"allow_anonymous {'true' if anonymous else 'false'}\n"
            f"user {getpass.getuser()}\n"  # as root, mosquitto would switch to a user who cannot write here
            f"persistence true\npersistence_location {self.dir}/\n"
            "autosave_interval 1\nmax_queued_messages 100000\nmax_inflight_messages 0\n"
            f"log_dest file {self.dir / 'mosquitto.log'}\n{extra}")
        self.proc: subprocess.Popen | None = None

    def start(self) -> "Broker":
        self.proc = subprocess.Popen([MOSQUITTO, "-c", str(self.conf)], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"mosquitto exited: {self.proc.stderr.read().decode()} {self.log()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.02)
        raise RuntimeError(f"mosquitto did not listen on {self.port}: {self.log()}")

    def stop(self) -> None:
        """SIGTERM: mosquitto saves its persistence file and exits."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        if self.proc and self.proc.stderr:
            self.proc.stderr.close()
        self.proc = None

    def log(self) -> str:
        path = self.dir / "mosquitto.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""


class Subscriber:
    """The maintenance system: a persistent-session QoS 1 subscriber that reconnects by itself.

    The constructor returns once the broker has acknowledged the subscription.
    """

    def __init__(self, port: int, topic: str = "voicebox/#", client_id: str = "maintenance",
                 username: str = "", password: str = "") -> None:
        self.messages: list[tuple[str, bytes, bool, int, float]] = []  # topic, payload, retain, qos, t
        self.lock = threading.Lock()
        subscribed = threading.Event()
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id,
                                  clean_session=False)
        if username:
            self.client.username_pw_set(username, password)
        self.client.reconnect_delay_set(0.05, 0.3)
        self.client.on_connect = lambda c, u, f, rc, p: c.subscribe(topic, qos=1)
        self.client.on_subscribe = lambda c, u, mid, rcs, p: subscribed.set()
        self.client.on_message = self._on_message
        self.client.connect("127.0.0.1", port, keepalive=10)
        self.client.loop_start()
        if not subscribed.wait(10):
            raise RuntimeError(f"no SUBACK from the broker on port {port}")

    def _on_message(self, client, userdata, msg) -> None:
        with self.lock:
            self.messages.append((msg.topic, msg.payload, msg.retain, msg.qos, time.monotonic()))

    def envelopes(self) -> list[dict]:
        with self.lock:
            return [json.loads(m[1]) for m in self.messages if not m[0].endswith("/status")]

    def statuses(self) -> list[str]:
        with self.lock:
            return [m[1].decode() for m in self.messages if m[0].endswith("/status")]

    def wait(self, check, timeout: float = 30.0) -> bool:
        deadline = time.monotonic() + timeout
        while not check(self):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def no_gap_in_order(envelopes: list[dict], seqs: list[int]) -> tuple[bool, int]:
    """(every seq arrived and first arrivals are in order, number of duplicates)."""
    first = list(dict.fromkeys(e["seq"] for e in envelopes))
    return first == sorted(seqs), len(envelopes) - len(first)


@pytest.fixture
def broker(tmp_path):
    b = Broker(tmp_path / "broker").start()
    yield b
    b.stop()


def sink_for(port: int, **overrides) -> MqttSink:
    settings = replace(Settings(host="127.0.0.1", port=port, timeout_s=3.0), **overrides)
    return MqttSink(settings, device="tower-robot-7", profile="power_line")


def defect(n: int) -> dict:
    return {"kind": "defect_report", "component": "insulator", "defect": "crack",
            "asset": {"type": "tower", "id": str(n)}, "position": "left", "severity": "high",
            "confidence": 0.9}


def test_items_arrive_on_device_and_kind_topics_with_qos1_and_no_retain(broker, tmp_path):
    sub = Subscriber(broker.port)
    outbox = Outbox.open(tmp_path / "o.sqlite", [sink_for(broker.port)], device="tower-robot-7",
                         profile="power_line")
    outbox.start()
    query = {"kind": "query", "question": "torque for an M20 bolt?", "topic": "manual",
             "confidence": 1.0}
    ids = outbox.put([defect(12), query], {"text": "tower twelve insulator cracked"})
    assert sub.wait(lambda s: len(s.envelopes()) == 2)
    with sub.lock:
        items = [m for m in sub.messages if not m[0].endswith("/status")]
    assert [m[0] for m in items] == ["voicebox/tower-robot-7/defect_report",
                                     "voicebox/tower-robot-7/query"]
    assert all(m[2] is False and m[3] == 1 for m in items)
    env = sub.envelopes()
    assert [e["id"] for e in env] == ids and env[0]["item"] == defect(12)
    assert env[0]["device"] == "tower-robot-7" and env[0]["meta"]["text"].startswith("tower")
    # the status topic holds a retained `online` for late subscribers
    late = Subscriber(broker.port, "voicebox/+/status", client_id="late")
    assert late.wait(lambda s: s.messages)
    assert late.messages[0][1:3] == (b"online", True)
    outbox.close()
    assert late.wait(lambda s: s.statuses()[-1:] == ["offline"])
    late.close()
    sub.close()


def test_broker_stopped_mid_run_and_restarted_gets_every_item(broker, tmp_path):
    sub = Subscriber(broker.port)
    errors: list[DeliveryError] = []
    outbox = Outbox.open(tmp_path / "o.sqlite", [sink_for(broker.port)], device="tower-robot-7",
                         settings=FAST, on_error=errors.append)
    outbox.start()
    before = [i for n in range(30) for i in outbox.put([defect(n)])]
    assert sub.wait(lambda s: len(s.envelopes()) >= 10)
    broker.stop()
    during = [i for n in range(30, 60) for i in outbox.put([defect(n)])]  # never blocked
    assert outbox.pending() >= 30
    time.sleep(1.0)  # several retries against the dead port
    assert errors and all(e.retry and e.sink == "mqtt" for e in errors)
    assert len(errors) <= 3  # an outage is reported when it starts, not on every retry
    broker.start()
    assert outbox.wait_idle(30)
    assert sub.wait(lambda s: {e["id"] for e in s.envelopes()} >= set(before + during))
    outbox.close()
    sub.close()
    in_order, _ = no_gap_in_order(sub.envelopes(), list(range(1, 61)))
    assert in_order


def test_bad_credentials_are_reported_and_nothing_is_lost(tmp_path, monkeypatch):
    passwd = tmp_path / "passwd"
    subprocess.run(["mosquitto_passwd", "-c", "-b", str(passwd), "robot", "s3cret"], check=True,
                   capture_output=True)
    passwd.chmod(0o600)
    broker = Broker(tmp_path / "broker", f"password_file {passwd}\n", anonymous=False).start()
    sub = Subscriber(broker.port, username="robot", password="s3cret")
    try:
        errors: list[DeliveryError] = []
        path = tmp_path / "o.sqlite"
        wrong = sink_for(broker.port, username="robot", password="guess")
        outbox = Outbox.open(path, [wrong], device="d", settings=FAST, on_error=errors.append)
        outbox.start()
        ids = outbox.put([defect(1), defect(2)])
        assert sub.wait(lambda _: errors, 10)
        assert outbox.pending() == 2
        outbox.close(flush_s=0)
        assert errors[0].code == "auth" and "not authorized" in str(errors[0]).lower()
        # the profile is fixed (password from the environment): the queued items go out
        monkeypatch.setenv("VB_TEST_MQTT_PASSWORD", "s3cret")
        right = sink_for(broker.port, username="robot", password_env="VB_TEST_MQTT_PASSWORD")
        outbox = Outbox.open(path, [right], device="d", settings=FAST)
        outbox.start()
        assert outbox.wait_idle(20)
        outbox.close()
        assert sub.wait(lambda s: len(s.envelopes()) == 2)
        assert [e["id"] for e in sub.envelopes()] == ids
    finally:
        sub.close()
        broker.stop()


def make_ca(folder: Path, name: str) -> tuple[Path, Path]:
    """A throw-away CA (EC P-256, one day) made with the openssl command."""
    key, crt = folder / f"{name}.key", folder / f"{name}.crt"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(key), "-out", str(crt),
                    "-days", "1", "-subj", f"/CN={name}"], check=True, capture_output=True)
    return key, crt


def make_server_cert(folder: Path, ca_key: Path, ca_crt: Path) -> tuple[Path, Path]:
    key, csr, crt, ext = (folder / f"server.{x}" for x in ("key", "csr", "crt", "ext"))
    ext.write_text("subjectAltName=IP:127.0.0.1\n")
    subprocess.run(["openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", str(key), "-out", str(csr), "-subj", "/CN=127.0.0.1"],
                   check=True, capture_output=True)
    subprocess.run(["openssl", "x509", "-req", "-in", str(csr), "-CA", str(ca_crt), "-CAkey",
                    str(ca_key), "-CAcreateserial", "-out", str(crt), "-days", "1", "-extfile",
                    str(ext)], check=True, capture_output=True)
    return key, crt


def test_tls_delivers_to_a_verified_broker_and_reports_an_unknown_ca(tmp_path):
    certs = tmp_path / "certs"
    certs.mkdir()
    ca_key, ca_crt = make_ca(certs, "voicebox-test-ca")
    server_key, server_crt = make_server_cert(certs, ca_key, ca_crt)
    _, other_ca = make_ca(certs, "some-other-ca")
    tls_port = free_port()
    broker = Broker(tmp_path / "broker", f"listener {tls_port} 127.0.0.1\ncafile {ca_crt}\n"
                    f"certfile {server_crt}\nkeyfile {server_key}\n").start()
    sub = Subscriber(broker.port)  # the plain listener of the same broker
    try:
        errors: list[DeliveryError] = []
        path = tmp_path / "o.sqlite"
        untrusted = sink_for(tls_port, tls=True, ca_file=str(other_ca))
        outbox = Outbox.open(path, [untrusted], device="d", settings=FAST, on_error=errors.append)
        outbox.start()
        ids = outbox.put([defect(1)])
        assert sub.wait(lambda _: errors, 10)
        outbox.close(flush_s=0)
        assert errors[0].code == "tls" and "certificate verify failed" in str(errors[0])
        trusted = sink_for(tls_port, tls=True, ca_file=str(ca_crt))
        outbox = Outbox.open(path, [trusted], device="d", settings=FAST)
        outbox.start()
        assert outbox.wait_idle(20)
        outbox.close()
        assert sub.wait(lambda s: [e["id"] for e in s.envelopes()] == ids)
    finally:
        sub.close()
        broker.stop()
