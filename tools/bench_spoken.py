"""Spoken-command benchmark: from speech to the right items, end to end (prints figures, never fails).

    nice .venv/bin/python tools/bench_spoken.py [--sets dev own own2] [--every N] [--repeat K]
                                                [--variants before after] [--profiles …] [--json FILE]
    nice .venv/bin/python tools/bench_spoken.py --heldout          # the generalisation figure, once

Labelled English sentences are said by Piper after "hey jarvis" under varied rate, pause
and noise (tools/spoken_data.py, cached in out/bench_spoken/), one session per profile, and
run through `voicebox run`'s own pipeline — the real front end (gate + wake word), pre-roll,
Listener + recogniser and Understander, templates only unless `--llm` — with the follow-up
window off so each turn stands alone. Scored with `voicebox eval`'s matching:

- item accuracy from speech, next to the same sentences as text (the understanding ceiling);
- wrong: utterances that produced an item nobody asked for (a wrong action, worse than none),
  miss: no wrong item but not all expected ones; `risky_wrong` counts wrong items whose
  action the profile asks back about (`[understanding] confirm`); `confirmations`: turns
  where voicebox asked instead of acting;
- WER of the transcripts, and how often the first word of the command survived the wake word;
- confidence: mean item confidence of right and of wrong items, and how well it ranks them
  (AUROC: 0.5 says nothing, 1.0 separates perfectly);
- all of it per condition (noise, rate, pause after the wake word) and per profile.

Each variant is a set of profile overrides (VARIANTS); "before" puts back the mechanisms this
benchmark was built to improve, "after" is the profiles as shipped, so one run measures both
on the same audio. `bench(...)` returns the figures as a dict (for `voicebox bench`).
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

from voicebox.asr.metrics import aligned_hits, spoken, wer  # noqa: E402
from voicebox.nlu.evaluate import item_matches, items_match  # noqa: E402

# name → {profile section: {key: value}} applied on top of each profile; the section "bench"
# holds switches of the benchmark itself: words=False parses the transcript without the
# recogniser's word confidences (as before they were passed on).
BEFORE = {"asr": {"lm": "phrases", "end_drop_db": 0.0}, "understanding": {"confirm": {}}, "bench": {"words": False}}
VARIANTS: dict[str, dict[str, dict]] = {
    "before": BEFORE,
    "after": {},
    # one mechanism back at a time, to see what each is worth
    "phrase_lm": {"asr": {"lm": "phrases"}},
    "no_drop": {"asr": {"end_drop_db": 0.0}},
    "no_words": {"bench": {"words": False}},
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


def run_session(prof, audio: np.ndarray, turns: list[Turn], words: bool = True) -> list[dict]:
    """`voicebox run`'s pipeline over one session; per turn what was heard, understood and said."""
    from voicebox.audio.sources import frames
    from voicebox.models import default_store
    from voicebox.pipeline import events as ev
    from voicebox.pipeline.assemble import assemble
    from voicebox.pipeline.governor import Governor
    from voicebox.pipeline.runner import Runner

    heard: list[dict] = [{} for _ in turns]
    current = {"turn": None}

    def emit(event) -> None:
        if isinstance(event, ev.Wake):
            k = next((i for i, t in enumerate(turns) if t.start <= event.t < t.end), None)
            current["turn"] = k if k is not None and "wake" not in heard[k] else None
            if current["turn"] is not None:
                heard[k]["wake"] = event.t
        elif current["turn"] is not None and isinstance(event, ev.Transcript):
            heard[current["turn"]]["transcript"] = event
        elif current["turn"] is not None and isinstance(event, ev.Items):
            heard[current["turn"]]["items"] = event.items

    box: dict = {}
    built = assemble(prof, default_store(), "en", emit, lambda: box["runner"].t, None)
    understander = built.stages.understander
    parse = understander.parse

    def recording_parse(text, lang=None, words=None):
        understander.reset()      # each turn stands alone, as in `voicebox eval`
        result = parse(text, lang, words=words if use_words else None)
        if current["turn"] is not None:
            heard[current["turn"]].update(parse=result, words=words or [])
        return result

    use_words = words
    understander.parse = recording_parse
    runner = box["runner"] = Runner(built.stages, built.power, Governor(prof.governor), prof.dialog, "en", emit)
    runner.run(frames([audio]))
    return heard


def outcome(expected: list[dict], got: list[dict]) -> tuple[str, list[dict]]:
    """("right" | "wrong" | "miss", the items nobody asked for)."""
    if items_match(expected, got):
        return "right", []
    left, extra = list(expected), []
    for g in got:
        hit = next((e for e in left if item_matches(e, g)), None)
        if hit is None:
            extra.append(g)
        else:
            left.remove(hit)
    return ("wrong" if extra else "miss"), extra


