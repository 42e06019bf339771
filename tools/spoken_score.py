"""Scoring and the report of tools/bench_spoken.py: one row per turn, figures per group of rows.

A turn is right (the expected items), wrong (an item nobody asked for: a wrong action, worse
than none) or a miss (neither); confidences are judged by how well they rank right above
wrong (AUROC). The figures are described in docs/asr.md.
"""
from __future__ import annotations

from collections import defaultdict

from spoken_data import Turn

from voicebox.asr.metrics import aligned_hits, spoken, wer
from voicebox.nlu.evaluate import item_matches, items_match


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
        "unheard": bool(parse is not None and parse.extra.get("unheard")),
        "heard_words": [(w, round(float(c), 3)) for w, c in heard.get("words", [])],
        "first_word": bool(ref_words and hyp_words and ref_words[0] == hyp_words[0]),
        "transcript_confidence": getattr(transcript, "confidence", None),
        "items": [(round(float(i.get("confidence", 0)), 3), any(item_matches(e, i) for e in take.case.items))
                  for i in got],
        "words": [(c, hit) for (_, c), hit in zip(heard.get("words", []), aligned_hits(ref_words, hyp_words))]
        if len(heard.get("words", [])) == len(hyp_words) else [],
        "template_confidence": [round(float(i.get("confidence", 0)), 3)
                                for i in (parse.extra.get("rules_items", []) if parse else [])],
        "source": getattr(transcript, "source", None),
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
        "said_again": sum(r["unheard"] for r in rows),
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


COLUMNS = ("n", "accuracy", "wrong", "miss", "risky_wrong", "confirmations", "said_again", "text_accuracy",
           "woke", "wer", "first_word", "confidence_right", "confidence_wrong", "confidence_auroc",
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
