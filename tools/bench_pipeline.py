"""Benchmark of the power-managed pipeline (prints figures, never asserts, never fails a build).

    nice .venv/bin/python tools/bench_pipeline.py [--profile smart_home] [--gap 12] [--repeat 2] [--json]

A session of wake word + command turns is synthesised once with Piper (cached in
out/bench/), then `voicebox run`'s pipeline processes it twice, each time in a fresh
process so one run's heap cannot flatter the other: with power management (the profile's
`[power]`) and with everything always loaded. Replies are spoken into a WAV file, so the
first-audio latency includes synthesis. Reported:

- RSS while idle: the median process RSS over idle frames, by what was resident then, and
  the median RSS per state;
- end of speech → items and → first reply audio, p50/p95, per path (rules = fast path, llm),
  as the user experiences it (the endpointer's trailing silence included) and as processing only;
- wake → recogniser ready, and the load/unload times of every component.

The measuring code is voicebox/bench/pipeline.py (`bench(session, cache)`), shared with
`voicebox bench`.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from voicebox.bench.pipeline import COMMANDS, bench, session  # noqa: E402


def report(results: dict) -> None:
    for mode, r in results.items():
        print(f"\n== {mode}: {r['turns']} turns, paths {dict((p, r['paths'].count(p)) for p in set(r['paths']))}, "
              f"{len(r['errors'])} errors")
        for resident, mb in sorted(r["idle_rss_mb"].items()):
            print(f"  RSS idle with [{resident}] resident: {mb} MB")
        for state, spread in r["rss_by_state_mb"].items():
            print(f"  RSS {state:13s} median {spread['median']} MB, max {spread['max']} MB")
        print(f"  wake → recogniser ready: {r['wake_to_ready_ms']}")
        for path, row in sorted(r["latency"].items()):
            for key, value in row.items():
                print(f"  {path:5s} {key:34s} {value}")
        for key, value in r["power_ms"].items():
            print(f"  power {key:28s} {value}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--profile", default="smart_home", choices=sorted(COMMANDS))
    parser.add_argument("--gap", type=float, default=12.0, help="silence after each command (s)")
    parser.add_argument("--repeat", type=int, default=2, help="times the command list is said")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    results = bench(session(args.profile, args.gap, args.repeat), ROOT / "out" / "bench")
    if args.json:
        print(json.dumps(results, indent=1))
    else:
        report(results)


if __name__ == "__main__":
    main()
