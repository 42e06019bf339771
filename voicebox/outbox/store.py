"""The durable queue: items and their per-sink delivery state in one SQLite file (WAL mode).

Every item gets a sequence number, a unique id and a timestamp, and one `deliveries` row per
configured sink (pending → delivered, or failed when a sink refused it for good). A commit is
fsynced (`synchronous=FULL`), so an item that `put` returned survives kill -9 and power loss.
One Store is one connection: use one per thread.
"""
from __future__ import annotations

import json
import re
import secrets
import sqlite3
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

from voicebox.errors import BadInputError
from voicebox.outbox.base import Envelope, OutboxError

SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    seq  INTEGER PRIMARY KEY AUTOINCREMENT,
    id   TEXT NOT NULL UNIQUE,
    ts   REAL NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
    sink     TEXT NOT NULL,
    seq      INTEGER NOT NULL REFERENCES items(seq) ON DELETE CASCADE,
    state    TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    error    TEXT,
    done_ts  REAL,
    PRIMARY KEY (sink, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS deliveries_by_state ON deliveries (state, sink, seq);
PRAGMA user_version = 1;
"""
STATES = ("pending", "delivered", "failed")


@dataclass(frozen=True)
class Row:
    """One delivery of one item, as `voicebox outbox list` shows it."""

    seq: int
    id: str
    ts: float
    kind: str
    sink: str
    state: str
    attempts: int
    error: str | None


def new_id(now: float) -> str:
    """A UUIDv7: 48 bits of milliseconds then random bits: ordered by time to the millisecond,
    unique without coordination (`seq` gives the exact order)."""
    ms = int(now * 1000) & ((1 << 48) - 1)
    rand = secrets.randbits(74)
    value = ms << 80 | 0x7 << 76 | (rand >> 62) << 64 | 0b10 << 62 | (rand & ((1 << 62) - 1))
    return str(uuid.UUID(int=value))


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="milliseconds")[:-6] + "Z"


class Store:
    """One connection to the outbox database at `path` (created, with its folder, if missing)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0,
                                      check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.execute("PRAGMA foreign_keys=ON")
            if self.db.execute("PRAGMA user_version").fetchone()[0] == 0:
                self.db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as err:
            raise OutboxError(f"cannot open the outbox {self.path}: {err}") from None

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def _tx(self, what: str) -> Iterator[sqlite3.Connection]:
        """One write transaction; any SQLite failure becomes an OutboxError naming `what`."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
        except sqlite3.Error as err:
            raise OutboxError(f"outbox {self.path}: cannot {what}: {err}") from None

    def _read(self, sql: str, args: Sequence[Any] = ()) -> list[tuple]:
        try:
            return self.db.execute(sql, args).fetchall()
        except sqlite3.Error as err:
            raise OutboxError(f"outbox {self.path}: cannot read: {err}") from None

    def put(self, items: Sequence[Mapping[str, Any]], header: Mapping[str, Any],
            sinks: Iterable[str], meta: Mapping[str, Any] | None = None) -> list[Envelope]:
        """Queue `items` for `sinks` in one fsynced transaction; the envelopes carry `header`."""
        sinks = list(sinks)
        now = time.time()
        rows = [(new_id(now), _kind(item, i), item) for i, item in enumerate(items)]
        out = []
        with self._tx("queue items") as db:
            for item_id, kind, item in rows:
                seq = db.execute("INSERT INTO items (id, ts, kind, body) VALUES (?, ?, ?, '')",
                                 (item_id, now, kind)).lastrowid
                body = {"id": item_id, "seq": seq, "ts": iso(now), **header, "item": item}
                if meta:
                    body["meta"] = meta
                text = _dumps(body)
                db.execute("UPDATE items SET body = ? WHERE seq = ?", (text, seq))
                db.executemany("INSERT INTO deliveries (sink, seq) VALUES (?, ?)",
                               [(s, seq) for s in sinks])
                out.append(Envelope(seq, item_id, kind, text))
        return out

    def next_batch(self, sink: str, limit: int) -> list[Envelope]:
        """The oldest pending envelopes of `sink`, in order."""
        rows = self._read("SELECT i.seq, i.id, i.kind, i.body FROM deliveries d JOIN items i "
                          "ON i.seq = d.seq WHERE d.state = 'pending' AND d.sink = ? "
                          "ORDER BY d.seq LIMIT ?", (sink, limit))
        return [Envelope(*r) for r in rows]

    def delivered(self, sink: str, seqs: Sequence[int]) -> None:
        now = time.time()
        with self._tx("record deliveries") as db:
            db.executemany("UPDATE deliveries SET state = 'delivered', attempts = attempts + 1, "
                           "error = NULL, done_ts = ? WHERE sink = ? AND seq = ?",
                           [(now, sink, s) for s in seqs])

    def failed(self, sink: str, seq: int, error: str, final: bool) -> None:
        """Count a failed attempt; `final` (the sink refused the item) takes it out of the queue."""
        state = "failed" if final else "pending"
        with self._tx("record a failure") as db:
            db.execute("UPDATE deliveries SET state = ?, attempts = attempts + 1, error = ?, "
                       "done_ts = ? WHERE sink = ? AND seq = ?",
                       (state, error, time.time() if final else None, sink, seq))

    def pending(self, sinks: Sequence[str]) -> int:
        """How many deliveries to `sinks` are still queued."""
        marks = ",".join("?" * len(sinks))
        return self._read("SELECT count(*) FROM deliveries WHERE state = 'pending' "
                          f"AND sink IN ({marks})", list(sinks))[0][0]

    def counts(self) -> dict[str, dict[str, int]]:
        """{sink: {state: deliveries}} for every sink that has deliveries."""
        out: dict[str, dict[str, int]] = {}
        for sink, state, n in self._read("SELECT sink, state, count(*) FROM deliveries "
                                         "GROUP BY sink, state"):
            out.setdefault(sink, dict.fromkeys(STATES, 0))[state] = n
        return out

    def rows(self, state: str | None = None, sink: str | None = None,
             limit: int = 50) -> list[Row]:
        """Deliveries, oldest first, optionally of one state and one sink."""
        sql = ("SELECT i.seq, i.id, i.ts, i.kind, d.sink, d.state, d.attempts, d.error "
               "FROM deliveries d JOIN items i ON i.seq = d.seq WHERE 1")
        args: list[Any] = []
        if state:
            sql, args = sql + " AND d.state = ?", args + [state]
        if sink:
            sql, args = sql + " AND d.sink = ?", args + [sink]
        return [Row(*r) for r in self._read(sql + " ORDER BY d.seq, d.sink LIMIT ?", args + [limit])]

    def body(self, item_id: str) -> str | None:
        rows = self._read("SELECT body FROM items WHERE id = ?", (item_id,))
        return rows[0][0] if rows else None

    def retry(self, sink: str | None = None, item_id: str | None = None) -> int:
        """Put failed deliveries back in the queue; returns how many."""
        sql = "UPDATE deliveries SET state = 'pending', done_ts = NULL WHERE state = 'failed'"
        args: list[Any] = []
        if sink:
            sql, args = sql + " AND sink = ?", args + [sink]
        if item_id:
            sql, args = sql + " AND seq = (SELECT seq FROM items WHERE id = ?)", args + [item_id]
        with self._tx("re-queue failed deliveries") as db:
            return db.execute(sql, args).rowcount

    def purge(self, states: Sequence[str], before: float, sink: str | None = None) -> int:
        """Drop deliveries in `states` finished before `before`, then items left with none."""
        marks = ",".join("?" * len(states))
        sql = (f"DELETE FROM deliveries WHERE state IN ({marks}) "
               "AND coalesce(done_ts, (SELECT ts FROM items WHERE items.seq = deliveries.seq)) < ?")
        args: list[Any] = [*states, before]
        if sink:
            sql, args = sql + " AND sink = ?", args + [sink]
        with self._tx("purge") as db:
            db.execute(sql, args)
            return db.execute("DELETE FROM items WHERE ts < ? AND seq NOT IN "
                              "(SELECT seq FROM deliveries)", (before,)).rowcount


_KIND = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def _kind(item: Any, index: int) -> str:
    """The item's kind, which becomes part of MQTT topics, so no '/', '+' or '#'."""
    kind = item.get("kind") if isinstance(item, Mapping) else None
    if not isinstance(kind, str) or not _KIND.match(kind):
        raise BadInputError(f"item {index} is not a JSON object with a \"kind\" word "
                            f"(letters, digits, _ . -): {item!r:.80}")
    return kind


def _dumps(body: Mapping[str, Any]) -> str:
    try:
        return json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as err:
        raise BadInputError(f"item {body['id']} cannot be sent as JSON: {err}") from None
