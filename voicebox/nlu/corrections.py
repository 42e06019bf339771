"""Self-corrections: "turn left, no, right", "左转，不对，右转", "tower 8, no wait, tower 9".

A correction (`[grammar] correction`: "no wait", "I mean", "不对", "说错了"), or a bare
negation said as a piece of its own between marks ("go left, no, right"), takes back the
piece before it. What the piece after it says replaces what the piece before said of the same
kind (the verb, where to, what to act on, the attribute, the amount, the asset …); the rest of
the piece before stays, so "decrease depth, no, increase it" increases the depth and
"把卧室灯关了，不对，是客厅灯" turns off the living-room light. A correction with nothing after
it takes the piece back ("land, no"), and so does one followed by a denial ("…, no, it's fine").
"""
from __future__ import annotations

from dataclasses import replace

from voicebox.nlu.clauses import is_tag_question
from voicebox.nlu.tagger import Tag

# fields of one kind: a tag with any of them is replaced by a later tag with any of them
_KINDS = (("verb",), ("direction", "position"), ("device", "entity", "area"), ("attribute",),
          ("number", "value", "step"), ("unit",), ("asset",), ("component",), ("defect",),
          ("severity",), ("topic",))
_QUIET = ("filler", "stopword")
# corrections only between marks, with what replaces it after: "go up, wait, go down ten meters"
# (but "fly forward and wait" hovers, "turn on the light and wait" is no correction, "sorry to
# bother you" is politeness)
_WEAK = ("wait", "hang on", "sorry", "等等")


def corrected(tags: list[Tag]) -> list[Tag]:
    """The tags with every self-correction applied, first to last."""
    out = list(tags)
    k = _next(out, 0)
    while k is not None:
        out, resume = _apply(out, k)
        k = _next(out, resume)
    return out


def _kinds(t: Tag) -> set[int]:
    return {n for n, keys in enumerate(_KINDS) if any(key in t.fields for key in keys)}


def _next(tags: list[Tag], start: int) -> int | None:
    """The index of the next correction at or after `start` with something said before it."""
    for k in range(start, len(tags)):
        t = tags[k]
        if not any(_kinds(o) for o in tags[:k]):
            continue
        if t.text in _WEAK and not (_alone(tags, k) and any(_kinds(o) for o in tags[k + 1:])):
            continue  # "wait" takes back only as a piece of its own with something after it
        if t.role == "correction" or t.role == "negation" and _alone(tags, k) and not is_tag_question(tags[k:]):
            return k  # not a closing "…, didn't you": that asks (clauses.py)
    return None


def _alone(tags: list[Tag], k: int) -> bool:
    """A piece of its own: only marks (or the ends) and fillers around it ("go left, no, right")."""
    def bounded(step: int) -> bool:
        j = k + step
        while 0 <= j < len(tags) and tags[j].role in _QUIET:
            j += step
        return not 0 <= j < len(tags) or tags[j].role == "split" and bool(tags[j].get("hard"))
    return bounded(-1) and bounded(1)


def _apply(tags: list[Tag], k: int) -> tuple[list[Tag], int]:
    """Apply the correction at `k`; also where to look for the next one."""
    a_end = k
    while a_end > 0 and (tags[a_end - 1].role in _QUIET or tags[a_end - 1].role == "split"):
        a_end -= 1
    a_start = a_end
    while a_start > 0 and tags[a_start - 1].role != "split":
        a_start -= 1
    b_start = k + 1
    while b_start < len(tags) and tags[b_start].role == "split":
        b_start += 1
    b_end = next((j for j in range(b_start, len(tags)) if tags[j].role == "split"), len(tags))
    said = [t for t in tags[b_start:b_end] if _kinds(t) or t.role == "negation"]
    if not said:  # "land, no", "take off, no wait": taken back, nothing in its place
        return tags[:a_start] + tags[b_end:], a_start
    # said again with a denial ("land, no, don't land", "… cracked, no, it's fine"): only that counts
    denied = any(t.role == "negation" for t in said)
    merged = said if denied else _replace(tags[a_start:a_end], said)
    return tags[:a_start] + merged + tags[b_end:], a_start + len(merged)


def _replace(before: list[Tag], after: list[Tag]) -> list[Tag]:
    """The piece before with the kinds the piece after says swapped in, in place."""
    said = set().union(*(_kinds(t) for t in after))
    out: list[Tag] = []
    placed: set[int] = set()
    for t in before:
        clash = _kinds(t) & said
        if not clash:
            out.append(t)
            continue
        # "turn left" said back as "right": the turn stays, its direction goes
        gone = {key for n in clash for key in _KINDS[n]}
        rest = replace(t, fields={key: v for key, v in t.fields.items() if key not in gone})
        out.extend([rest] if _kinds(rest) else [])
        for n, u in enumerate(after):
            if n not in placed and _kinds(u) & clash:
                out.append(u)
                placed.add(n)
    return out + [u for n, u in enumerate(after) if n not in placed]