def score_turn(turn: Turn, heard: dict, text_parse, confirm_actions) -> dict:
    """One turn's row: outcome, transcript, confidence, condition."""
    take = turn.take
    got = list(heard.get("items") or [])
    result, extra = outcome(list(take.case.items), got)
    transcript = heard.get("transcript")
    hyp = transcript.text if transcript is not None else ""
    parse = heard.get("parse")
    ref_words, hyp_words = spoken(take.case.text).split(), spoken(hyp).split()
    return {
        "profile": take.case.profile, "text": take.case.text, "heard": hyp, "result": result,
        "woke": "wake" in heard, "text_right": items_match(list(take.case.items), list(text_parse.items)),
        "risky_wrong": sum(1 for i in extra if i.get("action") in confirm_actions.get(i.get("device"), ())),
        "confirm": bool(parse is not None and parse.extra.get("confirm")),
        "first_word": bool(ref_words and hyp_words and ref_words[0] == hyp_words[0]),
        "transcript_confidence": getattr(transcript, "confidence", None),
        "items": [(round(float(i.get("confidence", 0)), 3), any(item_matches(e, i) for e in take.case.items))
                  for i in got],
        "words": [(c, hit) for (_, c), hit in zip(heard.get("words", []), aligned_hits(ref_words, hyp_words))]
        if len(heard.get("words", [])) == len(hyp_words) else [],
        "reason": getattr(transcript, "reason", None), "noise": take.noise,
        "snr": "clean" if take.snr_db is None else f"{take.snr_db:g} dB",
        "rate": f"{take.length_scale:g}", "gap": "joined" if take.gap_s is None else f"{take.gap_s:g} s",
    }


def auroc(pairs: list[tuple[float, bool]]) -> float | None:
    """Probability that a right item has a higher confidence than a wrong one (ties count half)."""
    right = [c for c, ok in pairs if ok]
    wrong = [c for c, ok in pairs if not ok]
    if not right or not wrong:
        return None
    wins = sum((r > w) + 0.5 * (r == w) for r in right for w in wrong)
    return round(wins / (len(right) * len(wrong)), 3)


def summary(rows: list[dict]) -> dict:
    """The figures of a group of rows (see the module doc)."""
    n = len(rows)
    items = [p for r in rows for p in r["items"]]
    ratio = lambda k: round(k / n, 4) if n else None  # noqa: E731
    mean = lambda xs: round(sum(xs) / len(xs), 3) if xs else None  # noqa: E731
    return {
        "n": n, "accuracy": ratio(sum(r["result"] == "right" for r in rows)),
        "wrong": ratio(sum(r["result"] == "wrong" for r in rows)),
        "miss": ratio(sum(r["result"] == "miss" for r in rows)),
        "risky_wrong": sum(r["risky_wrong"] for r in rows),
        "confirmations": sum(r["confirm"] for r in rows),
        "text_accuracy": ratio(sum(r["text_right"] for r in rows)),
        "woke": ratio(sum(r["woke"] for r in rows)),
        "wer": round(wer([(r["text"], r["heard"]) for r in rows]), 4),
        "first_word": ratio(sum(r["first_word"] for r in rows)),
        "confidence_right": mean([c for c, ok in items if ok]),
        "confidence_wrong": mean([c for c, ok in items if not ok]),
        "confidence_auroc": auroc(items),
        "word_confidence_auroc": auroc([p for r in rows for p in r["words"]]),
        "transcript_confidence_auroc": auroc([(r["transcript_confidence"], r["result"] == "right")
                                             for r in rows if r["transcript_confidence"] is not None]),
    }


def breakdown(rows: list[dict]) -> dict:
    """`summary` per profile and per condition."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        for key in ("profile", "snr", "noise", "rate", "gap"):
            groups[f"{key}={r[key]}"].append(r)
    return {k: summary(v) for k, v in sorted(groups.items())}


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
          llm: bool = False) -> dict:
    """Figures per variant: {"audio_s", "turns", "variants": {name: {"overall", "groups", "rows"}}}."""
    cases = spoken_data.english_cases(sets)[::every]
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


COLUMNS = ("n", "accuracy", "wrong", "miss", "risky_wrong", "confirmations", "text_accuracy", "woke",
           "wer", "first_word", "confidence_right", "confidence_wrong", "confidence_auroc",
           "word_confidence_auroc", "transcript_confidence_auroc")


def report(result: dict) -> str:
    """One table per group, a column per variant."""
    lines = [f"{result['turns']} turns, {result['audio_s'] / 60:.1f} min of audio, sets {', '.join(result['sets'])}"]
    names = list(result["variants"])
    head = f"{'':22}" + "".join(f"{n:>12}" for n in names)
    for group in ["overall", *result["variants"][names[0]]["groups"]]:
        lines += ["", f"== {group}", head]
        for col in COLUMNS:
            values = [(v["overall"] if group == "overall" else v["groups"][group]).get(col)
                      for v in result["variants"].values()]
            lines.append(f"{col:22}" + "".join(f"{'-' if x is None else x:>12}" for x in values))
    for name, v in result["variants"].items():
        lines.append(f"\n{name}: {v['seconds']} s")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", nargs="+", default=list(spoken_data.SETS), help="labelled sets under tests/data")
    ap.add_argument("--heldout", action="store_true", help="the held-out English sentences (final figure only)")
    ap.add_argument("--every", type=int, default=1, help="every N-th sentence")
    ap.add_argument("--repeat", type=int, default=1, help="say each sentence N times under other conditions")
    ap.add_argument("--variants", nargs="+", default=["before", "after"], choices=sorted(VARIANTS))
    ap.add_argument("--profiles", nargs="+", help="only these profiles")
    ap.add_argument("--llm", action="store_true", help="with the LLM path (slow)")
    ap.add_argument("--json", type=Path, help="also write the figures (with every row) here")
    ap.add_argument("--failures", action="store_true", help="list the utterances the last variant got wrong")
    args = ap.parse_args()
    sets = ("heldout",) if args.heldout else tuple(args.sets)
    result = bench(sets, args.every, args.repeat, tuple(args.variants), tuple(args.profiles or ()) or None, args.llm)
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
