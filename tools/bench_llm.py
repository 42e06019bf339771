"""Benchmark of the LLM path: speed, warm start, memory, and accuracy of the LLM alone.

    nice python tools/bench_llm.py speed [--profile smart_home] [--runs 5]
    nice python tools/bench_llm.py accuracy [--profile NAME …] [--lang en|zh] [FILE.jsonl …]

`speed` prints prompt and generation tokens/s, load and unload times with the process RSS,
and time to first token from power-up with the prefix evaluated vs restored from its saved
state (fresh processes, alternating, so both ways see the same machine load); the measuring
code is voicebox/bench/llm.py, shared with `voicebox bench`. `accuracy`
runs only the LLM on labelled sets (default tests/data/dev/*.jsonl) with `voicebox eval`'s
matching (voicebox/nlu/evaluate.py: kind plus the expected fields, no missing or extra
items). Figures are printed, never asserted.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from voicebox import profile as profiles  # noqa: E402
from voicebox.bench.llm import speed as measure_speed  # noqa: E402
from voicebox.models import default_store  # noqa: E402
from voicebox.nlu.evaluate import items_match, percentile  # noqa: E402
from voicebox.nlu.llm import LlmParser  # noqa: E402


def accuracy(args) -> None:
    store = default_store()
    files = args.files or sorted((ROOT / "tests/data/dev").glob("*.jsonl"))
    rows = [json.loads(line) for f in files for line in Path(f).read_text().splitlines() if line.strip()]
    rows = [r for r in rows if (not args.profile or r["profile"] in args.profile)
            and (not args.lang or r["lang"] == args.lang)]
    parsers: dict[str, LlmParser] = {}
    score, latency, confident = defaultdict(lambda: [0, 0]), defaultdict(list), []
    for row in rows:
        parser = parsers.get(row["profile"])
        if parser is None:
            for other in parsers.values():
                other.unload()
            parser = parsers[row["profile"]] = LlmParser(store, profiles.load(row["profile"], store.manifest))
            parser.set_threads(args.threads or parser.settings.threads)
            parser.load()
        result = parser.parse(row["text"], row["lang"])
        ok = items_match(row["items"], result.items)
        key = (row["profile"], row["lang"])
        score[key][0] += ok
        score[key][1] += 1
        latency[key].append(result.total_ms)
        confident.append((min((i["confidence"] for i in result.items), default=None), ok, not row["items"]))
        if args.verbose and not ok:
            print(f"  MISS {row['profile']}/{row['lang']}: {row['text']!r} -> {result.raw!r}")
    total = [0, 0]
    for key in sorted(score):
        hit, n = score[key]
        total[0] += hit
        total[1] += n
        p50, p95 = percentile(latency[key], 50), percentile(latency[key], 95)
        print(f"{key[0]:<11} {key[1]}  {hit:3d}/{n:<3d} {100 * hit / n:5.1f} %   p50 {p50:6.0f} ms  p95 {p95:6.0f} ms")
    print(f"{'all':<14} {total[0]:3d}/{total[1]:<3d} {100 * total[0] / max(total[1], 1):5.1f} %")
    _thresholds(confident)


def _thresholds(rows: list[tuple[float | None, bool, bool]]) -> None:
    """Accuracy if answers whose least confident item is below a floor became "no item"."""
    for floor in (0.0, 0.3, 0.4, 0.5, 0.6, 0.7):
        hit = sum(ok if conf is None or conf >= floor else empty for conf, ok, empty in rows)
        kept = sum(conf is not None and conf >= floor for conf, _, _ in rows)
        print(f"  confidence floor {floor:.1f}: {100 * hit / max(len(rows), 1):5.1f} % right, "
              f"{kept} answers with items kept")


def speed(args) -> None:
    f = measure_speed(args.profile, args.runs, args.threads)
    print(f"profile {f['profile']}: prefix {f['prefix_tokens']} tokens, {f['threads']} threads")
    print(f"generation: {f['generation_tok_s']:.1f} tokens/s (median of {len(f['generation_tok_s_all'])} parses), "
          f"{f['tokens_per_parse']} tokens per parse, parse p50 {percentile(f['parse_ms'], 50):.0f} ms")
    print(f"prefix evaluated: {f['prefix_evaluated_ms']:.0f} ms ({f['prompt_tok_s']:.0f} tokens/s prefill)")
    print(f"prefix restored:  {f['prefix_restored_ms']:.0f} ms ({f['state_mb']:.1f} MB state); "
          f"ratio {f['prefix_evaluated_ms'] / f['prefix_restored_ms']:.1f}x")
    print(f"time to first token from power-up: evaluated {f['ttft_cold_ms']:.0f} ms, "
          f"restored {f['ttft_restored_ms']:.0f} ms (load incl. model {f['load_restored_ms']:.0f} ms)")
    print(f"RSS: before {f['rss_before_mb']:.0f} MB, loaded {f['rss_loaded_mb']:.0f} MB, "
          f"after unload {f['rss_unloaded_mb']:.0f} MB; unload {f['unload_ms']:.0f} ms")
    print(f"same output cold and restored: {len(f['same_output']) == 1} ({f['same_output']})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sp = sub.add_parser("speed")
    sp.add_argument("--profile", default="smart_home")
    sp.add_argument("--runs", type=int, default=5)
    sp.add_argument("--threads", type=int, help="LLM threads (default: the profile's)")
    ac = sub.add_parser("accuracy")
    ac.add_argument("files", nargs="*")
    ac.add_argument("--profile", action="append")
    ac.add_argument("--lang")
    ac.add_argument("-v", "--verbose", action="store_true")
    ac.add_argument("--threads", type=int, help="LLM threads (default: the profile's)")
    args = ap.parse_args()
    {"speed": speed, "accuracy": accuracy}[args.cmd](args)


if __name__ == "__main__":
    main()
