"""Benchmark of the always-on front end: false rejects, false accepts, CPU, gated vs ungated.

    nice .venv/bin/python tools/bench_wake.py [--cache out/bench_wake] [--profile smart_home]
                                              [--json FILE] [--live-s 60]

The labelled set (voicebox/bench/wake_data.py, the full cut) is synthesised on the first
run (a few minutes, cached). Each clip and stream goes through two front ends with the
profile's [wake] settings, one with the gate and one without (`--no-gate`), in the same
process, one after the other, so the CPU figures are a ratio measured under the same load
(the measuring code is voicebox/bench/wake.py, shared with `voicebox bench`). Then `voicebox
wake` listens to the silent monitor of a private PulseAudio null sink for `--live-s`
seconds per mode: the CPU of the whole live process. Prints tables; never fails on a figure.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from voicebox import profile as profiles  # noqa: E402
from voicebox.bench import wake_data  # noqa: E402
from voicebox.bench.progress import Progress  # noqa: E402
from voicebox.bench.wake import MODES, QUIET, frontends, frr_groups, negatives, positives, total  # noqa: E402
from voicebox.models import default_store  # noqa: E402


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


def print_positives(trials: list[dict]) -> None:
    print("\nPositives: false rejects (%)")
    print("| condition | n | FRR ungated | FRR gated | gate-only misses | detection after speech start |")
    print("|---|---|---|---|---|---|")
    for g in frr_groups(trials):
        print(f"| {g['condition']} | {g['n']} | {g['frr_ungated_pct']:.1f} | {g['frr_gated_pct']:.1f} "
              f"| {g['gate_only_misses']} | {g['detection_after_start_s']:.2f} s |")
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
    started, progress = time.perf_counter(), Progress()
    clips, streams = wake_data.load(args.cache, wake_data.FULL, progress.bar)
    print(f"labelled set ready in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    fes = frontends(store, settings)
    rows = negatives(fes, streams, progress.bar)
    trials = positives(fes, clips, streams[wake_data.BABBLE], bar=progress.bar)
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
