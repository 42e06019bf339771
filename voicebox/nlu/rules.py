"""The fast path: transcript → items with no model, in a few milliseconds.

normalise → tokens → tags (lexicon, exact then repaired) → clauses → per clause a query, or
device commands and defect reports. Utterance-level rules then apply: an implied command
("it's too hot") gives way to an explicit one for the same device, the same item said twice
counts once, and a clause that named no asset borrows the utterance's only one.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from voicebox.nlu import clauses as clause_mod
from voicebox.nlu import mood
from voicebox.nlu.commands import Draft, commands
from voicebox.nlu.corrections import corrected
from voicebox.nlu.lexicon import Lexicon
from voicebox.nlu.lexicon import load as load_lexicon
from voicebox.nlu.reports import each_asset, permission, query, reports
from voicebox.nlu.tagger import Tag, Tagger
from voicebox.nlu.text import Token, normalise, tokenize


@dataclass
class RulesResult:
    """What the templates found: drafts, plus what a clarifying reply or the LLM needs to know."""

    drafts: list[Draft] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    partial: list[dict] = field(default_factory=list)   # e.g. a component without a defect
    content: bool = False                                 # names something of the profile
    negated: bool = False                                 # a negation, an aside or a resolved defect anywhere
    declined: bool = False                                # a question or statement, not a command
    unknown: int = 0                                      # words no lexicon phrase explains

    @property
    def confidence(self) -> float:
        return min((d.confidence for d in self.drafts), default=0.0)


class Rules:
    """The template path of one profile in one language."""

    def __init__(self, profile, lang: str, fuzzy: bool = True) -> None:
        self.profile = profile
        self.lang = lang
        self.lex: Lexicon = load_lexicon(profile, lang)
        self.tagger = Tagger(self.lex, fuzzy)

    def warm(self) -> None:
        """Build the repair index and run one utterance, loading what the first parse would."""
        self.tagger.index()
        self.parse("你好" if self.lang == "zh" else "hello")

    def tag(self, text: str) -> list[Tag]:
        return self.tagger.tag(self.tokens(text))

    def tokens(self, text: str) -> list[Token]:
        return tokenize(self.lex.rewrite(normalise(text)), lambda w: w in self.lex.words)

    def parse(self, text: str) -> RulesResult:
        tokens = self.tokens(text)
        tags = self.tagger.tag(tokens)
        covered = {k for t in tags for k in range(t.start, t.end)}
        result = RulesResult(tags=tags, content=clause_mod.about_profile(tags),
                             negated=any(t.role in ("negation", "aside", "resolved") for t in tags)
                             or _inspects(tags),
                             unknown=sum(1 for k, tok in enumerate(tokens) if k not in covered))
        if any(t.role == "aside" for t in tags):  # said to someone else ("take a deep breath")
            return result
        tags = result.tags = _same(corrected(tags))  # "turn left, no, right": what was taken back goes
        assets = list({_key(a): a for t in tags for a in each_asset(t.get("asset"), t.get("range"))}.values())
        subject: str | None = None  # the component a clause without one goes on talking about
        request = _opening_request(tags)  # "could you, uh, freeze it?", "can you save and unfreeze?"
        before: list[Tag] = []
        for clause in clause_mod.split(tags, self.lang):
            request, clause = _requested(request, clause)
            clause, before = _referent(clause, before, self.lang), clause
            said = mood.of(clause)
            if any(t.role == "unsupported" for t in clause):  # "删除上一张图": known, and not ours
                result.declined = True
                continue
            result.declined = result.declined or said != mood.COMMAND
            if said == mood.QUESTION:  # a query or nothing: a question never moves anything
                asked = query(clause, self.profile, text)
                result.drafts.extend([asked] if asked is not None else [])
                continue
            if clause_mod.negated(clause) or any(t.role == "resolved" for t in clause) or _inspects(clause):
                continue  # "没有裂纹", "don't land"; "they fixed the loose bolts", "check for cracks": nothing to report
            found, partial = reports(clause, self.profile, assets, subject)
            subject = found[-1].item["component"] if found else subject
            result.drafts.extend(found)
            # a statement ("the bedroom is freezing") keeps only what it implies ("too hot")
            done = [d for d in commands(clause, self.profile) if said == mood.COMMAND or d.implied]
            asked = permission(clause, self.profile, text) if not found and not done else None
            result.drafts.extend(done + ([asked] if asked is not None else []))
            if not found:
                result.partial.extend(partial)
        result.drafts = _settle(result.drafts)
        if result.drafts:
            result.partial = []
        return result


def _opening_request(tags: list[Tag]) -> Tag | None:
    """A request said before anything to do (a piece of its own is dropped from the clauses)."""
    for t in tags:
        if t.role == "request":
            return t
        if any(k in t.fields for k in clause_mod.CONTENT):
            return None
    return None


def _requested(request: Tag | None, clause: list[Tag]) -> tuple[Tag | None, list[Tag]]:
    """A request said before goes on to a clause that opens with what to do ("could you, uh,
    freeze it?", "can you save the image and unfreeze?"), not to one that tells or asks."""
    own = next((t for t in clause if t.role == "request"), None)
    if own is not None or request is None:
        return request or own, clause
    first = next((t for t in clause if t.role not in ("filler", "stopword", "split", "join")), None)
    if first is not None and "verb" in first.fields and not first.get("implied"):
        return request, [request, *clause]
    return request, clause


def _same(tags: list[Tag]) -> list[Tag]:
    """"tower 18, damper missing, same on 19": the number of a repeat ([asset] same) is another
    asset of the kind said before it, or no asset when none was."""
    out, kind = [], None
    for t in tags:
        asset = t.get("asset")
        if asset is not None and asset["type"] == "same":
            fields = {k: v for k, v in t.fields.items() if k != "asset"}
            t = replace(t, fields={**fields, "asset": {**asset, "type": kind}} if kind else fields)
        kind = asset["type"] if asset is not None and asset["type"] not in ("same", "span") else kind
        out.append(t)
    return out


def _referent(clause: list[Tag], before: list[Tag], lang: str) -> list[Tag]:
    """"it" in a clause that names no device is what the clause before named, said or implied
    ("I can't hear the telly, turn it up a bit", "it's too loud, turn it down"); Chinese often
    leaves "it" unsaid before its verb after a complaint or a denial ("空调咋还开着呢 关了吧",
    "别开风扇了 关了吧"; but "把空调关了 然后锁门" locks the door)."""
    if any(k in t.fields for t in clause for k in ("device", "entity", "area")):
        return clause
    said = [t for t in before if ("entity" in t.fields or "device" in t.fields) and "verb" not in t.fields]
    said = said or [Tag(0, 0, {"device": t.get("device")}, t.sources, t.text) for t in before
                    if t.get("implied") and "device" in t.fields][:1]
    it = next((t for t in clause if t.role == "pronoun"), None)
    if it is None and lang == "zh" and said and (mood.of(before) != mood.COMMAND or clause_mod.negated(before)):
        verb = next((t for t in clause if "verb" in t.fields and not t.get("implied")), None)
        if verb is not None:  # what the clause before named, first in the clause as if said there
            at = clause[0]
            return [replace(t, start=at.start, end=at.start, lead=at.lead, opens=at.opens) for t in said] + clause
    if it is None:
        return clause
    k = clause.index(it)
    return clause[:k] + [replace(t, start=it.start, end=it.end) for t in said] + clause[k + 1:] if said else clause


def _inspects(tags: list[Tag]) -> bool:
    """An order to look ("check tower 5 for cracks", "检查一下绝缘子裂纹"): its defect is what to
    look for, not a finding; a past form ("checked it, found a crack") narrates a finding."""
    said = [t for t in tags if t.role not in ("filler", "stopword", "request", "split")]
    return bool(said) and said[0].role == "inspect" and not mood.past(said[0])


def _key(asset: dict) -> tuple:
    return asset["type"], asset["id"]


# A landing includes the descent before it, a take-off the climb, a return home the way back:
# "降下来落地" is one landing, "go back to home point" one return.
_ABSORBS = {"land": "down", "take_off": "up", "return_home": "back"}


def _said(d: Draft) -> tuple:
    return d.item["defect"], _key(d.item["asset"] or {"type": "", "id": ""})


def _take_details(report: dict, repeat: dict) -> None:
    """A report takes the grade and the side its repeat said and it did not."""
    report.update({k: repeat[k] for k in ("severity", "position") if report.get(k) is None and repeat.get(k)})


def _restated(drafts: list[Draft]) -> list[Draft]:
    """A finding said again at once in other words is one report with what either said:
    "conductor strand damage, three strands broken, severity moderate"."""
    kept: list[Draft] = []
    for d in drafts:
        last = kept[-1].item if kept else {}
        if d.item["kind"] == "defect_report" and last.get("kind") == "defect_report" \
                and all(last.get(k) == d.item.get(k) for k in ("component", "defect", "asset")) \
                and all(None in (last.get(k), d.item.get(k)) or last.get(k) == d.item.get(k) for k in ("severity", "position")):
            _take_details(last, d.item)
            continue
        kept.append(d)
    return kept


def _settle(drafts: list[Draft]) -> list[Draft]:
    """Drop implied commands where an explicit one is said, vague moves that a landing or a
    take-off includes, and repeated items."""
    actions = {d.item.get("action") for d in drafts}
    absorbed = {_ABSORBS[a] for a in actions if a in _ABSORBS}
    drafts = [d for d in drafts if not (d.item.get("action") == "move" and d.item.get("value") is None
                                        and d.item.get("direction") in absorbed)]
    # "10号塔有异物，风筝挂在导线上": one foreign object, on the conductor said, not the tower guessed
    # "insulators are filthy, heavy contamination": what the repeat adds (a grade, a side) goes on
    said = {_said(d): d for d in drafts if d.item["kind"] == "defect_report" and not d.notes.get("inferred")}
    for d in drafts:
        if d.item["kind"] == "defect_report" and d.notes.get("inferred") and _said(d) in said:
            _take_details(said[_said(d)].item, d.item)
    drafts = [d for d in drafts if not (d.item["kind"] == "defect_report" and d.notes.get("inferred") and
                                        _said(d) in said)]
    drafts = _restated(drafts)
    # a wish said with an order is the order's reason: "it's a bit stuffy, put the fan on"
    ordered = any(d.item["kind"] == "device_command" and not d.implied for d in drafts)
    # the same item said again at once is one ("关灯 把灯关了"); with another between it is done
    # again ("拍一张 往右挪5米 再拍一张")
    kept, last = [], None
    for d in drafts:
        if d.implied and ordered:
            continue
        key = tuple(sorted((k, str(v)) for k, v in d.item.items()))
        if key == last:
            continue
        last = key
        kept.append(d)
    return kept
