"""The power-managed pipeline end to end: latencies per turn and RSS per state, managed vs always loaded.

A session of wake word + command turns is synthesised once with Piper (cached), then
`voicebox run`'s pipeline processes it twice, each time in a fresh process (this module run
as `python -m voicebox.bench.pipeline --worker MODE`) so one run's heap cannot flatter the
other: with power management (the profile's `[power]`) and with everything always loaded.
Replies are spoken into a WAV file, so the first-audio latency includes synthesis. Measured:

- RSS per state (idle, listening, understanding, speaking, follow_up): sampled on every frame
  in that state after the first wake word, and when the items are ready for understanding
  (understanding starts and ends within one frame); idle also by what was resident then;
- an RSS timeline (every 0.4 s of stream time) with every load and unload (`power` events);
- end of speech → items and → first reply audio, p50/p95, per path (rules = fast path, llm =
  the LLM was asked, whether or not its answer survived grounding),
  as the user experiences it (the endpointer's trailing silence included) and as processing only;
- wake → recogniser ready, the load/unload times of every component, and the process CPU.
"""
from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from voicebox.bench.speech import cached, session as synthesise
from voicebox.bench.stats import p50_p95

# Commands per profile: plain ones the templates know, and roundabout ones meant for the LLM.
COMMANDS = {
    "smart_home": [
        "turn on the living room light", "set the thermostat to twenty two degrees",
        "could you make it a little warmer in here please", "close the bedroom blinds",
        "switch off the kitchen light", "could you get some air moving in the bedroom with the fan",
        "lock the front door", "dim the living room light to thirty percent",
        "it is too dark in the hallway", "turn off all the lights",
        "could you get the vacuum going", "start the vacuum",
        "get the kitchen fan a whirl", "i would like the vacuum going",
    ],
    "power_line": [
        "tower twelve the left insulator is badly cracked", "bird nest on the crossarm of tower fifteen",
        "looks like somebody hung a kite on the conductor near pole nine",
        "corrosion on the grounding wire of pole seven", "the damper on span four has slipped off",
        "loose bolt on tower three", "the conductor is sagging near tower twenty",
        "there is some kind of burn mark on the insulator string at tower eight",
    ],
}
MODES = ("managed", "always_loaded")
TIMELINE_EVERY = 5        # frames between two points of the RSS timeline (0.4 s)


@dataclasses.dataclass(frozen=True)
class Session:
    """The synthesised session: its commands, the silence after each, the silence at the end."""

    profile: str
    commands: tuple[str, ...]
    gap_s: float = 12.0
    tail_s: float = 40.0       # long enough for every idle timer: the deep-idle figure

    def parts(self) -> list[tuple[str, object]]:
        parts: list[tuple[str, object]] = [("quiet", 1.5)]
        for command in self.commands:
            parts += [("wake", "hey jarvis"), ("quiet", 0.3), ("say", command), ("quiet", self.gap_s)]
        return parts + [("quiet", self.tail_s)]

    def path(self, cache: Path) -> Path:
        key = hashlib.sha256(json.dumps(self.parts()).encode()).hexdigest()[:12]
        return cache / f"session-{self.profile}-{len(self.commands)}-{key}.npz"

    def audio(self, cache: Path) -> np.ndarray:
        return cached(self.path(cache), lambda: [synthesise(self.parts())[0]])[0]


def session(profile: str, gap_s: float = 12.0, repeat: int = 2, first: int | None = None,
            tail_s: float = 40.0) -> Session:
    """The profile's command list (its `first` commands), said `repeat` times."""
    return Session(profile, tuple(COMMANDS[profile][:first] * repeat), gap_s, tail_s)


def measure(profile_name: str, always_loaded: bool, audio: np.ndarray) -> dict:
    """Run the pipeline on `audio` in this process; the figures of that run."""
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
    prof = _configured(profiles.load(profile_name, store.manifest), always_loaded)
    lang = prof.profile.default_language
    box: dict = {}
    samples = Samples()

    def on_event(event) -> None:          # understanding begins and ends inside one frame
        if isinstance(event, ev.Items):
            samples.state["understanding"].append(rss_mb())
    recorder = ev.Recorder(on_event)
    with tempfile.TemporaryDirectory() as tmp:
        built = assemble(prof, store, lang, recorder, lambda: box["r"].t, WavSink(Path(tmp) / "replies.wav"))
        runner = box["r"] = Runner(built.stages, built.power, Governor(prof.governor), prof.dialog, lang,
                                   recorder, llm_threads=prof.llm.threads)
        step = runner.step

        def sampling_step(frame: np.ndarray) -> None:
            step(frame)
            samples.take(runner, built.power, runner.machine.state is State.IDLE, rss_mb())
        runner.step = sampling_step
        cpu, wall = time.process_time(), time.perf_counter()
        runner.run(frames([audio]))
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    out = figures(recorder, samples)
    out["run"] = {"audio_s": round(len(audio) / 16000, 1), "wall_s": round(wall, 1), "cpu_s": round(cpu, 1),
                  "power": dataclasses.asdict(prof.power), "dialog": dataclasses.asdict(prof.dialog),
                  "llm_threads": prof.llm.threads, "lang": lang}
    return out


