"""What `voicebox bench` measures, in which configuration, and in which order.

A `Plan` fixes every choice (sets, sizes, repetitions, profile) for a full or a `--quick`
run; `run` measures the steps one after the other in this process (the LLM and pipeline
steps start fresh processes of their own) and returns the report's sections. A step that
fails is reported in `errors` and the others still run.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from voicebox.bench import wake_data
from voicebox.bench.asr import KO
from voicebox.bench.pipeline import Session, session
from voicebox.bench.progress import Progress

ASR_PROFILES = ("smart_home", "drone", "power_line", "ultrasound")


@dataclass(frozen=True)
class Plan:
    """Every size and choice of one benchmark run (recorded in the report)."""

    quick: bool
    profile: str                          # wake settings, LLM, TTS and pipeline
    wake: wake_data.Spec
    asr_profiles: tuple[str, ...]
    asr_every: int                        # every n-th held-out English sentence is spoken
    vosk_sentences: tuple[str, ...]
    vosk_variants: tuple[str, ...]
    nlu_sets: tuple[str, ...] | None      # None: every labelled set in the data directory
    nlu_every: int
    llm_runs: int                         # fresh processes per warm-start mode
    session: Session


def plan(quick: bool, profile: str) -> Plan:
    """The full plan (≤ 10 min on 2 cores) or the quick one (≤ 1 min, structure only)."""
    if quick:
        return Plan(True, profile, wake_data.QUICK, ("smart_home",), 14, KO[:1], ("open",),
                    ("heldout",), 8, 1, session(profile, gap_s=8.0, repeat=1, first=1, tail_s=3.0))
    return Plan(False, profile, wake_data.BENCH, ASR_PROFILES, 4, KO, ("open", "grammar + verification"),
                None, 1, 3, session(profile, gap_s=12.0, repeat=1))


def describe(p: Plan) -> dict:
    return json.loads(json.dumps(dataclasses.asdict(p), default=str))


@dataclass
class Context:
    plan: Plan
    data: Path                            # tests/data: the labelled sets
    cache: Path                           # synthesised speech
    progress: Progress
    store: object = None
    profiles: dict = dataclasses.field(default_factory=dict)

    def profile(self, name: str):
        from voicebox import profile as profiles

        if name not in self.profiles:
            self.profiles[name] = profiles.load(name, self.store.manifest)
        return self.profiles[name]


def step_wake(ctx: Context) -> dict:
    from voicebox.bench import wake

    prof = ctx.profile(ctx.plan.profile)
    figures = wake.measure(ctx.store, prof.wake, ctx.cache / "wake", ctx.plan.wake, ctx.progress)
    config = {"profile": prof.name, "wake": dataclasses.asdict(prof.wake), "set": figures.pop("set")}
    idle = {"config": config, "streams": figures.pop("idle_cpu"),
            "method": "time.process_time() of the front end alone per second of audio, gated and ungated "
                      "front ends in the same process one after the other"}
    return {"idle_cpu": idle, "wake": {"config": config, **figures}}


def step_recognition(ctx: Context) -> dict:
    from voicebox.bench import asr

    texts = {name: _heldout_en(ctx.data, name)[::ctx.plan.asr_every] for name in ctx.plan.asr_profiles}
    profs = {name: ctx.profile(name) for name in ctx.plan.asr_profiles}
    figures = asr.measure(ctx.store, profs, texts, ctx.cache / "asr", ctx.progress,
                          ctx.plan.vosk_sentences, ctx.plan.vosk_variants)
    figures["config"] = {"texts": f"every {ctx.plan.asr_every}th English sentence of tests/data/heldout "
                                  f"per profile ({sum(map(len, texts.values()))}), Piper joe, rate 1.0",
                         "profiles": list(ctx.plan.asr_profiles)}
    return {"recognition": figures}


def _heldout_en(data: Path, profile: str) -> list[str]:
    path = data / "heldout" / f"{profile}.en.jsonl"
    return [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def step_understanding(ctx: Context) -> dict:
    from voicebox.bench import nlu

    sets = list(ctx.plan.nlu_sets or nlu.labelled_sets(ctx.data))
    figures = nlu.measure(ctx.data, sets, ctx.plan.nlu_every, ctx.progress)
    figures["config"] = {"sets": sets, "every": ctx.plan.nlu_every,
                         "llm": "as each profile's [llm] configures it (templates first)"}
    return {"understanding": figures}


def step_llm(ctx: Context) -> dict:
    from voicebox.bench import llm

    figures = llm.speed(ctx.plan.profile, ctx.plan.llm_runs, bar=ctx.progress.bar)
    figures["config"] = {k: figures[k] for k in ("profile", "model", "threads", "n_ctx", "max_tokens", "shots", "text")}
    return {"llm": figures}


def step_tts(ctx: Context) -> dict:
    from voicebox.bench import tts

    texts = tts.replies(ctx.plan.profile, list(ctx.plan.session.commands))
    figures = tts.measure(ctx.store, ctx.profile(ctx.plan.profile), texts, ctx.progress.bar)
    figures["config"] = {"profile": ctx.plan.profile, "voice": figures["voice"],
                         "length_scale": figures["length_scale"], "texts": len(texts)}
    return {"tts": figures}


def step_pipeline(ctx: Context) -> dict:
    from voicebox.bench import pipeline

    runs = pipeline.bench(ctx.plan.session, ctx.cache / "pipeline", ctx.progress.bar)
    sess = ctx.plan.session
    config = {"profile": sess.profile, "commands": list(sess.commands), "gap_s": sess.gap_s, "tail_s": sess.tail_s,
              "speech": "Piper joe without sampling noise; replies written to a WAV file",
              "power": {m: r["run"]["power"] for m, r in runs.items()}, "dialog": runs["managed"]["run"]["dialog"]}
    memory = {"config": config, **{m: {"rss_by_state_mb": r["rss_by_state_mb"], "idle_rss_mb": r["idle_rss_mb"]}
                                   for m, r in runs.items()}}
    return {"end_to_end": {"config": config, "runs": runs}, "memory": memory}


STEPS: tuple[tuple[str, str, Callable[[Context], dict]], ...] = (
    ("wake", "idle CPU and wake word (front end, gated vs ungated)", step_wake),
    ("recognition", "recognition: WER and RTF per backend", step_recognition),
    ("understanding", "understanding: accuracy per set/profile/language/path (voicebox eval)", step_understanding),
    ("llm", "LLM: tokens/s, time to first token cold vs restored (fresh processes)", step_llm),
    ("tts", "TTS: real-time factor and time to first audio", step_tts),
    ("pipeline", "end to end and memory: the pipeline managed vs always loaded (fresh processes)", step_pipeline),
)


def run(ctx: Context, only: set[str] | None = None) -> tuple[dict, dict]:
    """(sections, errors): every step in order; one that fails is an error, the rest still run."""
    from voicebox.models import default_store

    ctx.store = ctx.store or default_store()
    sections, errors = {}, {}
    for name, title, step in STEPS:
        if only and name not in only:
            continue
        ctx.progress.section(title)
        try:
            sections.update(step(ctx))
        except Exception as err:  # a broken step must not cost the others' figures
            errors[name] = f"{type(err).__name__}: {err}"
            ctx.progress.note(f"{name} failed: {errors[name]}")
    return sections, errors
