"""`voicebox outbox list|retry|purge|deliver`: inspect and drive the delivery outbox.

`deliver` runs the outbox as the pipeline does: it queues the items read from `--input`
(JSON Lines: an item, a list of items, or a `voicebox parse` result per line), delivers them
to the profile's sinks, and writes one JSON event per line on stdout (`queued`, `error`).
"""
from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator, TextIO

from voicebox import profile as profiles
from voicebox.errors import BadInputError, UsageError, VoiceboxError
from voicebox.models import default_store
from voicebox.outbox import DeliveryError, Outbox, OutboxError, outbox_path
from voicebox.outbox.settings import Delivery
from voicebox.outbox.store import STATES, Store, iso


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("outbox", help="inspect, retry, purge or run the delivery outbox")
    cmds = parser.add_subparsers(dest="outbox_command", required=True, metavar="ACTION",
                                 parser_class=type(parser))
    where = argparse.ArgumentParser(add_help=False)
    where.add_argument("--profile", help="profile whose [delivery] section to use")
    where.add_argument("--outbox", type=Path, metavar="PATH",
                       help="outbox database (default: the profile's, else $VOICEBOX_DATA/outbox.sqlite)")
    ls = cmds.add_parser("list", parents=[where], help="deliveries per sink, and the undelivered ones")
    ls.add_argument("--state", choices=[*STATES, "all"], help="rows to show (default: pending and failed)")
    ls.add_argument("--sink", help="only this sink")
    ls.add_argument("--limit", type=int, default=50, help="at most this many rows (default 50)")
    ls.add_argument("--json", action="store_true", help="one JSON object per row")
    ls.set_defaults(func=run_list)
    retry = cmds.add_parser("retry", parents=[where], help="queue failed deliveries again")
    retry.add_argument("--sink", help="only this sink")
    retry.add_argument("--id", dest="item_id", help="only this item id")
    retry.set_defaults(func=run_retry)
    purge = cmds.add_parser("purge", parents=[where], help="forget delivered (or failed) items")
    purge.add_argument("--older-than", type=float, default=0.0, metavar="DAYS",
                       help="only deliveries finished more than DAYS ago (default 0)")
    purge.add_argument("--failed", action="store_true", help="also forget failed deliveries")
    purge.add_argument("--pending", action="store_true",
                       help="also drop undelivered items of --sink (a sink that was removed)")
    purge.add_argument("--sink", help="only this sink")
    purge.set_defaults(func=run_purge)
    deliver = cmds.add_parser("deliver", parents=[where],
                              help="queue items from --input and deliver them to the profile's sinks")
    deliver.add_argument("--input", metavar="FILE|-", help="JSON Lines of items to queue first")
    deliver.add_argument("--drain", action="store_true",
                         help="exit once the input has ended and nothing is pending")
    deliver.add_argument("--timeout", type=float, metavar="S", help="with --drain: give up after S s")
    deliver.set_defaults(func=run_deliver)


def _delivery(args: argparse.Namespace) -> tuple[Delivery, profiles.Profile | None]:
    if not args.profile:
        return Delivery(), None
    prof = profiles.load(args.profile, default_store().manifest)
    return prof.delivery, prof


def _existing_store(args: argparse.Namespace) -> Store:
    path = outbox_path(_delivery(args)[0], args.outbox)
    if not path.is_file():
        raise OutboxError(f"no outbox at {path} (nothing queued yet; --outbox PATH or --profile "
                          "NAME points at another)")
    return Store(path)


