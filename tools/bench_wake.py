"""Benchmark of the always-on front end: false rejects, false accepts, CPU, gated vs ungated.

    nice .venv/bin/python tools/bench_wake.py [--cache out/bench_wake] [--profile smart_home]
                                              [--json FILE] [--live-s 60]

The labelled set (tools/wake_data.py) is synthesised on the first run (a few minutes,
cached). Each clip and stream goes through two front ends with the profile's [wake]
settings, one with the gate and one without (`--no-gate`), in the same process, one after
the other, so the CPU figures are a ratio measured under the same load. Then `voicebox
wake` listens to the silent monitor of a private PulseAudio null sink for `--live-s`
seconds per mode: the CPU of the whole live process. Prints tables; never fails on a figure.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import wake_data  # noqa: E402

from voicebox import profile as profiles  # noqa: E402
from voicebox.models import default_store  # noqa: E402
from voicebox.wake.frontend import FrontEnd, Stats, detect_all  # noqa: E402

MODES = ("ungated", "gated")
QUIET = ("silence (digital zero)", "silence (mic floor, -75 dBFS)", "low noise (-55 dBFS pink)")


def run(fe: FrontEnd, audio: np.ndarray) -> tuple[list, float, Stats]:
    """Detections, CPU seconds and counters of one stream through a freshly reset front end."""
    fe.reset()
    fe.stats = Stats()
    start = time.process_time()
    found = detect_all(fe, audio)
    return found, time.process_time() - start, fe.stats


def bench_negatives(frontends: dict[str, FrontEnd], streams: dict[str, np.ndarray]) -> list[dict]:
    rows = []
    for name, audio in streams.items():
        row = {"category": name, "minutes": len(audio) / wake_data.RATE / 60}
        for mode in MODES:
            found, cpu, stats = run(frontends[mode], audio)
            row[mode] = {"false_accepts": len(found), "cpu_s": cpu, "model_runs": stats.model_runs,
                         "frames": stats.frames, "vad_runs": stats.vad_runs}
            row.setdefault("accepted_at", {})[mode] = [(round(d.t, 2), round(d.score, 3)) for d in found]
        rows.append(row)
        print(f"  {name}: done", file=sys.stderr)
    return rows


def bench_positives(frontends: dict[str, FrontEnd], positives: list, babble: np.ndarray) -> list[dict]:
    trials = []
    for i, positive in enumerate(positives):
        # positives come as (command, rate) in order: rotate the noise by command too, so
        # that every rate meets every noise and the two are not confounded
        kind = wake_data.NOISES[(i + i // len(wake_data.LENGTH_SCALES)) % len(wake_data.NOISES)]
        for snr in wake_data.SNRS:
            audio, start, end = wake_data.mix(positive.audio, snr, kind, seed=1000 + i, babble_from=babble)
            trial = {"text": positive.text, "length_scale": positive.length_scale, "snr": snr,
                     "noise": kind if snr is not None else None}
            for mode in MODES:
                found, _, _ = run(frontends[mode], audio)
                hits = [d for d in found if start <= d.t <= end + 1.0]
                trial[mode] = {"hit": bool(hits), "t_after_start": hits[0].t - start if hits else None,
                               "extra": len(found) - len(hits[:1])}
            trials.append(trial)
    return trials


def bench_live(seconds: float) -> dict[str, dict]:
    """`voicebox wake` on the silent monitor of a private PulseAudio null sink, with and without
    the gate: the whole process's CPU (PortAudio thread and resampling included)."""
    import tempfile

    sys.path.insert(0, str(ROOT / "tests"))
    from pulse import PulseServer
    from test_live import SINK, Listener

    out = {}
    with tempfile.TemporaryDirectory() as tmp, PulseServer(Path(tmp), sinks=(SINK,)) as pulse:
        for mode, args in (("ungated", ("--no-gate",)), ("gated", ())):
            listener = Listener(pulse.env(source=f"{SINK}.monitor"), *args)
            listener.next(listener.err, "ready", 120)
            time.sleep(seconds)
            out[mode] = listener.stop()
    return out


def print_live(live: dict[str, dict]) -> None:
    print("\nLive microphone (PulseAudio null sink monitor, silence), whole `voicebox wake` process")
    print("| mode | audio s | CPU s | CPU s per hour | share of one core |")
    print("|---|---|---|---|---|")
    for mode, summary in live.items():
        per_hour = summary["cpu_s"] / summary["audio_s"] * 3600
        print(f"| {mode} | {summary['audio_s']:.0f} | {summary['cpu_s']:.2f} | {per_hour:.0f} | {per_hour / 36:.2f} % |")


