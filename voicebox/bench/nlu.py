"""Understanding: accuracy per set, profile, language and path, and latency — `voicebox eval`'s code.

Every labelled set in tests/data (JSON Lines of text and expected items) is scored with
`voicebox eval`'s matching and loop (voicebox/nlu/cli.py `score`, nlu/evaluate.py), with the
LLM path as each profile configures it. `heldout` is the headline: written from the contract
alone by someone who never saw the rules, and never used to tune anything; the other sets
were developed against and are the optimistic end.
"""
from __future__ import annotations

from pathlib import Path

from voicebox.bench.progress import Progress
from voicebox.bench.stats import p50_p95

HEADLINE = "heldout"


def labelled_sets(data: Path) -> list[str]:
    """Sub-directories of `data` holding labelled .jsonl files; the headline set first."""
    names = sorted(d.name for d in data.iterdir() if d.is_dir() and any(d.glob("*.jsonl")))
    return sorted(names, key=lambda n: n != HEADLINE)


def score_set(files: list[Path], every: int, progress: Progress) -> tuple[dict, dict]:
    """`voicebox eval`'s figures for the files (every n-th case), and the raw latencies."""
    from voicebox.nlu import evaluate
    from voicebox.nlu.cli import score

    cases = evaluate.load_cases(files, None)[::every]
    with progress.counter(len(cases), f"understanding {files[0].parent.name}") as bar:
        outcomes = score(cases, no_llm=False, each=lambda _: bar.update())
    raw = {"templates_ms": [o.rules_ms for o in outcomes],
           "llm_ms": [o.total_ms for o in outcomes if o.llm_used]}
    return evaluate.report(outcomes), raw


def measure(data: Path, sets: list[str], every: int, progress: Progress) -> dict:
    """The understanding section of `voicebox bench`: one `voicebox eval` report per set."""
    out: dict = {"headline": HEADLINE, "every": every, "sets": {}}
    raw_all: dict[str, list[float]] = {"templates_ms": [], "llm_ms": []}
    for name in sets:
        files = sorted((data / name).glob("*.jsonl"))
        figures, raw = score_set(files, every, progress)
        out["sets"][name] = {"files": [f"{name}/{f.name}" for f in files], **figures}
        for key, values in raw.items():
            raw_all[key] += values
    out["latency_ms"] = {k: p50_p95(v) | {"n": len(v)} for k, v in raw_all.items()}
    out["raw_ms"] = raw_all
    return out