def _configured(prof, always_loaded: bool):
    """The profile as measured: `[power] always_loaded` set, the governor off (no sensor decides)."""
    return dataclasses.replace(prof, power=dataclasses.replace(prof.power, always_loaded=always_loaded),
                               governor=dataclasses.replace(prof.governor, enabled=False))


class Samples:
    """RSS by state, by what was resident while idle, and over stream time."""

    def __init__(self) -> None:
        self.state: dict[str, list[float]] = defaultdict(list)
        self.idle: dict[str, list[float]] = defaultdict(list)
        self.timeline: list[tuple[float, float, str]] = []
        self.woken = False

    def take(self, runner, power, idle: bool, rss: float) -> None:
        state = runner.machine.state.value
        self.woken = self.woken or not idle
        if runner.frames % TIMELINE_EVERY == 0:
            self.timeline.append((round(runner.t, 2), round(rss, 1), state))
        if not self.woken:                # before the first wake word nothing was ever loaded
            return
        self.state[state].append(rss)
        if idle:
            self.idle["+".join(sorted(power.resident()))].append(rss)


def figures(recorder, samples: Samples) -> dict:
    """Latencies per path and turn, RSS per state, load/unload times, from one run's events."""
    from voicebox.pipeline import events as ev

    out: dict = {"rss_by_state_mb": {k: _spread(v) for k, v in samples.state.items()},
                 "idle_rss_mb": {k: _spread(v)["median"] for k, v in samples.idle.items()},
                 "timeline": samples.timeline,
                 "turns": len(recorder.of(ev.Items)), "errors": [e.to_dict() for e in recorder.of(ev.Error)]}
    replies = {round(r.t, 2): r for r in recorder.of(ev.Reply)}   # a reply shares its turn's frame
    by_path: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    turns = []
    for items in recorder.of(ev.Items):
        reply = replies.get(round(items.t, 2))
        path = "llm" if items.llm_asked else items.path    # an LLM turn costs the same, kept or dropped
        turn = {"t": items.t, "path": path, "items_ms": items.ms,
                "items_since_speech_end_ms": items.since_speech_end_ms or items.ms,
                "first_audio_ms": reply.first_audio_ms if reply else None,
                "first_audio_since_speech_end_ms": (reply.since_speech_end_ms or reply.first_audio_ms)
                if reply and reply.first_audio_ms is not None else None}
        turns.append(turn)
        for key in ("items_ms", "items_since_speech_end_ms", "first_audio_ms", "first_audio_since_speech_end_ms"):
            if turn[key] is not None:
                by_path[path][key].append(turn[key])
                by_path["all"][key].append(turn[key])
    out["turn_latencies"] = turns
    out["latency"] = {path: {k: p50_p95(v) | {"n": len(v)} for k, v in row.items()} for path, row in by_path.items()}
    out["wake_to_ready_ms"] = p50_p95([t.wake_to_ready_ms for t in recorder.of(ev.Transcript)
                                       if t.wake_to_ready_ms is not None])
    power: dict[str, list[float]] = defaultdict(list)
    for p in recorder.of(ev.Power):
        power[f"{p.component} {p.action}"].append(p.ms)
    out["power_ms"] = {k: p50_p95(v) | {"n": len(v)} for k, v in sorted(power.items())}
    out["power_events"] = [{"t": p.t, "component": p.component, "action": p.action, "ms": p.ms,
                            "rss_mb": p.rss_mb, "reason": p.reason} for p in recorder.of(ev.Power)]
    out["transcripts"] = [t.text for t in recorder.of(ev.Transcript)]
    out["paths"] = [t["path"] for t in turns]
    return out


def _spread(values: list[float]) -> dict:
    return {"median": round(float(np.median(values)), 1), "max": round(max(values), 1), "n": len(values)}


def bench(sess: Session, cache: Path, bar=lambda it, **_: it) -> dict:
    """Both modes, each in a fresh process; {"managed": figures, "always_loaded": figures}."""
    sess.audio(cache)
    results = {}
    for mode in bar(MODES, desc="pipeline runs"):
        done = subprocess.run([sys.executable, "-m", "voicebox.bench.pipeline", "--worker", mode,
                               "--profile", sess.profile, "--audio", str(sess.path(cache))],
                              capture_output=True, text=True, check=True)
        results[mode] = json.loads(done.stdout.strip().splitlines()[-1])
    return results


def main() -> None:
    """Worker of `bench`: one mode on one session file, its figures as a JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", choices=MODES, required=True)
    parser.add_argument("--profile", required=True)
    parser.add_argument("--audio", type=Path, required=True)
    args = parser.parse_args()
    with np.load(args.audio) as data:
        audio = data["c0"]
    print(json.dumps(measure(args.profile, args.worker == "always_loaded", audio)))


if __name__ == "__main__":
    main()