def print_negatives(rows: list[dict]) -> None:
    print("\nNegatives: false accepts and CPU seconds per hour of audio")
    print(f"| {'category':40} | min | FA ungated | FA gated | CPU s/h ungated | CPU s/h gated | gated/ungated "
          "| model runs (gated) |")
    print("|" + "---|" * 8)
    for r in rows + [total(rows, "all negatives"), total([r for r in rows if r["category"] in QUIET],
                                                          "silence + low noise")]:
        u, g = r["ungated"], r["gated"]
        hours = r["minutes"] / 60
        print(f"| {r['category']:40} | {r['minutes']:4.1f} | {u['false_accepts']} | {g['false_accepts']} "
              f"| {u['cpu_s'] / hours:.0f} | {g['cpu_s'] / hours:.0f} | {g['cpu_s'] / u['cpu_s']:.1%} "
              f"| {g['model_runs'] / max(1, g['frames']):.1%} |")
    all_rows = total(rows, "")
    hours = all_rows["minutes"] / 60
    for r in rows:
        if r["accepted_at"]["gated"] or r["accepted_at"]["ungated"]:
            print(f"accepted in {r['category']} at (t, score): {r['accepted_at']}")
    print(f"\nfalse accepts per hour: ungated {all_rows['ungated']['false_accepts'] / hours:.2f}, "
          f"gated {all_rows['gated']['false_accepts'] / hours:.2f} ({all_rows['minutes']:.1f} min of negatives)")


def total(rows: list[dict], name: str) -> dict:
    out = {"category": name, "minutes": sum(r["minutes"] for r in rows)}
    for mode in MODES:
        out[mode] = {k: sum(r[mode][k] for r in rows) for k in rows[0][mode]}
    return out


def print_positives(trials: list[dict]) -> None:
    print("\nPositives: false rejects (%)")
    print("| condition | n | FRR ungated | FRR gated | gate-only misses | detection after speech start |")
    print("|---|---|---|---|---|---|")
    groups = [("clean", lambda t: t["snr"] is None)]
    groups += [(f"{snr} dB SNR", lambda t, s=snr: t["snr"] == s) for snr in wake_data.SNRS if snr]
    groups += [(f"{kind} noise, 10 and 5 dB", lambda t, k=kind: t["noise"] == k and t["snr"] in (10, 5))
               for kind in wake_data.NOISES]
    groups += [(f"rate {ls}", lambda t, s=ls: t["length_scale"] == s) for ls in wake_data.LENGTH_SCALES]
    groups += [("all", lambda t: True)]
    for name, keep in groups:
        chosen = [t for t in trials if keep(t)]
        frr = {m: 100 * sum(not t[m]["hit"] for t in chosen) / len(chosen) for m in MODES}
        only = sum(t["ungated"]["hit"] and not t["gated"]["hit"] for t in chosen)
        delays = [t["gated"]["t_after_start"] for t in chosen if t["gated"]["hit"]]
        print(f"| {name} | {len(chosen)} | {frr['ungated']:.1f} | {frr['gated']:.1f} | {only} "
              f"| {np.mean(delays):.2f} s |")
    extra = {m: sum(t[m]["extra"] for t in trials) for m in MODES}
    print(f"\nsecond detections inside positive clips: ungated {extra['ungated']}, gated {extra['gated']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=ROOT / "out" / "bench_wake")
    parser.add_argument("--profile", default="smart_home")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--live-s", type=float, default=60.0,
                        help="seconds of live listening per mode on a private PulseAudio (0: skip)")
    args = parser.parse_args()
    store = default_store()
    settings = profiles.load(args.profile, store.manifest).wake
    started = time.perf_counter()
    positives, streams = wake_data.load(args.cache)
    print(f"labelled set ready in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    frontends = {"ungated": FrontEnd(store, dataclasses.replace(settings, gate=False)),
                 "gated": FrontEnd(store, dataclasses.replace(settings, gate=True))}
    for fe in frontends.values():
        fe.load()
    rows = bench_negatives(frontends, streams)
    trials = bench_positives(frontends, positives, streams["speech (espeak-ng, 6 accents)"])
    live = bench_live(args.live_s) if args.live_s > 0 else {}
    print(f"front end: {settings}")
    print_negatives(rows)
    print_positives(trials)
    if live:
        print_live(live)
    if args.json:
        args.json.write_text(json.dumps({"negatives": rows, "positives": trials, "live": live}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
