"""How well the words behind an item were heard, and when a risky item is asked back instead.

The recogniser gives each word a confidence (its posterior in the recogniser's lattice). An
item rests on some of those words — its evidence: the verb that chose its action, the words
naming its device, target, component, defect, value … An item is only as sure as its least
sure evidence, so its confidence becomes the template confidence scaled by that.

Some actions are worse to get wrong than to miss: unlocking a door that was meant to be
locked. `[understanding.confirm]` names them per device with the verbs that may trigger them
without a question (`lock = { unlock = ["unlock", "open"] }`). Such an item is not emitted —
the speaker is asked ("Did you say lock or unlock the front door?") — when no accepted verb
was said (a bare "off" read as unlock) or when its evidence was heard with a confidence
below `confirm_min_confidence`. Items from the LLM path have no evidence and are asked too.

Any other item whose evidence was heard below `act_min_confidence`, or said in an utterance
whose words were heard below `act_min_mean_confidence` on average (most of it was guessed:
the words an item rests on may be part of the guess), is not acted on at all: a wrong action
is worse than none, and the speaker is asked to say it again (the `unheard` reply, else
`nothing`). A question rests on its question words as well ("what", "how").
"""
from __future__ import annotations

from typing import Any, Sequence

from voicebox.nlu.commands import action_for
from voicebox.nlu.tagger import Tag
from voicebox.nlu.text import Token, normalise, tokenize

# The action a speaker may have meant instead, named in the question.
OPPOSITE = {"lock": "unlock", "unlock": "lock", "open": "close", "close": "open", "turn_on": "turn_off",
            "turn_off": "turn_on", "start": "stop", "stop": "start", "mute": "unmute", "unmute": "mute",
            "increase": "decrease", "decrease": "increase", "take_off": "land", "land": "take_off",
            "freeze": "unfreeze", "unfreeze": "freeze"}
QUESTION_ROLES = ("question", "question_start")   # the words that make a query a query
_SAME = ("device", "attribute", "value", "component", "defect", "position", "severity", "topic", "direction")


def token_confidences(tokens: list[Token], words: Sequence[tuple[str, float]]) -> list[float] | None:
    """Per token of the transcript, the lowest confidence of the heard words it is made of;
    None when the words do not line up with the tokens (then nothing is scaled)."""
    pieces: list[float] = []
    for text, confidence in words:
        pieces += [float(confidence)] * sum(_pieces(t) for t in tokenize(normalise(text)))
    out, at = [], 0
    for tok in tokens:
        n = _pieces(tok)
        if at + n > len(pieces):
            return None
        out.append(min(pieces[at:at + n]))
        at += n
    return out if at == len(pieces) else None


def _pieces(tok: Token) -> int:
    """Words of the transcript a token stands for: a spoken number folds several into one."""
    return len(tok.text.split()) if tok.is_num and not tok.cjk else 1


def evidence(item: dict, tags: list[Tag], profile) -> list[Tag]:
    """The tags an item rests on: those that name one of its fields (and a query's question words)."""
    query = item.get("kind") == "query"
    return [t for t in tags if t.role is None and _supports(t, item, profile) or query and t.role in QUESTION_ROLES]


def _supports(tag: Tag, item: dict, profile) -> bool:
    f = tag.fields
    if any(key in f and f[key] == item.get(key) for key in _SAME):
        return True
    if item.get("target") is not None and item.get("target") in (f.get("entity"), f.get("area")):
        return True
    if "asset" in f and f["asset"] == item.get("asset"):
        return True
    if "number" in f and isinstance(item.get("value"), (int, float)) and f["number"] == item["value"]:
        return True
    return "verb" in f and verb_means(f["verb"], item, profile)


def verb_means(verb: str, item: dict, profile) -> bool:
    """Whether the verb class `verb` gives the item's action for its device."""
    action = item.get("action")
    return action is not None and (verb == action or action_for(verb, item.get("device", ""), profile) == action)


def heard_confidence(tags: list[Tag], confidences: list[float] | None) -> float | None:
    """The lowest confidence of the words under `tags`, None when unknown."""
    if confidences is None or not tags:
        return None
    return min(min(confidences[t.start:t.end], default=1.0) for t in tags)


def heard_scale(heard: float) -> float:
    """The factor on an item's template confidence for evidence heard with confidence `heard`."""
    return heard


def needs_confirmation(item: dict, tags: list[Tag], heard: float | None, profile) -> bool:
    """A risky item (`[understanding.confirm]`) not said plainly enough to act on."""
    und = profile.understanding
    accepted = und.confirm.get(item.get("device", ""), {}).get(item.get("action", ""))
    if accepted is None:
        return False
    said = [t.get("verb") for t in tags if "verb" in t.fields and verb_means(t.get("verb"), item, profile)]
    if not any(v in accepted for v in said):
        return True
    return heard is not None and heard < und.confirm_min_confidence


def mean_confidence(words: Sequence[tuple[str, float]] | None) -> float | None:
    """How well the utterance was heard as a whole: the mean confidence of its words."""
    return sum(float(c) for _, c in words) / len(words) if words else None


def unheard(heard: float | None, utterance: float | None, profile) -> bool:
    """An item heard too poorly to act on: its evidence (`heard`) below `act_min_confidence`,
    or the utterance's mean word confidence below `act_min_mean_confidence`."""
    und = profile.understanding
    return (heard is not None and heard < und.act_min_confidence
            or utterance is not None and utterance < und.act_min_mean_confidence)


def say_again(replier) -> str:
    """"Sorry, I didn't catch that …": the reply when items were not acted on for how they were heard."""
    return replier.render(["unheard", "nothing"], {})


def question(replier, item: dict) -> str:
    """"Did you say lock or unlock the front door?" in the utterance's language."""
    lex = replier.lex
    action = item.get("action", "")
    fields: dict[str, Any] = replier._fields(item, None)
    pair = sorted({action, OPPOSITE.get(action, action)})   # "lock or unlock", whichever was heard
    fields.update(action=lex.name("verb", pair[0]), other=lex.name("verb", pair[-1]))
    return replier.render(["confirm", "nothing"], fields)
