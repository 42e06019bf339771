"""Benchmark of the LLM path: speed, warm start, memory, and accuracy of the LLM alone.

    nice python tools/bench_llm.py speed [--profile smart_home] [--runs 5]
    nice python tools/bench_llm.py accuracy [--profile NAME …] [--lang en|zh] [FILE.jsonl …]

`speed` prints prompt and generation tokens/s, load and unload times with the process RSS,
and time to first token from power-up with the prefix evaluated vs restored from its saved
state (fresh processes, alternating, so both ways see the same machine load). `accuracy`
runs only the LLM on labelled sets (default tests/data/dev/*.jsonl) with `voicebox eval`'s
matching (voicebox/nlu/evaluate.py: kind plus the expected fields, no missing or extra
items). Figures are printed, never asserted.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from voicebox import profile as profiles  # noqa: E402
from voicebox.models import default_store  # noqa: E402
from voicebox.nlu.evaluate import items_match, percentile  # noqa: E402
from voicebox.nlu.llm import LlmParser  # noqa: E402

SPEED_TEXTS = {"smart_home": ("dim the living room light and set the AC to 26", "把客厅灯调暗一点"),
               "power_line": ("tower twelve right insulator is cracked, pretty bad", "12号塔右侧绝缘子有裂纹"),
               "drone": ("climb five meters then take a photo", "无人机返航"),
               "ultrasound": ("switch to color doppler", "增益调高一点")}


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 1e6


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


def one_start(args) -> None:
    """Child process: power up with the given warm-start mode, parse once, print JSON figures."""
    store = default_store()
    prof = profiles.load(args.profile, store.manifest)
    prof = _with_warm_start(prof, args.mode, args.threads)
    before = rss_mb()
    parser = LlmParser(store, prof)
    start = time.perf_counter()
    load_s = parser.load()
    text = SPEED_TEXTS.get(prof.name, ("turn it on",))[0]
    result = parser.parse(text, "en")
    ttft = (time.perf_counter() - start) * 1000 - result.total_ms + result.ttft_ms
    loaded_rss = rss_mb()
    t = time.perf_counter()
    parser.unload()
    unload_s = time.perf_counter() - t
    print(json.dumps({"mode": parser.warm.mode, "prefix_tokens": len(parser.warm.tokens),
                      "prefix_s": parser.warm.seconds, "load_s": load_s, "ttft_ms": ttft,
                      "state_bytes": parser.warm.state.stat().st_size if parser.warm.state else 0,
                      "rss_before": before, "rss_loaded": loaded_rss, "rss_unloaded": rss_mb(),
                      "unload_s": unload_s, "raw": result.raw}))


def _with_warm_start(prof, mode: str, threads: int | None):
    from dataclasses import replace
    return replace(prof, llm=replace(prof.llm, warm_start=mode, threads=threads or prof.llm.threads))


def speed(args) -> None:
    store = default_store()
    prof = _with_warm_start(profiles.load(args.profile, store.manifest), "auto", args.threads)
    parser = LlmParser(store, prof)
    parser.load()
    gen = []
    for text in SPEED_TEXTS.get(prof.name, ("turn it on",)) * args.runs:
        r = parser.parse(text, "en")
        gen.append((r.generated_tokens, r.ttft_ms, r.total_ms))
    parser.unload()
    tok_s = [(n - 1) / ((total - ttft) / 1000) for n, ttft, total in gen if n > 1]
    print(f"profile {prof.name}: prefix {len(parser.warm.tokens)} tokens")
    print(f"generation: {statistics.median(tok_s):.1f} tokens/s (median of {len(tok_s)}), "
          f"{statistics.median(n for n, _, _ in gen)} tokens per parse, "
          f"parse p50 {statistics.median(t for _, _, t in gen):.0f} ms")
    runs = defaultdict(list)
    for _ in range(args.runs):
        for mode in ("evaluate", "restore"):
            out = subprocess.run([sys.executable, __file__, "_start", "--profile", prof.name, "--mode", mode,
                                  "--threads", str(prof.llm.threads)],
                                 capture_output=True, text=True, check=True).stdout
            runs[mode].append(json.loads(out.strip().splitlines()[-1]))
    ev, rs = runs["evaluate"], runs["restore"]
    med = lambda rows, k: statistics.median(r[k] for r in rows)  # noqa: E731
    print(f"prefix evaluated: {med(ev, 'prefix_s') * 1000:.0f} ms "
          f"({med(ev, 'prefix_tokens') / med(ev, 'prefix_s'):.0f} tokens/s prefill)")
    print(f"prefix restored:  {med(rs, 'prefix_s') * 1000:.0f} ms ({med(rs, 'state_bytes') / 1e6:.1f} MB state); "
          f"ratio {med(ev, 'prefix_s') / med(rs, 'prefix_s'):.1f}x")
    print(f"time to first token from power-up: evaluated {med(ev, 'ttft_ms'):.0f} ms, "
          f"restored {med(rs, 'ttft_ms'):.0f} ms (load incl. model {med(rs, 'load_s') * 1000:.0f} ms)")
    print(f"RSS: before {med(ev, 'rss_before'):.0f} MB, loaded {med(ev, 'rss_loaded'):.0f} MB, "
          f"after unload {med(ev, 'rss_unloaded'):.0f} MB; unload {med(ev, 'unload_s') * 1000:.0f} ms")
    same = {r["raw"] for r in ev + rs}
    print(f"same output cold and restored: {len(same) == 1} ({sorted(same)})")


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
    st = sub.add_parser("_start")
    st.add_argument("--profile", required=True)
    st.add_argument("--mode", required=True)
    st.add_argument("--threads", type=int)
    args = ap.parse_args()
    {"speed": speed, "accuracy": accuracy, "_start": one_start}[args.cmd](args)


if __name__ == "__main__":
    main()
