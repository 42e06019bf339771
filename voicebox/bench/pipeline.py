"""Benchmark of the power-managed pipeline (prints figures, never asserts, never fails a build).

    nice .venv/bin/python tools/bench_pipeline.py [--profile smart_home] [--gap 12] [--repeat 2] [--json]

A session of wake word + command turns is synthesised once with Piper (cached in
out/bench/), then `voicebox run`'s pipeline processes it twice, each time in a fresh
process so one run's heap cannot flatter the other: with power management (the profile's
`[power]`) and with everything always loaded. Replies are spoken into a WAV file, so the
first-audio latency includes synthesis. Reported:

- RSS while idle: the median process RSS over idle frames, by what was resident then;
- end of speech → items and → first reply audio, p50/p95, per path (rules = fast path, llm),
  as the user experiences it (the endpointer's trailing silence included) and as processing only;
- wake → recogniser ready, and the load/unload times of every component.

`bench(profile, gap_s)` returns the figures as a dict (for `voicebox bench`).
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from make_samples import RATE, synthesise  # noqa: E402

# Commands per profile: plain ones the templates know, and roundabout ones meant for the LLM.
COMMANDS = {
    "smart_home": [
        "turn on the living room light", "set the thermostat to twenty two degrees",
        "could you make it a little warmer in here please", "close the bedroom blinds",
        "switch off the kitchen light", "i would like the fan going in the bedroom",
        "lock the front door", "dim the living room light to thirty percent",
        "it is too dark in the hallway", "turn off all the lights",
        "could you get the vacuum going", "start the vacuum",
        "i would like the fan going in the kitchen", "i would like the vacuum going",
    ],
    "power_line": [
        "tower twelve the left insulator is badly cracked", "bird nest on the crossarm of tower fifteen",
        "looks like somebody hung a kite on the conductor near pole nine",
        "corrosion on the grounding wire of pole seven", "the damper on span four has slipped off",
        "loose bolt on tower three", "the conductor is sagging near tower twenty",
        "there is some kind of burn mark on the insulator string at tower eight",
    ],
}


def session_path(profile: str, gap_s: float, repeat: int) -> Path:
    return ROOT / "out" / "bench" / f"{profile}-{gap_s:g}-x{repeat}.npy"


def session(profile: str, gap_s: float, repeat: int) -> np.ndarray:
    """Wake + command turns with `gap_s` of silence after each, the list `repeat` times;
    cached under out/bench/."""
    cache = session_path(profile, gap_s, repeat)
    if cache.exists():
        return np.load(cache)
    parts: list[tuple[str, object]] = [("quiet", 1.5)]
    for command in COMMANDS[profile] * repeat:
        parts += [("wake", "hey jarvis"), ("quiet", 0.3), ("say", command), ("quiet", gap_s)]
    parts += [("quiet", 40.0)]        # long enough for every idle timer: the deep-idle figure
    audio, _ = synthesise(parts)
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.save(cache, audio)
    return audio


def measure(profile_name: str, always_loaded: bool, audio: np.ndarray) -> dict:
    """Run the pipeline on `audio` in this process; the figures of that run."""
    import dataclasses

    from voicebox import profile as profiles
    from voicebox.asr.memory import rss_mb
    from voicebox.audio.sinks import WavSink
    from voicebox.audio.sources import frames
    from voicebox.models import default_store
    from voicebox.pipeline import events as ev
    from voicebox.pipeline.assemble import assemble
    from voicebox.pipeline.governor import Governor
    from voicebox.pipeline.machine import State
    from voicebox.pipeline.power import limit_malloc_arenas
    from voicebox.pipeline.runner import Runner

    limit_malloc_arenas()                 # as `voicebox run` does
    store = default_store()
    prof = profiles.load(profile_name, store.manifest)
    prof = dataclasses.replace(prof, power=dataclasses.replace(prof.power, always_loaded=always_loaded),
                               governor=dataclasses.replace(prof.governor, enabled=False))
    lang = prof.profile.default_language
    recorder = ev.Recorder()
    box: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        built = assemble(prof, store, lang, recorder, lambda: box["r"].t, WavSink(Path(tmp) / "replies.wav"))
        runner = box["r"] = Runner(built.stages, built.power, Governor(prof.governor), prof.dialog, lang,
                                   recorder, llm_threads=prof.llm.threads)
        idle_rss: dict[str, list[float]] = defaultdict(list)
        step = runner.step

        def sampling_step(frame: np.ndarray) -> None:
            step(frame)
            if runner.machine.state is State.IDLE and runner.turns and runner.frames % 5 == 0:
                idle_rss["+".join(sorted(built.power.resident()))].append(rss_mb())
        runner.step = sampling_step
        runner.run(frames([audio]))
    return figures(recorder, idle_rss)


def figures(recorder, idle_rss: dict[str, list[float]]) -> dict:
    from voicebox.pipeline import events as ev

    out: dict = {"idle_rss_mb": {k: round(statistics.median(v), 1) for k, v in idle_rss.items()},
                 "turns": len(recorder.of(ev.Items)), "errors": [e.to_dict() for e in recorder.of(ev.Error)]}
    replies = {round(r.t, 2): r for r in recorder.of(ev.Reply)}   # a reply shares its turn's frame
    by_path: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for items in recorder.of(ev.Items):
        row = by_path[items.path]
        row["items_ms"].append(items.ms)
        row["items_since_speech_end_ms"].append(items.since_speech_end_ms or items.ms)
        reply = replies.get(round(items.t, 2))
        if reply is not None and reply.first_audio_ms is not None:
            row["first_audio_ms"].append(reply.first_audio_ms)
            row["first_audio_since_speech_end_ms"].append(reply.since_speech_end_ms or reply.first_audio_ms)
    out["latency"] = {path: {k: _p50_p95(v) | {"n": len(v)} for k, v in row.items()} for path, row in by_path.items()}
    out["wake_to_ready_ms"] = _p50_p95([t.wake_to_ready_ms for t in recorder.of(ev.Transcript)
                                        if t.wake_to_ready_ms is not None])
    power: dict[str, list[float]] = defaultdict(list)
    for p in recorder.of(ev.Power):
        power[f"{p.component} {p.action}"].append(p.ms)
    out["power_ms"] = {k: _p50_p95(v) | {"n": len(v)} for k, v in sorted(power.items())}
    out["transcripts"] = [t.text for t in recorder.of(ev.Transcript)]
    out["paths"] = [i.path for i in recorder.of(ev.Items)]
    return out


def _p50_p95(values: list[float]) -> dict:
    if not values:
        return {}
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]  # noqa: E731
    return {"p50": round(pick(0.5), 1), "p95": round(pick(0.95), 1)}


def bench(profile: str = "smart_home", gap_s: float = 12.0, repeat: int = 2) -> dict:
    """Both modes, each in a fresh process; {"managed": figures, "always_loaded": figures}."""
    audio_path = session_path(profile, gap_s, repeat)
    session(profile, gap_s, repeat)
    results = {}
    for mode in ("managed", "always_loaded"):
        done = subprocess.run([sys.executable, __file__, "--worker", mode, "--profile", profile,
                               "--audio", str(audio_path)], capture_output=True, text=True, check=True)
        results[mode] = json.loads(done.stdout.strip().splitlines()[-1])
    return results


def report(results: dict) -> None:
    for mode, r in results.items():
        print(f"\n== {mode}: {r['turns']} turns, paths {dict((p, r['paths'].count(p)) for p in set(r['paths']))}, "
              f"{len(r['errors'])} errors")
        for resident, mb in sorted(r["idle_rss_mb"].items()):
            print(f"  RSS idle with [{resident}] resident: {mb} MB")
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
    parser.add_argument("--worker", choices=["managed", "always_loaded"], help=argparse.SUPPRESS)
    parser.add_argument("--audio", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(measure(args.profile, args.worker == "always_loaded", np.load(args.audio))))
        return
    results = bench(args.profile, args.gap, args.repeat)
    if args.json:
        print(json.dumps(results, indent=1))
    else:
        report(results)


if __name__ == "__main__":
    main()
