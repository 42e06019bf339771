"""The LLM path: prompt and generation tokens per second, time to first token cold vs restored.

Everything is measured in fresh processes (this module run as `python -m
voicebox.bench.llm`), each powering up with the profile's `[llm]` and parsing one utterance,
the prefix evaluated ("cold") and restored from its saved state ("restored") alternating, so
both ways see the same machine load. Time to first token includes loading the model,
bringing in the prefix and the utterance's prompt. Prompt tokens per second is the prefill
rate of the cold prefix evaluation; generation tokens per second is that of the parses
after their first token.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import replace

from voicebox.asr.memory import rss_mb

SPEED_TEXTS = {"smart_home": ("dim the living room light and set the AC to 26", "把客厅灯调暗一点"),
               "power_line": ("tower twelve right insulator is cracked, pretty bad", "12号塔右侧绝缘子有裂纹"),
               "drone": ("climb five meters then take a photo", "无人机返航"),
               "ultrasound": ("switch to color doppler", "增益调高一点")}


def with_warm_start(prof, mode: str, threads: int | None):
    """The profile with `[llm] warm_start` and (when given) `threads` replaced."""
    return replace(prof, llm=replace(prof.llm, warm_start=mode, threads=threads or prof.llm.threads))


def one_start(profile_name: str, mode: str, threads: int | None) -> dict:
    """Power up with the given warm-start mode, parse once: figures of a fresh process."""
    from voicebox import profile as profiles
    from voicebox.models import default_store
    from voicebox.nlu.llm import LlmParser

    store = default_store()
    prof = with_warm_start(profiles.load(profile_name, store.manifest), mode, threads)
    before = rss_mb()
    parser = LlmParser(store, prof)
    start = time.perf_counter()
    load_s = parser.load()
    result = parser.parse(SPEED_TEXTS.get(prof.name, ("turn it on",))[0], "en")
    ttft = (time.perf_counter() - start) * 1000 - result.total_ms + result.ttft_ms
    loaded_rss = rss_mb()
    t = time.perf_counter()
    parser.unload()
    unload_s = time.perf_counter() - t
    return {"mode": parser.warm.mode, "prefix_tokens": len(parser.warm.tokens),
            "prefix_s": parser.warm.seconds, "load_s": load_s, "ttft_ms": ttft,
            "state_bytes": parser.warm.state.stat().st_size if parser.warm.state else 0,
            "rss_before": before, "rss_loaded": loaded_rss, "rss_unloaded": rss_mb(),
            "unload_s": unload_s, "raw": result.raw, "parse_ms": result.total_ms,
            "prompt_tokens": result.prompt_tokens, "generated_tokens": result.generated_tokens,
            "generation_tok_s": (result.generated_tokens - 1) / ((result.total_ms - result.ttft_ms) / 1000)
            if result.generated_tokens > 1 else None,
            "config": {"model": prof.llm.model, "threads": prof.llm.threads, "n_ctx": prof.llm.n_ctx,
                       "max_tokens": prof.llm.max_tokens, "shots": prof.llm.shots}}


def starts(profile_name: str, runs: int, threads: int | None, bar=lambda it, **_: it) -> dict[str, list[dict]]:
    """`runs` fresh processes per warm-start mode, alternating: {"evaluate": [...], "restore": [...]}."""
    out: dict[str, list[dict]] = defaultdict(list)
    order = [mode for _ in range(runs) for mode in ("evaluate", "restore")]
    extra = ["--threads", str(threads)] if threads else []
    for mode in bar(order, desc="LLM power-ups"):
        done = subprocess.run([sys.executable, "-m", "voicebox.bench.llm", "--profile", profile_name,
                               "--mode", mode, *extra], capture_output=True, text=True, check=True)
        out[mode].append(json.loads(done.stdout.strip().splitlines()[-1]))
    return out


def speed(profile_name: str, runs: int, threads: int | None = None, bar=lambda it, **_: it) -> dict:
    """Prompt and generation tokens/s, TTFT from power-up evaluated vs restored, RSS, unload."""
    by_mode = starts(profile_name, runs, threads, bar)
    ev, rs = by_mode["evaluate"], by_mode["restore"]
    med = lambda rows, k: statistics.median(r[k] for r in rows)  # noqa: E731
    tok_s = [r["generation_tok_s"] for r in ev + rs if r["generation_tok_s"]]
    return {"profile": profile_name, **ev[0]["config"], "text": SPEED_TEXTS.get(profile_name, ("turn it on",))[0],
            "prefix_tokens": ev[0]["prefix_tokens"], "prompt_tokens_per_parse": med(ev, "prompt_tokens"),
            "tokens_per_parse": med(ev + rs, "generated_tokens"),
            "generation_tok_s": statistics.median(tok_s) if tok_s else None, "generation_tok_s_all": tok_s,
            "parse_ms": [r["parse_ms"] for r in ev + rs],
            "prompt_tok_s": med(ev, "prefix_tokens") / med(ev, "prefix_s"),
            "prefix_evaluated_ms": med(ev, "prefix_s") * 1000, "prefix_restored_ms": med(rs, "prefix_s") * 1000,
            "state_mb": med(rs, "state_bytes") / 1e6,
            "ttft_cold_ms": med(ev, "ttft_ms"), "ttft_restored_ms": med(rs, "ttft_ms"),
            "ttft_cold_all_ms": [r["ttft_ms"] for r in ev], "ttft_restored_all_ms": [r["ttft_ms"] for r in rs],
            "load_restored_ms": med(rs, "load_s") * 1000,
            "rss_before_mb": med(ev, "rss_before"), "rss_loaded_mb": med(ev, "rss_loaded"),
            "rss_unloaded_mb": med(ev, "rss_unloaded"), "unload_ms": med(ev, "unload_s") * 1000,
            "fresh_processes": len(ev) + len(rs), "modes_seen": sorted({r["mode"] for r in ev + rs}),
            "same_output": sorted({r["raw"] for r in ev + rs})}


def main() -> None:
    """Child process of `starts`: one power-up, its figures as a JSON line."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--profile", required=True)
    ap.add_argument("--mode", required=True, choices=["evaluate", "restore"])
    ap.add_argument("--threads", type=int)
    args = ap.parse_args()
    print(json.dumps(one_start(args.profile, args.mode, args.threads)))


if __name__ == "__main__":
    main()
