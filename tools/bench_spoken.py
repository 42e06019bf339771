"""Spoken-command benchmark: from speech to the right items, end to end (prints figures, never fails).

    nice .venv/bin/python tools/bench_spoken.py [--sets dev own own2] [--every N] [--start I] [--repeat K]
                                                [--variants before after] [--profiles …] [--json FILE]
                                                [--failures] [--llm]
    nice .venv/bin/python tools/bench_spoken.py --heldout          # the generalisation figure, once

Labelled English sentences are said by Piper after "hey jarvis" under varied rate, pause
and noise (tools/spoken_data.py, cached in out/bench_spoken/), one session per profile, and
run through `voicebox run`'s own pipeline — the real front end (gate + wake word), pre-roll,
Listener + recogniser and Understander, templates only unless `--llm` — with the follow-up
window off so each turn stands alone. Scored with `voicebox eval`'s matching
(tools/spoken_score.py):

- item accuracy from speech, next to the same sentences as text (the understanding ceiling);
- wrong: utterances that produced an item nobody asked for (a wrong action, worse than none),
  miss: no wrong item but not all expected ones; `risky_wrong` counts wrong items whose
  action the profile asks back about (`[understanding] confirm`); `confirmations`: turns
  where voicebox asked instead of acting; `said_again`: turns where items were not acted on
  for how poorly they were heard (`act_min_confidence`, `act_min_mean_confidence`);
- WER of the transcripts, and how often the first word of the command survived the wake word;
- confidence: mean item confidence of right and of wrong items, and how well it ranks them
  (AUROC: 0.5 says nothing, 1.0 separates perfectly);
- all of it per condition (noise, rate, pause after the wake word) and per profile.

Each variant is a set of profile overrides (VARIANTS); "before" puts back the mechanisms this
benchmark was built to improve, "after" is the profiles as shipped, so one run measures both
on the same audio; the others take one mechanism back at a time. `bench(...)` returns the
figures as a dict (for `voicebox bench`).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tools")]

import spoken_data  # noqa: E402
from spoken_data import Speech, Take, Turn  # noqa: E402
from spoken_score import breakdown, report, score_turn, summary  # noqa: E402

# name → {profile section: {key: value}} applied on top of each profile; the section "bench"
# holds switches of the benchmark itself: words=False parses the transcript without the
# recogniser's word confidences (as before they were passed on).
NO_REJECT = {"act_min_confidence": 0.0, "act_min_mean_confidence": 0.0}
BEFORE = {"asr": {"lm": "phrases", "end_drop_db": 0.0, "denoise": False},
          "understanding": {"confirm": {}, **NO_REJECT}, "bench": {"words": False}}
VARIANTS: dict[str, dict[str, dict]] = {
    "before": BEFORE,
    "after": {},
    # one mechanism back at a time, to see what each is worth
    "phrase_lm": {"asr": {"lm": "phrases"}},
    "no_drop": {"asr": {"end_drop_db": 0.0}},
    "no_words": {"bench": {"words": False}},
    # as a device runs: the recogniser loaded on each wake word and unloaded after the turn
    "managed": {"power": {"always_loaded": False}},
    "no_reject": {"understanding": NO_REJECT},     # every item acted on, however it was heard
    "no_denoise": {"asr": {"denoise": False}},      # pocketsphinx hears the noisy audio as it is
}


def load_profile(name: str, overrides: dict[str, dict], llm: bool = False):
    """The profile with a variant's overrides and the benchmark's settings: everything loaded,
    no follow-up window, no governor, templates only unless `llm`."""
    from voicebox import profile as profiles
    from voicebox.models import default_store

    prof = profiles.load(name, default_store().manifest)
    fixed = {"power": {"always_loaded": True}, "dialog": {"follow_up_s": 0.0, "speak": False},
             "governor": {"enabled": False}, "llm": {"enabled": llm}}
    for section, values in [*fixed.items(), *((k, v) for k, v in overrides.items() if k != "bench")]:
        prof = dataclasses.replace(prof, **{section: dataclasses.replace(getattr(prof, section), **values)})
    return prof


class _Recorder:
    """Per turn of a session, what the runner heard, understood and said (from its events)."""

    def __init__(self, turns: list[Turn]) -> None:
        self.turns, self.heard = turns, [{} for _ in turns]
        self.current: int | None = None

    def emit(self, event) -> None:
        from voicebox.pipeline import events as ev

        if isinstance(event, ev.Wake):
            k = next((i for i, t in enumerate(self.turns) if t.start <= event.t < t.end), None)
            fresh = k is not None and ("wake" not in self.heard[k] or k == self.current)
            self.current = k if fresh else None   # a second wake in a turn already heard: not scored
            if fresh:
                self.heard[k].setdefault("wake", event.t)
        elif self.current is not None and isinstance(event, (ev.Transcript, ev.Items)):
            key = "transcript" if isinstance(event, ev.Transcript) else "items"
            self.heard[self.current][key] = event if key == "transcript" else event.items

    def record_parses(self, understander, use_words: bool) -> None:
        """Each turn parsed on its own (as in `voicebox eval`), its parse and words kept."""
        parse = understander.parse

        def recording_parse(text, lang=None, words=None):
            understander.reset()
            result = parse(text, lang, words=words if use_words else None)
            if self.current is not None:
                self.heard[self.current].update(parse=result, words=words or [])
            return result

        understander.parse = recording_parse


def run_session(prof, audio: np.ndarray, turns: list[Turn], words: bool = True) -> list[dict]:
    """`voicebox run`'s pipeline over one session; per turn what was heard, understood and said."""
    from voicebox.audio.sources import frames
    from voicebox.models import default_store
    from voicebox.pipeline.assemble import assemble
    from voicebox.pipeline.governor import Governor
    from voicebox.pipeline.runner import Runner

    rec, box = _Recorder(turns), {}
    built = assemble(prof, default_store(), "en", rec.emit, lambda: box["runner"].t, None)
    rec.record_parses(built.stages.understander, words)
    runner = box["runner"] = Runner(built.stages, built.power, Governor(prof.governor), prof.dialog, "en", rec.emit)
    runner.run(frames([audio]))
    return rec.heard


