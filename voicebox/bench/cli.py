"""`voicebox bench`: measure everything in one run and write report.json, report.md and charts."""
from __future__ import annotations

import argparse
import json
import os
import shlex
import time
from pathlib import Path

from voicebox.bench import SESSION_PROFILES, STEP_NAMES
from voicebox.errors import BadInputError, UsageError
from voicebox.paths import PROJECT_ROOT

DEFAULT_OUT = PROJECT_ROOT / "out" / "bench-report"
DEFAULT_DATA = PROJECT_ROOT / "tests" / "data"


def default_cache() -> Path:
    """Where synthesised speech is kept between runs (outside git)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "voicebox" / "bench"


def register(sub: argparse._SubParsersAction) -> None:
    b = sub.add_parser("bench", help="measure CPU, wake, recognition, understanding, LLM, TTS, latency and "
                                     "memory; write report.json, report.md and charts")
    b.add_argument("--quick", action="store_true", help="small sets (≤ 1 min): checks the report, not the machine")
    b.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"report directory (default {DEFAULT_OUT})")
    b.add_argument("--profile", default="smart_home", choices=SESSION_PROFILES,
                   help="profile for the wake settings, LLM, TTS and pipeline sections")
    b.add_argument("--cache", type=Path, default=None,
                   help="synthesised speech cache (default $XDG_CACHE_HOME/voicebox/bench or ~/.cache/voicebox/bench)")
    b.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the labelled sets (default tests/data of the checkout)")
    b.add_argument("--only", action="append", choices=STEP_NAMES, metavar="STEP",
                   help="run only this step (repeatable): " + ", ".join(STEP_NAMES))
    b.set_defaults(func=run_bench)


def run_bench(args: argparse.Namespace) -> int:
    from voicebox.bench import charts, facts, report, suite
    from voicebox.bench.progress import Progress

    _check_data(args.data)
    out = args.out
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UsageError(f"--out {out}: cannot create the report directory ({err.strerror})") from None
    _preflight(args.profile)
    plan = suite.plan(args.quick, args.profile)
    only = set(args.only) if args.only else None
    progress = Progress(len(only) if only else len(suite.STEPS))
    started = time.perf_counter()
    machine = facts.machine()
    ctx = suite.Context(plan, args.data, args.cache or default_cache(), progress)
    sections, errors = suite.run(ctx, only)
    result = {"command": _command(args), "quick": args.quick, "machine": machine, "plan": suite.describe(plan),
              "duration_s": round(time.perf_counter() - started, 1), "load_average_end": facts.load_average(),
              "sections": sections, "errors": errors}
    progress.note("drawing charts")
    result["charts"] = charts.draw_all(sections, out)
    (out / "report.json").write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    (out / "report.md").write_text(report.markdown(result), encoding="utf-8")
    progress.note(f"wrote {out / 'report.md'}, report.json and {len(result['charts'])} charts")
    print(out / "report.md")
    return 1 if errors else 0


def _command(args: argparse.Namespace) -> str:
    """The command line that reproduces this run (defaults left out)."""
    words = ["voicebox", "bench"] + (["--quick"] if args.quick else [])
    words += ["--out", str(args.out)] if args.out != DEFAULT_OUT else []
    words += ["--profile", args.profile] if args.profile != "smart_home" else []
    words += ["--cache", str(args.cache)] if args.cache else []
    words += ["--data", str(args.data)] if args.data != DEFAULT_DATA else []
    for step in args.only or []:
        words += ["--only", step]
    return shlex.join(words)


def _check_data(data: Path) -> None:
    if not (data / "heldout").is_dir():
        raise BadInputError(f"{data}: no labelled sets (heldout/); voicebox bench needs a source checkout's "
                            "tests/data (--data DIR)")


def _preflight(profile_name: str) -> None:
    """Every model the bench needs, checked first: a missing one is exit 3 naming the pull."""
    from voicebox import profile as profiles
    from voicebox.bench.speech import VOICE
    from voicebox.models import default_store
    from voicebox.pipeline.assemble import preflight

    store = default_store()
    for name in ("smart_home", "drone", "power_line", "ultrasound", profile_name):
        prof = profiles.load(name, store.manifest)
        preflight(prof, store, prof.profile.default_language, speak=True)
    store.require(VOICE)
