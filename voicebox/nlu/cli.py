"""`voicebox parse` and `voicebox eval`: the understanding stage from the command line.

`parse` prints the contract's parse object (§3) for one utterance, or one JSON line per
input line when no text is given. The LLM module is imported only when an utterance needs
it, so a templates-only run starts fast; its model is checked before any input is read.
`eval` scores labelled sets (evaluate.py).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from voicebox import profile as profiles
from voicebox.errors import BadInputError, ConfigError, VoiceboxError
from voicebox.models import default_store

if TYPE_CHECKING:
    from voicebox.nlu import evaluate

MAX_TEXT = 2000  # characters; a transcript longer than this is not speech


class LazyLlm:
    """The profile's LlmParser, created and loaded on the first utterance that needs it."""

    def __init__(self, store, profile) -> None:
        self._store, self._profile, self._parser = store, profile, None

    @property
    def loaded(self) -> bool:
        return self._parser is not None and self._parser.loaded

    def load(self) -> float:
        if self._parser is None:
            from voicebox.nlu.llm import LlmParser

            self._parser = LlmParser(self._store, self._profile)
        return self._parser.load()

    def parse(self, text: str, lang: str):
        return self._parser.parse(text, lang)


def understander(profile_name: str, no_llm: bool, lang: str | None = None):
    """An Understander for a profile, with the LLM path unless --no-llm or the profile disables it.

    A `lang` the profile does not speak is a UsageError; the LLM's model is checked now (exit 3
    naming its pull), as `voicebox run` checks its models, not at the first utterance needing it.
    """
    from voicebox.nlu.understander import Understander

    store = default_store()
    prof = profiles.load(profile_name, store.manifest)
    if lang is not None:
        prof.language(lang)
    llm = None if no_llm or not prof.llm.enabled else LazyLlm(store, prof)
    if llm is not None and prof.llm.model in store.manifest.models:
        store.require(prof.llm.model)
    return Understander(prof, llm=llm)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("parse", help="understand text: items, reply and path as JSON (contract §3)")
    p.add_argument("text", nargs="?", metavar="TEXT", help="the utterance (none: one per stdin line)")
    p.add_argument("--profile", default="smart_home", help="profile name or .toml path")
    p.add_argument("--lang", help="language of the text (default: detected; CJK characters mean zh)")
    p.add_argument("--no-llm", action="store_true", help="templates only, never the LLM")
    p.set_defaults(func=run_parse)

    e = sub.add_parser("eval", help="score labelled JSON Lines sets: accuracy per path, latency")
    e.add_argument("files", nargs="+", type=Path, metavar="FILE.jsonl")
    e.add_argument("--profile", help="profile for lines that name none; lines of other profiles are skipped")
    e.add_argument("--no-llm", action="store_true", help="templates only")
    e.add_argument("--json", action="store_true", help="print the figures as JSON")
    e.add_argument("--failures", action="store_true", help="also list every utterance that was wrong")
    e.add_argument("--llm-always", action="store_true",
                   help="ask the LLM about every utterance (measures the LLM path and its grounding)")
    e.set_defaults(func=run_eval)


def _check(text: str) -> str | None:
    """Why a text cannot be understood, or None."""
    if len(text) > MAX_TEXT:
        return f"text longer than {MAX_TEXT} characters"
    if any(ord(c) < 32 and c not in "\t" for c in text):
        return "text holds control characters"
    if any("\udc80" <= c <= "\udcff" for c in text):  # undecodable argument bytes (surrogateescape)
        return "text is not valid UTF-8"
    return None


def run_parse(args: argparse.Namespace) -> int:
    und = understander(args.profile, args.no_llm, args.lang)
    und.load()
    if args.text is not None:
        problem = _check(args.text)
        if problem:
            raise BadInputError(problem)
        print(json.dumps(und.parse(args.text, args.lang).to_dict(), ensure_ascii=False))
        return 0
    bad, failed = 0, None
    for n, raw in enumerate(sys.stdin.buffer, 1):
        line = raw.rstrip(b"\r\n")
        if n == 1:
            line = line.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte order mark is not text
        try:
            text = line.decode("utf-8")
            problem = _check(text)
        except UnicodeDecodeError:
            text, problem = line.decode("utf-8", "replace"), "not valid UTF-8"
        if problem:
            bad += 1
            out = {"text": text, "items": [], "reply": None, "path": "none", "elapsed_ms": 0.0,
                   "error": f"line {n}: {problem}"}
        else:
            try:
                out = und.parse(text, args.lang).to_dict()
            except VoiceboxError as err:  # the LLM failed mid-run: this line and the rest templates only
                failed = failed or err
                und.set_llm_enabled(False)
                out = {**und.parse(text, args.lang).to_dict(),
                       "error": f"line {n}: {err}; templates only from this line on"}
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    if failed is not None:
        raise failed
    if bad:
        raise BadInputError(f"{bad} input line(s) could not be parsed (see their \"error\" fields)")
    return 0


def score(cases: list[evaluate.Case], no_llm: bool,
          each: Callable[[evaluate.Outcome], None] | None = None,
          llm_always: bool = False) -> list[evaluate.Outcome]:
    """One Outcome per labelled case (evaluate.py), each parsed as a session of its own;
    `each(outcome)` is called after every case (progress bars)."""
    from voicebox.nlu import evaluate

    outcomes, unders = [], {}
    for case in cases:  # every profile and its models checked before the first utterance is scored
        if case.profile not in unders:
            try:
                unders[case.profile] = understander(case.profile, no_llm)
            except ConfigError as err:
                raise ConfigError(f"{case.where}: {err}") from None
            unders[case.profile].load()
            unders[case.profile].llm_always = llm_always
    for case in cases:
        und = unders[case.profile]
        und.reset()  # each labelled utterance is a session of its own
        start = time.perf_counter()
        parsed = und.parse(case.text, case.lang)
        total = (time.perf_counter() - start) * 1000
        outcomes.append(evaluate.Outcome(
            case, evaluate.items_match(case.items, parsed.extra["rules_items"]),
            evaluate.items_match(case.items, parsed.items), parsed.path, parsed.extra["llm_used"],
            parsed.extra["rules_ms"], total, list(parsed.items),
            evaluate.llm_answer(case, parsed.extra["llm_items"]),
            evaluate.llm_answer(case, parsed.extra["llm_grounded"])))
        if each is not None:
            each(outcomes[-1])
    return outcomes


def run_eval(args: argparse.Namespace) -> int:
    from voicebox.nlu import evaluate

    if args.profile:
        profiles.load(args.profile, default_store().manifest)  # an unknown one is named, exit 2
    cases = evaluate.load_cases(args.files, args.profile)
    if args.profile:
        cases = [c for c in cases if c.profile == args.profile]
    if not cases:
        raise BadInputError("no labelled utterances to score")
    outcomes = score(cases, args.no_llm, llm_always=args.llm_always)
    figures = evaluate.report(outcomes)
    if args.failures:
        for o in outcomes:
            if not o.ok:
                print(json.dumps({"where": o.case.where, "text": o.case.text, "expected": o.case.items,
                                  "got": o.got, "path": o.path}, ensure_ascii=False))
    print(json.dumps(figures, ensure_ascii=False, indent=2) if args.json else evaluate.table(figures))
    return 0