def run_variant(name: str, sessions: dict[str, tuple[np.ndarray, list[Turn]]], llm: bool) -> dict:
    """Every profile's session under one variant: the rows and the figures."""
    from voicebox.nlu import Understander

    rows, started = [], time.perf_counter()
    for profile, (audio, turns) in sessions.items():
        prof = load_profile(profile, VARIANTS[name], llm)
        text_und = Understander(prof)
        confirm = getattr(prof.understanding, "confirm", {}) or {}
        heard = run_session(prof, audio, turns, VARIANTS[name].get("bench", {}).get("words", True))
        for turn, h in zip(turns, heard):
            text_und.reset()
            rows.append(score_turn(turn, h, text_und.parse(turn.take.case.text, "en"), confirm))
    return {"overall": summary(rows), "groups": breakdown(rows), "rows": rows,
            "seconds": round(time.perf_counter() - started, 1)}


def bench(sets: tuple[str, ...] = spoken_data.SETS, every: int = 1, repeat: int = 1,
          variants: tuple[str, ...] = ("before", "after"), profiles: tuple[str, ...] | None = None,
          llm: bool = False, start: int = 0) -> dict:
    """Figures per variant: {"audio_s", "turns", "variants": {name: {"overall", "groups", "rows"}}}."""
    cases = spoken_data.english_cases(sets)[start::every]
    if profiles:
        cases = [c for c in cases if c.profile in profiles]
    speech = Speech()
    by_profile: dict[str, list[Take]] = defaultdict(list)
    for take in spoken_data.takes(cases, repeat):
        by_profile[take.case.profile].append(take)
    sessions = {p: spoken_data.session(t, speech) for p, t in sorted(by_profile.items())}
    audio_s = sum(len(a) for a, _ in sessions.values()) / spoken_data.RATE
    out = {"sets": list(sets), "turns": sum(len(t) for _, t in sessions.values()), "audio_s": round(audio_s, 1),
           "variants": {}}
    for name in variants:
        out["variants"][name] = run_variant(name, sessions, llm)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", nargs="+", default=list(spoken_data.SETS), help="labelled sets under tests/data")
    ap.add_argument("--heldout", action="store_true", help="the held-out English sentences (final figure only)")
    ap.add_argument("--every", type=int, default=1, help="every N-th sentence")
    ap.add_argument("--start", type=int, default=0, help="from the N-th sentence (--every 8 --start 4: "
                    "a set disjoint from --start 0, to check what was tuned on the other)")
    ap.add_argument("--repeat", type=int, default=1, help="say each sentence N times under other conditions")
    ap.add_argument("--variants", nargs="+", default=["before", "after"], choices=sorted(VARIANTS))
    ap.add_argument("--profiles", nargs="+", help="only these profiles")
    ap.add_argument("--llm", action="store_true", help="with the LLM path (slow)")
    ap.add_argument("--json", type=Path, help="also write the figures (with every row) here")
    ap.add_argument("--failures", action="store_true", help="list the utterances the last variant got wrong")
    args = ap.parse_args()
    sets = ("heldout",) if args.heldout else tuple(args.sets)
    result = bench(sets, args.every, args.repeat, tuple(args.variants), tuple(args.profiles or ()) or None, args.llm,
                   args.start)
    print(report(result))
    if args.failures:
        last = result["variants"][args.variants[-1]]["rows"]
        for r in last:
            if r["result"] != "right":
                print(f"{r['result']:5} [{r['snr']}, {r['gap']}] {r['text']!r} → {r['heard']!r}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, ensure_ascii=False, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
