"""Scoring labelled utterances: accuracy per profile, language and path, and latency.

A labelled set is JSON Lines: `profile` (optional when --profile is given), `lang`, `text`,
`items` (the expected items) and an optional `note` of comma-separated tags. An utterance is
right when the items match one to one in any order, none missing and none extra; an expected
item matches on `kind` and every field it states, except `target` and `confidence` (never
compared) and everything but `kind` for a query. Numbers compare as numbers (26 == 26.0).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from itertools import permutations
from pathlib import Path
from typing import Any, Iterable

from voicebox.errors import BadInputError

NEVER_COMPARED = ("target", "confidence")


@dataclass(frozen=True)
class Case:
    profile: str
    lang: str | None
    text: str
    items: tuple[dict, ...]
    notes: tuple[str, ...] = ()
    where: str = ""


@dataclass
class Outcome:
    case: Case
    rules_ok: bool
    ok: bool
    path: str
    llm_used: bool
    rules_ms: float
    total_ms: float
    got: list[dict] = field(default_factory=list)
    # what the LLM path answered, before and after grounding (grounding.py): "right" or "wrong"
    # when it gave items, "none" when it gave none, None when it was not asked
    llm_raw: str | None = None
    llm_grounded: str | None = None


def llm_answer(case: Case, items: list[dict] | None) -> str | None:
    """"right"/"wrong" for the items the LLM path gave, "none" for none, None if not asked."""
    if items is None:
        return None
    return "none" if not items else "right" if items_match(case.items, items) else "wrong"


def item_matches(expected: dict, got: dict) -> bool:
    if expected.get("kind") != got.get("kind"):
        return False
    if expected.get("kind") == "query":
        return True
    return all(_same(v, got.get(k)) for k, v in expected.items() if k not in NEVER_COMPARED)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) < 1e-6
    if isinstance(a, dict) and isinstance(b, dict):
        return set(a) == set(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, str) and isinstance(b, str):
        return a.strip().lower() == b.strip().lower()
    return a == b


def items_match(expected: Iterable[dict], got: Iterable[dict]) -> bool:
    """One-to-one match in any order: nothing missing, nothing extra."""
    expected, got = list(expected), list(got)
    if len(expected) != len(got):
        return False
    if len(expected) > 6:  # greedy is enough for long lists; they never occur in practice
        rest = list(got)
        for e in expected:
            hit = next((g for g in rest if item_matches(e, g)), None)
            if hit is None:
                return False
            rest.remove(hit)
        return True
    return any(all(item_matches(e, g) for e, g in zip(expected, perm)) for perm in permutations(got))


def load_cases(paths: list[Path], default_profile: str | None) -> list[Case]:
    """Cases from JSON Lines files; a malformed line stops with its file and line number."""
    cases = []
    for path in paths:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as err:
            raise BadInputError(f"{path}: cannot read: {err}") from None
        for n, line in enumerate(lines, 1):
            if line.strip():
                cases.append(_case(line, default_profile, f"{path}:{n}"))
    return cases


def _case(line: str, default_profile: str | None, where: str) -> Case:
    try:
        d = json.loads(line)
    except json.JSONDecodeError as err:
        raise BadInputError(f"{where}: not JSON: {err.msg}") from None
    if not isinstance(d, dict) or not isinstance(d.get("text"), str) or not isinstance(d.get("items"), list):
        raise BadInputError(f"{where}: expected an object with \"text\" (string) and \"items\" (list)")
    profile = d.get("profile") or default_profile
    if not profile:
        raise BadInputError(f"{where}: no \"profile\" in the line and no --profile given")
    notes = tuple(n.strip() for n in str(d.get("note") or "").split(",") if n.strip())
    return Case(profile, d.get("lang"), d["text"], tuple(d["items"]), notes, where)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, int(round(q / 100 * (len(ordered) - 1)))))
    return ordered[k]


def summary(outcomes: list[Outcome]) -> dict:
    """Figures of a group of outcomes: counts, accuracy per path, latency."""
    n = len(outcomes)
    llm = [o for o in outcomes if o.llm_used]
    rules_ms = [o.rules_ms for o in outcomes]
    return {
        "n": n,
        "templates_accuracy": _ratio(sum(o.rules_ok for o in outcomes), n),
        "combined_accuracy": _ratio(sum(o.ok for o in outcomes), n),
        "llm_calls": len(llm),
        "llm_accuracy": _ratio(sum(o.ok for o in llm), len(llm)) if llm else None,
        "paths": {p: sum(o.path == p for o in outcomes) for p in ("rules", "llm", "none")},
        "templates_ms_p50": round(percentile(rules_ms, 50), 2),
        "templates_ms_p95": round(percentile(rules_ms, 95), 2),
        "total_ms_p50": round(percentile([o.total_ms for o in outcomes], 50), 2),
        "total_ms_p95": round(percentile([o.total_ms for o in outcomes], 95), 2),
        "llm_ms_p50": round(percentile([o.total_ms for o in llm], 50), 1) if llm else None,
        "llm_ms_p95": round(percentile([o.total_ms for o in llm], 95), 1) if llm else None,
        "llm_items": {stage: {a: sum(getattr(o, stage) == a for o in llm) for a in ("right", "wrong", "none")}
                      for stage in ("llm_raw", "llm_grounded")},
        "llm_right_lost": sum(o.llm_raw == "right" and o.llm_grounded != "right" for o in llm),
    }


def _ratio(k: int, n: int) -> float:
    return round(k / n, 4) if n else 0.0


def report(outcomes: list[Outcome]) -> dict:
    """Figures overall, per profile and language, and per note tag."""
    groups: dict[str, list[Outcome]] = {}
    tags: dict[str, list[Outcome]] = {}
    for o in outcomes:
        groups.setdefault(f"{o.case.profile}/{o.case.lang or '?'}", []).append(o)
        for t in o.case.notes:
            tags.setdefault(t, []).append(o)
    return {"overall": summary(outcomes),
            "groups": {k: summary(v) for k, v in sorted(groups.items())},
            "notes": {k: {"n": len(v), "combined_accuracy": _ratio(sum(o.ok for o in v), len(v))}
                      for k, v in sorted(tags.items())}}


def table(figures: dict) -> str:
    """The report as a fixed-width table for the terminal."""
    head = f"{'set':24} {'n':>5} {'templates':>9} {'combined':>9} {'llm n':>6} {'llm acc':>8} " \
           f"{'tmpl p50':>9} {'tmpl p95':>9} {'all p95':>9}"
    rows = [head, "-" * len(head)]
    for name, s in [*figures["groups"].items(), ("all", figures["overall"])]:
        llm_acc = "-" if s["llm_accuracy"] is None else f"{s['llm_accuracy']:.1%}"
        rows.append(f"{name:24} {s['n']:>5} {s['templates_accuracy']:>9.1%} {s['combined_accuracy']:>9.1%} "
                    f"{s['llm_calls']:>6} {llm_acc:>8} {s['templates_ms_p50']:>7.2f}ms "
                    f"{s['templates_ms_p95']:>7.2f}ms {s['total_ms_p95']:>7.1f}ms")
    answers = figures["overall"]["llm_items"]
    if figures["overall"]["llm_calls"]:
        raw, kept = answers["llm_raw"], answers["llm_grounded"]
        rows.append(f"LLM path answers (right / wrong / none): before grounding {raw['right']} / "
                    f"{raw['wrong']} / {raw['none']}, after {kept['right']} / {kept['wrong']} / {kept['none']} "
                    f"({figures['overall']['llm_right_lost']} right answers lost)")
    if figures["notes"]:
        rows.append("")
        rows.append("by note: " + ", ".join(f"{k} {v['combined_accuracy']:.0%} ({v['n']})"
                                            for k, v in figures["notes"].items()))
    return "\n".join(rows)
