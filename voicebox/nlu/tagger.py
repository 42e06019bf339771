"""Tokens → tags: the lexicon's longest phrase at each place, exact first, then repaired.

A tag says what a stretch of the transcript means as fields of a partial item ({"component":
"insulator"}, {"verb": "down", "attribute": "brightness"}, {"asset": {"type": "tower", "id":
"12"}}) or as a grammar role (split, to, question, negation …). Words the lexicon does not
know are skipped, which is what makes fillers ("嗯", "那个", "uh") and politeness harmless;
numbers nobody claimed become {"number": n}.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from voicebox.nlu import particles
from voicebox.nlu.fuzzy import EnglishIndex, PinyinIndex, Repair, english_words, sounds_like_device
from voicebox.nlu.lexicon import Entry, Lexicon
from voicebox.nlu.text import Token


@dataclass(frozen=True)
class Tag:
    """Tokens [start, end) mean `fields`; `sources` are the lexicon tables they came from."""

    start: int
    end: int
    fields: dict[str, Any]
    sources: frozenset[str] = frozenset()
    text: str = ""
    score: float = 1.0  # 1 for an exact match, the repair's score for a fuzzy one
    lead: bool = False  # first of its clause: only fillers and split words before it
    opens: bool = False  # …and its clause starts the utterance or follows a mark (",", "?"), not "and"
    unexplained: int = 0  # words right after it that the lexicon does not know ("turn on the *oven*")

    def get(self, key: str, default: Any = None) -> Any:
        return self.fields.get(key, default)

    @property
    def role(self) -> str | None:
        return self.fields.get("role")


@dataclass
class Tagger:
    """Tags transcripts of one language against one lexicon."""

    lex: Lexicon
    fuzzy: bool = True
    _index: Any = field(default=None, init=False, repr=False)

    def index(self):
        if self._index is None:
            stop = {p for p, entries in self.lex.phrases.items()
                    if any(e.fields.get("role") in ("stopword", "filler") for e in entries)}
            self._index = PinyinIndex(self.lex) if self.lex.lang == "zh" else EnglishIndex(self.lex, stop)
        return self._index

    def tag(self, tokens: list[Token]) -> list[Tag]:
        exact = [_numbers_first(tokens[i], self.lex.match(tokens, i)) for i in range(len(tokens))]
        # a repair may not swallow a word the lexicon knows as content ("turn tv" is not "turn it off")
        known = {i for i, found in enumerate(exact) if any(_content(e) or e.fields.get("role") in _HARD_ROLES
                                                            for m in found for e in m[1])}
        if self.lex.lang == "zh":  # a single known character may be the right half of a mis-heard
            known = {i for i, found in enumerate(exact)  # word: 其飞 is 起飞 though 飞 alone is a verb
                     if any(m[0] - i >= 2 and any(_content(e) for e in m[1])
                            or any(e.fields.get("role") in _HARD_ROLES for e in m[1]) for m in found)}
        plan = self._plan(tokens, exact, known)
        tags: list[Tag] = []
        i = 0
        while i < len(tokens):
            kind, end, repair = plan[i]
            tok = tokens[i]
            if kind == "question":
                tags.append(Tag(i, end, {"role": "question"}, text="".join(t.text for t in tokens[i:end])))
            elif kind == "mark":
                tags.append(Tag(i, end, {"role": "split" if tok.text == "," else "question", "hard": True},
                                text=tok.text))
            elif kind == "repair":
                tags.append(self._repaired(tokens, i, repair))
            elif kind == "exact":
                tag = _merge([m for m in exact[i] if m[0] == end], tokens, i, end)
                tags.append(self._asking(tag, exact))
            elif tok.is_num:
                tags.append(Tag(i, end, {"number": tok.num}, frozenset({"number"}), tok.text))
            i = end
        tags = self._object_devices(particles.stray(tags, tokens), tokens) if self.fuzzy else tags
        if self.lex.lang == "en":
            tags = particles.device_particle(particles.leading(tags, self.lex), self.lex)
        tags = _bound_characters(tags, tokens) if self.lex.lang == "zh" else tags
        tags = _device_or_value(tags)
        return _mark_unexplained(_mark_leads(tags), len(tokens))

    def _object_devices(self, tags: list[Tag], tokens: list[Token]) -> list[Tag]:
        """A single unknown word where the thing to act on is said, that sounds like a device
        word, is that device (score 0.75): "turn on the lamb", "把客厅等关掉"."""
        if any("device" in t.fields for t in tags):
            return tags  # the device is said: "light up this room" is not about a roomba
        out: list[Tag] = []
        for k, t in enumerate(tags):
            out.append(t)
            nxt = tags[k + 1].start if k + 1 < len(tags) else len(tokens)
            slot = "verb" in t.fields or "area" in t.fields or t.role == "stopword" or t.text in ("把", "将", "的")
            if nxt - t.end != 1 or not slot or tokens[t.end].is_num:
                continue
            phrase = sounds_like_device(self.lex, tokens[t.end].text)
            if phrase is not None:
                found = _merge([(t.end + 1, self.lex.phrases[phrase], {})], tokens, t.end, t.end + 1)
                out.append(replace(found, score=0.75))
        return out

    def _asking(self, tag: Tag, exact: list) -> Tag:
        """A topic phrase that opens with a question word still asks ("how high are we"); in
        Chinese, which asks in place, one with a question word anywhere ("可以飞多高", "用了多少电")."""
        if tag.end - tag.start < 2 or "topic" not in tag.fields or "role" in tag.fields:
            return tag
        starts = range(tag.start, tag.end) if self.lex.lang == "zh" else (tag.start,)
        inner = [e for j in starts for m in exact[j] if m[0] <= tag.end and (j, m[0]) != (tag.start, tag.end)
                 for e in m[1]]
        if any(e.fields.get("role") == "question" for e in inner):
            return replace(tag, fields={**tag.fields, "role": "question"})
        return tag

    def _plan(self, tokens: list[Token], exact: list, known: set[int]) -> list[tuple]:
        """The segmentation that covers most tokens with lexicon phrases (exact before repaired,
        then fewest pieces): "后门锁上" is 后门 + 锁上, not 后门锁 + an unknown 上."""
        n = len(tokens)
        # from each position on: tokens covered, fewest pieces, fewest repairs; ties go to the
        # longer first piece, then to content words over fillers
        # (tokens covered, -pieces, -repairs, tokens covered by content)
        best: list[tuple[int, int, int, int]] = [(0, 0, 0, 0)] * (n + 1)
        plan: list[tuple] = [("skip", k + 1, None) for k in range(n)]
        questions = [j for j in range(n) if _a_not_a(tokens, j)]
        for i in reversed(range(n)):
            # nothing may run into a 大不大 question: "风大不大" is 风 + 大不大
            limit = min((j for j in questions if j > i), default=n + 1)
            if tokens[i].text in (",", "?"):
                best[i], plan[i] = best[i + 1], ("mark", i + 1, None)
                continue
            requested = any(e.fields.get("role") == "request" for m in exact[i] if m[0] == i + 3 for e in m[1])
            if _a_not_a(tokens, i) and not requested:  # 大不大, 好没好: a yes/no question ("能不能" asks a favour)
                best[i], plan[i] = _add(best[i + 3], 3, False, 0), ("question", i + 3, None)
                continue
            options = [(best[i + 1], ("skip", i + 1, None))]
            for end in {m[0] for m in exact[i] if m[0] <= limit}:
                content = any(_content(e) for m in exact[i] if m[0] == end for e in m[1])
                options.append((_add(best[end], end - i, content, 0), ("exact", end, None)))
            longest = max((m[0] for m in exact[i]), default=i)
            # an exact match of two or more tokens is trusted; shorter ones may lose to a longer repair
            # a grammar word ("is", "not") is kept by a repair, like a content word: "the bedroom
            # is freezing" is not "it freezing"; a small word ("in", "for") may be mis-heard
            anchored = i in known or any(e.fields.get("role") not in (None, "stopword", "filler")
                                         for m in exact[i] for e in m[1])
            repair = self._repair(tokens, i, known, anchored) if self.fuzzy and longest - i < 2 else None
            if repair is not None and longest < repair.end <= limit:
                options.append((_add(best[repair.end], repair.end - i, True, 1), ("repair", repair.end, repair)))
            score, plan[i] = max(options, key=lambda o: (*o[0][:3], o[1][1], o[0][3]))
            best[i] = score
        return plan

    def _repair(self, tokens: list[Token], i: int, known: set[int], anchored: bool) -> Repair | None:
        tok = tokens[i]
        if self.lex.lang == "zh" and not tok.cjk:
            return None
        limit = next((j for j in range(i + 1, len(tokens)) if j in known), len(tokens))
        if self.lex.lang == "zh":
            return self.index().match(tokens[:limit], i)
        found = self.index().match(tokens[:limit], i, anchored)
        if found is None and limit < len(tokens) and not any(t.text in english_words() for t in tokens[i:limit]):
            # a known word may end the window if the repair keeps it as it is and changes no real
            # word before it ("trun off" → "turn off"; "still recording" is not "kill recording")
            wider = self.index().match(tokens, i, anchored)
            words = wider.phrase.split() if wider is not None else []
            if wider is not None and len(words) == wider.end - i and \
                    all(words[j - i] == tokens[j].text for j in range(limit, wider.end)):
                return wider
        return found

    def _repaired(self, tokens: list[Token], i: int, repair: Repair) -> Tag:
        entries = self.lex.phrases[repair.phrase]
        tag = _merge([(repair.end, entries, {})], tokens, i, repair.end)
        return Tag(tag.start, tag.end, tag.fields, tag.sources, tag.text, repair.score)


# Chinese characters that complete the verb before them far more often than they stand alone:
# 起 is a take-off on its own ("起！", "那就起吧"), but 收起, 抬起, 看起来, 想起 are other words
_BOUND = ("起",)


def _bound_characters(tags: list[Tag], tokens: list[Token]) -> list[Tag]:
    """Drop such a character glued to an unknown character before it: that is one word the
    lexicon does not know ("起落架收起来了" retracts the landing gear, it does not take off)."""
    out: list[Tag] = []
    for t in tags:
        before = tokens[t.start - 1] if t.start else None
        glued = before is not None and before.cjk and (not out or out[-1].end < t.start)
        if glued and t.text in _BOUND and "verb" in t.fields:
            continue
        out.append(t)
    return out


def _device_or_value(tags: list[Tag]) -> list[Tag]:
    """A word that names a device and a value ("heat", "cool") is the value once a device is
    said before it in the clause ("set the AC on cool"), else the device ("turn on the heat")."""
    out: list[Tag] = []
    for t in tags:
        if "device" in t.fields and "value" in t.fields:
            since = out[next((k for k in range(len(out) - 1, -1, -1) if out[k].role == "split"), -1) + 1:]
            said = any("device" in o.fields for o in since)
            drop = ("device",) if said else ("value", "value_attr")
            t = replace(t, fields={k: v for k, v in t.fields.items() if k not in drop})
        out.append(t)
    return out


def _numbers_first(tok: Token, found: list) -> list:
    """A word read as a number ("go right *for* meters") is not the grammar word it spells."""
    if tok.is_num and not tok.cjk and all(e.fields.get("role") for m in found for e in m[1]):
        return []
    return found


def _mark_unexplained(tags: list[Tag], n: int) -> list[Tag]:
    """Count the unknown words after each tag, up to the next one (or the end)."""
    ends = [t.start for t in tags[1:]] + [n]
    return [replace(t, unexplained=nxt - t.end) if nxt > t.end else t for t, nxt in zip(tags, ends)]


def _a_not_a(tokens: list[Token], i: int) -> bool:  # not the second half of 不对不对, 不是不是
    return i + 2 < len(tokens) and tokens[i].cjk and tokens[i + 1].text in ("不", "没") and not tokens[i].is_num \
        and tokens[i].text == tokens[i + 2].text and not (i and tokens[i - 1].text == tokens[i + 1].text)


def _add(score: tuple, span: int, content: bool, repairs: int) -> tuple:
    covered, pieces, fuzzy, by_content = score
    return covered + span, pieces - 1, fuzzy - repairs, by_content + (span if content else 0)


def _mark_leads(tags: list[Tag]) -> list[Tag]:
    """Mark the first meaningful tag of each clause (nothing unknown or meaningful before it)."""
    out, covered, joined = [], 0, False
    for t in tags:
        lead = t.start == covered
        if t.role == "split":
            joined = not t.get("hard")
        if t.role in ("split", "filler", "stopword") and lead:
            covered = t.end
        elif t.role == "split":
            covered = t.end
        out.append(replace(t, lead=lead, opens=lead and not joined) if lead else t)
    return out


_HARD_ROLES = ("negation", "split", "request", "pronoun", "question", "to", "by")  # never inside a repaired window


def _content(entry: Entry) -> bool:
    return "role" not in entry.fields


def _merge(matches: list[tuple[int, list[Entry], dict]], tokens: list[Token], start: int, end: int) -> Tag:
    fields: dict[str, Any] = {}
    sources: set[str] = set()
    for _, entries, slots in matches:
        for entry in entries:
            f = dict(entry.fields)
            if "asset" in f and isinstance(f["asset"], str):
                f["asset"] = {"type": f["asset"], "id": _asset_id(slots)}
            elif "n" in slots and "number" not in f and "role" not in f:  # "一小时" is no number of metres
                f["number"] = slots["n"]
            for key, value in f.items():
                fields.setdefault(key, value)
            sources.add(entry.source)
    text = "".join(t.text for t in tokens[start:end]) if tokens[start].cjk else \
        " ".join(t.text for t in tokens[start:end])
    return Tag(start, end, fields, frozenset(sources), text)


def _asset_id(slots: dict[str, float]) -> str:
    ids = [_fmt(slots[s]) for s in ("n", "m") if s in slots]
    return "-".join(ids)


def _fmt(num: float) -> str:
    return str(int(num)) if float(num).is_integer() else str(num)
