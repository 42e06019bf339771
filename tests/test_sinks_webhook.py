"""The webhook sink against a real HTTP server on 127.0.0.1: 5xx and dead servers are retried,
a 4xx is reported and the item marked failed, timeouts retried, each POST carries its id."""
from __future__ import annotations

import http.server
import json
import socket
import threading
import time

import pytest

from voicebox.outbox import Delivery, DeliveryError, Outbox
from voicebox.outbox.settings import WebhookSink as Settings
from voicebox.outbox.sinks.webhook_sink import WebhookSink
from voicebox.outbox.store import Store

FAST = Delivery(retry_min_s=0.02, retry_max_s=0.1)


class Receiver:
    """A webhook receiver: answers from a script of status codes (then 200) and records posts.

    An answer of 'slow' sleeps past the client's timeout before answering 200.
    """

    def __init__(self, port: int = 0) -> None:
        self.script: list[int | str] = []
        self.posts: list[dict] = []          # every POST, accepted or not
        self.accepted: list[dict] = []       # bodies answered with 2xx
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 (http.server naming)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with receiver.lock:
                    answer = receiver.script.pop(0) if receiver.script else 200
                    receiver.posts.append({"body": body, "headers": dict(self.headers),
                                           "answer": answer})
                if answer == "slow":
                    time.sleep(0.6)
                    answer = 200
                status = 400 if body["item"].get("bad") else int(answer)
                if status < 300:
                    with receiver.lock:
                        receiver.accepted.append(body)
                payload = b'{"error": "unknown asset"}' if status == 400 else b"{}"
                self.send_response(status)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hooks/voicebox"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


def outbox_for(url: str, tmp_path, errors: list, timeout_s: float = 5.0) -> Outbox:
    sink = WebhookSink(Settings(url=url, timeout_s=timeout_s, headers={"Authorization": "Bearer t0k"}))
    return Outbox.open(tmp_path / "o.sqlite", [sink], device="cart-3", profile="ultrasound",
                       settings=FAST, on_error=errors.append)


def query(n: int, **extra) -> dict:
    return {"kind": "query", "question": f"question {n}", "topic": None, "confidence": 1.0, **extra}


def test_5xx_is_retried_until_accepted_in_order(receiver, tmp_path):
    receiver.script = [503, 502, 500]
    errors: list[DeliveryError] = []
    outbox = outbox_for(receiver.url, tmp_path, errors)
    outbox.start()
    ids = outbox.put([query(1), query(2), query(3)])
    assert outbox.wait_idle(20)
    outbox.close()
    assert [p["answer"] for p in receiver.posts] == [503, 502, 500, 200, 200, 200]
    assert [b["id"] for b in receiver.accepted] == ids
    first = receiver.posts[0]
    assert first["headers"]["Idempotency-Key"] == ids[0]
    assert first["headers"]["Authorization"] == "Bearer t0k"
    assert first["headers"]["Content-Type"].startswith("application/json")
    assert {e.code for e in errors} == {"server_error"} and all(e.retry for e in errors)
    assert "HTTP 503" in str(errors[0]) and receiver.url in str(errors[0])


def test_4xx_is_reported_not_retried_and_kept_for_outbox_retry(receiver, tmp_path):
    errors: list[DeliveryError] = []
    outbox = outbox_for(receiver.url, tmp_path, errors)
    outbox.start()
    ids = outbox.put([query(1), query(2, bad=True), query(3)])
    assert outbox.wait_idle(20)
    assert [b["id"] for b in receiver.accepted] == [ids[0], ids[2]]
    assert len(receiver.posts) == 3  # the refused item was posted once
    assert [(e.code, e.retry) for e in errors] == [("rejected", False)]
    assert "HTTP 400" in str(errors[0]) and "unknown asset" in str(errors[0])
    store = Store(tmp_path / "o.sqlite")
    assert [r.id for r in store.rows("failed")] == [ids[1]]
    assert store.retry(item_id=ids[1]) == 1 and store.pending(["webhook"]) == 1
    outbox.close(flush_s=1)
    assert len(receiver.posts) == 4  # retried once more, refused again, kept as failed
    assert [r.id for r in store.rows("failed")] == [ids[1]]


def test_a_dead_server_is_retried_until_it_comes_up(tmp_path):
    with socket.socket() as probe:  # a free port with nobody listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/hook"
    errors: list[DeliveryError] = []
    outbox = outbox_for(url, tmp_path, errors)
    outbox.start()
    ids = outbox.put([query(1), query(2)])
    deadline = time.monotonic() + 10
    while not errors and time.monotonic() < deadline:
        time.sleep(0.01)
    assert errors[0].code == "unreachable" and "cannot connect" in str(errors[0])
    assert outbox.pending() == 2
    server = Receiver(port)
    try:
        assert outbox.wait_idle(20)
        assert [b["id"] for b in server.accepted] == ids
    finally:
        outbox.close()
        server.close()


def test_a_timeout_is_retried_and_the_id_lets_the_receiver_drop_the_duplicate(receiver, tmp_path):
    receiver.script = ["slow"]
    errors: list[DeliveryError] = []
    outbox = outbox_for(receiver.url, tmp_path, errors, timeout_s=0.2)
    outbox.start()
    ids = outbox.put([query(1), query(2)])
    assert outbox.wait_idle(20)
    outbox.close()
    assert errors[0].code == "timeout"
    seen = [b["id"] for b in receiver.accepted]
    assert set(seen) == set(ids) and list(dict.fromkeys(seen)) == ids