def run_list(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    store = _existing_store(args)
    try:
        state = None if args.state == "all" else args.state
        states = [state] if args.state else ["pending", "failed"]
        rows = [r for s in states for r in store.rows(s, args.sink, args.limit)]
        rows = sorted(rows, key=lambda r: (r.seq, r.sink))[: args.limit]
        if args.json:
            for r in rows:
                print(json.dumps({**r.__dict__, "ts": iso(r.ts)}, ensure_ascii=False))
            return 0
        _print_counts(store)
        print(f"\n{'/'.join(s or 'all' for s in states)} deliveries, oldest first:" if rows else
              f"\nno {'/'.join(s or 'all' for s in states)} deliveries")
        for r in rows:
            when = datetime.fromtimestamp(r.ts).strftime("%Y-%m-%d %H:%M:%S")
            print(f"  {r.seq:>6}  {r.id}  {when}  {r.kind:15} {r.sink:8} {r.state:9} "
                  f"tries {r.attempts}" + (f"  {r.error}" if r.error else ""))
    finally:
        store.close()
    return 0


def _print_counts(store: Store) -> None:
    print(f"outbox {store.path}")
    counts = store.counts()
    print(f"  {'sink':10} {'pending':>8} {'delivered':>10} {'failed':>7}")
    for sink, n in sorted(counts.items()):
        print(f"  {sink:10} {n['pending']:>8} {n['delivered']:>10} {n['failed']:>7}")
    if not counts:
        print("  (no deliveries)")


def run_retry(args: argparse.Namespace) -> int:
    store = _existing_store(args)
    try:
        if args.item_id and store.body(args.item_id) is None:
            raise BadInputError(f"no item {args.item_id!r} in the outbox {store.path}")
        count = store.retry(args.sink, args.item_id)
    finally:
        store.close()
    print(f"{count} failed deliveries queued again (a running `voicebox run` or "
          "`voicebox outbox deliver` picks them up within a second)")
    return 0


def run_purge(args: argparse.Namespace) -> int:
    if args.pending and not args.sink:
        raise UsageError("--pending drops undelivered items, so it needs --sink NAME")
    if args.older_than < 0:
        raise UsageError("--older-than must not be negative")
    states = ["delivered"] + ["failed"] * args.failed + ["pending"] * args.pending
    store = _existing_store(args)
    try:
        count = store.purge(states, time.time() - args.older_than * 86400, args.sink)
    finally:
        store.close()
    print(f"purged {count} items ({', '.join(states)} deliveries"
          f"{' to ' + args.sink if args.sink else ''})")
    return 0


def run_deliver(args: argparse.Namespace) -> int:
    if not args.profile:
        raise UsageError("outbox deliver needs --profile NAME (its [delivery] section names the sinks)")
    if args.timeout is not None and not args.drain:
        raise UsageError("--timeout only applies with --drain")
    _, prof = _delivery(args)
    assert prof is not None
    out = _Events(sys.stdout)
    outbox = Outbox.from_profile(prof, args.outbox, on_error=out.error)
    if not outbox.sinks:
        outbox.close(0)
        raise UsageError(f"profile {prof.name} has no sink: add a [delivery.mqtt], "
                         "[delivery.webhook], [delivery.serial] or [delivery.file] table")
    previous = signal.signal(signal.SIGTERM, _interrupt)
    outbox.start()
    try:
        if args.input:
            for items, meta, where in _read_items(args.input):
                try:
                    ids = outbox.put(items, meta)
                except BadInputError as err:
                    raise BadInputError(f"{where}: {err}") from None
                out.emit({"type": "queued", "ids": ids})
        if not args.drain:
            threading.Event().wait()  # until SIGINT or SIGTERM
        if not outbox.wait_idle(args.timeout if args.timeout is not None else float("inf")):
            raise VoiceboxError(f"{outbox.pending()} deliveries still pending after {args.timeout:g} s; "
                                f"they stay in the outbox {outbox.path}")
    finally:
        outbox.close(flush_s=0)
        signal.signal(signal.SIGTERM, previous)
    return 0


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt  # unwinds through `finally`, so the sinks close cleanly


class _Events:
    """JSON lines on stdout, written whole even when worker threads report at the same time."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.lock = threading.Lock()

    def emit(self, event: dict[str, Any]) -> None:
        with self.lock:
            self.stream.write(json.dumps(event, ensure_ascii=False) + "\n")
            self.stream.flush()

    def error(self, err: DeliveryError) -> None:
        self.emit({"type": "error", "stage": "deliver", "code": err.code, "sink": err.sink,
                   "retry": err.retry, "message": str(err)})


def _read_items(source: str) -> Iterator[tuple[list[Any], dict[str, Any] | None, str]]:
    """(items, meta, where) per input line; a bad line stops with BadInputError naming it."""
    name = "stdin" if source == "-" else source
    try:
        stream = sys.stdin if source == "-" else open(source, encoding="utf-8")
    except OSError as err:
        raise BadInputError(f"cannot read {source}: {err.strerror or err}") from None
    with stream:
        for number, line in enumerate(stream, 1):
            if line.strip():
                where = f"{name} line {number}"
                yield *_parse_line(line, where), where


def _parse_line(line: str, where: str) -> tuple[list[Any], dict[str, Any] | None]:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as err:
        raise BadInputError(f"{where}: not JSON: {err.msg}") from None
    if isinstance(data, list):
        return data, None
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        meta = data.get("meta")
        if meta is None and isinstance(data.get("text"), str):
            meta = {"text": data["text"]}
        if meta is not None and not isinstance(meta, dict):
            raise BadInputError(f"{where}: \"meta\" must be a JSON object")
        return data["items"], meta
    if isinstance(data, dict) and "kind" in data:
        return [data], None
    raise BadInputError(f"{where}: expected an item, a list of items or an object with \"items\"")
