"""Tags → clauses: one clause per thing the speaker asked for or reported.

An utterance is cut at commas and at split words ("and", "then", "然后", "再", "和"). A
piece with nothing to say on its own — "… and the living room", "把厨房和客厅的灯都关掉"'s
"把厨房" — joins its neighbour, so the shared verb applies to both and the assemblers see two
targets in one clause. Chinese puts the shared head last ("厨房和客厅的灯"), English first
("the lights in the kitchen and the living room"): the piece joins the next clause in
Chinese and the previous one in English.
"""
from __future__ import annotations

import re
from dataclasses import replace

from voicebox.nlu.tagger import Tag

CONTENT = ("device", "entity", "area", "attribute", "value", "component", "defect", "topic",
           "asset", "verb", "number", "position", "severity", "direction", "step")
QUESTION_ROLES = ("question", "question_start", "question_end")


def has_core(tags: list[Tag]) -> bool:
    """Whether a piece can stand alone: a verb, a defect, a question, or a value for something."""
    for t in tags:
        if "verb" in t.fields and t.get("verb") != "adjust" or "defect" in t.fields or t.get("implied"):
            return True
        if t.role in QUESTION_ROLES and not _how_bad(tags) or t.role in ("negation", "narrative"):
            return True  # "tower 9 looks fine, but …"
    has_value = any("number" in t.fields or "value" in t.fields for t in tags)
    # "forward ten meters then land": a way to go and how far is a move of its own
    return has_value and any(k in t.fields for t in tags for k in ("attribute", "device", "entity", "verb", "direction"))


def _how_bad(tags: list[Tag]) -> bool:
    """"…, this is critical", "it's quite serious": a copula after a word says how bad what was
    reported before is; it is no question and joins that report."""
    said = [t for t in tags if t.role not in ("filler", "stopword", "pronoun")]
    return len(said) == 2 and said[0].role == "question_start" and said[0] is not tags[0] \
        and set(said[1].fields) == {"severity"}


SUBJECTS = ("device", "entity", "area", "attribute", "value", "component", "defect", "topic", "asset", "verb")


def has_content(tags: list[Tag]) -> bool:
    return any(k in t.fields for t in tags for k in CONTENT)


def about_profile(tags: list[Tag]) -> bool:
    """Whether the utterance names something to act on or report (a place, a tower number, a
    bare number or "left" alone do not)."""
    return any(k in t.fields for t in tags for k in SUBJECTS if k not in ("area", "asset"))


def split(tags: list[Tag], lang: str) -> list[list[Tag]]:
    """Clauses of an utterance, in order; pieces without a core join a neighbour."""
    pieces: list[list[Tag]] = [[]]
    for t in tags:
        if t.role == "split":
            if pieces[-1]:
                pieces.append([])
        else:
            pieces[-1].append(t)
    if lang == "zh":
        pieces = [s for p in pieces for s in _sentences(p)]
    pieces = _asks_about_before([p for p in _tag_question(pieces) if has_content(p) or any(t.role in QUESTION_ROLES for t in p)], tags)
    if len(pieces) < 2:
        return pieces
    forward = lang == "zh"
    merged: list[list[Tag]] = []
    pending: list[Tag] = []
    for k, piece in enumerate(pieces):
        piece = _joined(pending, piece)
        pending = []
        if merged and not forward and _how_much_more(merged[-1], piece):
            merged[-1] = _joined(merged[-1], _how_much_more(merged[-1], piece))
        elif has_core(piece) or not merged and not forward and k == len(pieces) - 1:
            merged.append(piece)
        elif forward and k < len(pieces) - 1 or not merged:
            pending = piece
        elif _gapped(merged[-1], piece):
            merged.append(_gapped(merged[-1], piece))
        else:
            merged[-1] = _joined(merged[-1], piece)
    if pending:
        if merged:
            merged[-1] = _joined(merged[-1], pending)
        else:
            merged.append(pending)
    return merged


# Chinese closes a sentence with a particle (了, 呢, 吧 …)
_FINAL = ("了", "呢", "吧", "啦", "嘛", "呀", "啊")


def _sentences(piece: list[Tag]) -> list[list[Tag]]:
    """A Chinese piece cut where a complaint or a denial ends, when an order with a verb of its
    own follows: after a closing particle ("灯咋还开着呢 关了吧", "嫑往高飞了 就这个高度 悬着"),
    or right before the order after a 咋还 ("风扇怎么还在转 关了"). What the first sentence
    denies or complains of does not reach the order."""
    for k, t in enumerate(piece[:-1]):
        told = [o for o in piece[:k] if o.role in ("narrative", "negation")]
        closed = t.text in _FINAL or any(o.text.endswith("还") for o in told) and _order(piece[k + 1])
        if told and closed and any(_order(o) for o in piece[k + 1:]):
            return [piece[:k + 1]] + _sentences([replace(piece[k + 1], lead=True, opens=True), *piece[k + 2:]])
    return [piece]


def _order(t: Tag) -> bool:
    return "verb" in t.fields and not t.get("implied")


def _valued(tags: list[Tag]) -> bool:
    return any("number" in t.fields or "value" in t.fields for t in tags)


def _gapped(before: list[Tag], piece: list[Tag]) -> list[Tag]:
    """A second value for the clause before, its verb and device left out ("set the AC to heat
    mode and 22 degrees"): a clause of its own with them; [] when the piece is no such value."""
    if not _valued(piece) or not _valued(before) or not any("verb" in t.fields for t in before):
        return []
    shared = [t for t in before if "verb" in t.fields and not _valued([t]) or t.role == "to"
              or any(k in t.fields for k in ("device", "entity", "area")) and not _valued([t])]
    return shared + piece


_THINGS = ("device", "entity", "area", "attribute", "value", "component", "defect", "direction", "asset", "topic")


def _how_much_more(before: list[Tag], piece: list[Tag]) -> list[Tag]:
    """How much of the clause before, said after it with a bare "more"/"less" the same way ("go
    deeper, like two more centimeters", "turn up the heat, maybe two more degrees"): the piece's
    amount, its up/down word dropped; [] when the piece is no such amount or the clause before
    already said one ("turn it up a bit, two more" is two steps). English only: Chinese says
    "again" (再高两度), a step of its own."""
    ways = {t.get("verb") for t in piece if "verb" in t.fields}
    if not ways or not ways <= {"up", "down"} or any(k in t.fields for t in piece for k in _THINGS) \
            or not any("number" in t.fields or "step" in t.fields for t in piece):
        return []
    if _valued(before) or any("step" in t.fields for t in before) or not any(t.get("verb") in ways for t in before):
        return []
    amount = [replace(t, fields={k: v for k, v in t.fields.items() if k != "verb"}) for t in piece]
    return [t for t in amount if t.fields]


def _asks_about_before(pieces: list[list[Tag]], tags: list[Tag]) -> list[list[Tag]]:
    """A piece that is nothing but a question word asks about the piece before it: "离起飞点 |
    还有 | 多远", "起飞还有多久", "… and how far?" are one question, not a command and a question
    (but "降落吧，多久能到" has words of its own after the question word). So does a closing
    tag question: "the air con's still running, isn't it" asks whether it is."""
    out: list[list[Tag]] = []
    for piece in pieces:
        bare = all(t.role in QUESTION_ROLES + ("filler", "stopword") for t in piece) and not has_content(piece) \
            and (piece[0].get("tag") or _unbroken(piece, tags))
        if bare and out:
            out[-1] = out[-1] + piece
        else:
            out.append(piece)
    return out


def _tag_question(pieces: list[list[Tag]]) -> list[list[Tag]]:
    """The last piece as one question ending when it is an English tag question after a
    statement ("the air con's still running, isn't it", "you locked the door, didn't you"); one
    with will/would/can/could only asks politely for the order before it ("turn the lights
    off, won't you")."""
    if len(pieces) < 2 or not is_tag_question(pieces[-1]):
        return pieces
    said = " ".join(t.text for t in pieces[-1])
    if said.split(" ")[0] in ("will", "would", "can", "could"):
        return pieces[:-1]
    return pieces[:-1] + [[Tag(pieces[-1][0].start, pieces[-1][-1].end, {"role": "question_end", "tag": True}, text=said)]]


def is_tag_question(tags: list[Tag]) -> bool:
    """Whether these tags, all of a closing piece, are a tag question: "isn't it", "didn't you"."""
    return bool(tags) and bool(_TAG_QUESTION.fullmatch(" ".join(t.text for t in tags)))


_TAG_QUESTION = re.compile(r"(is|are|was|were|am|do|does|did|have|has|had|will|would|can|could|should) not"
                           r"( (it|they|we|you|he|she|i|that|there))?")


def _unbroken(piece: list[Tag], tags: list[Tag]) -> bool:
    """No word the lexicon does not know before, inside or after the piece."""
    k = tags.index(piece[0])
    spans = ([tags[k - 1]] if k else []) + piece
    return all(a.end == b.start for a, b in zip(spans, spans[1:])) and not piece[-1].unexplained


def _joined(first: list[Tag], second: list[Tag]) -> list[Tag]:
    """Two pieces as one clause, with a `join` mark where "and" stood: "the crossarm and the
    bolts" are two things that share the clause's defect."""
    if not first or not second:
        return first + second
    return first + [Tag(first[-1].end, first[-1].end, {"role": "join"})] + second


def coordinated(tags: list[Tag], k: int) -> list[int]:
    """Indices of the tags joined by "and" with tags[k] that name the same kind of thing."""
    key = next((f for f in ("component", "device", "area") if f in tags[k].fields), None)
    group, weak = [k], ("join", "stopword", "filler")
    for step in (-1, 1):
        j, joined = k + step, False
        while 0 <= j < len(tags) and (tags[j].role in weak or key in tags[j].fields):
            joined = joined or tags[j].role == "join"
            if key in tags[j].fields and joined:
                group.append(j)
                joined = False
            j += step
    return sorted(group)


def words_of(tags: list[Tag], key: str) -> list[Tag]:
    return [t for t in tags if key in t.fields]


def is_question(tags: list[Tag]) -> bool:
    """A question: a question word, `?`, a question opener first or a question ending last."""
    content = [t for t in tags if t.role not in ("filler", "stopword")]
    if _requests(content) or _complains(content):
        return False
    for k, t in enumerate(content):
        if t.role == "question" and not _relative(content, k):
            return True
    if content and content[-1].role == "request" and not content[-1].text.isascii():
        return True  # no verb before a closing 好不好 / 好吗: it asks about the thing ("信号好不好")
    # "is the door locked" asks; "there is a bird near the drone" and "… and has a nest" tell
    opener = next((t for t in tags if t.role not in ("filler",)), None)
    if content and content[0].role == "question_start" and content[0].opens and opener is content[0]:
        return True
    return bool(content) and content[-1].role == "question_end"


def _complains(content: list[Tag]) -> bool:
    """A closing 呢 after 咋还 / 干啥还 complains rather than asks: "风扇嘎哈还转呢"."""
    return len(content) > 1 and content[-1].text == "呢" and any(t.role == "narrative" and t.text.endswith("还")
                                                                 for t in content) \
        and all(t.role != "question" for t in content[:-1])


# Chinese yes/no markers: a request with them still asks for something to be done ("能不能开灯吗")
_YES_NO = ("吗", "么", "呢", "是否", "是不是", "有没有", "请问", "算不算", "算吗")


def _requests(content: list[Tag]) -> bool:
    """A request that makes a question a command: something to do ("can you take a photo",
    "开灯好不好"), not a question word that opens the clause before it ("how high *can we* fly")
    nor, in Chinese, one anywhere ("可以飞多高"); with no verb it asks ("信号好不好")."""
    req = next((k for k, t in enumerate(content) if t.role == "request"), None)
    if req is None or not any("verb" in t.fields and not t.get("implied") for t in content):
        return False
    asks = [k for k, t in enumerate(content) if t.role == "question" and t.text not in _YES_NO]
    return not any(k == 0 or not content[k].text.isascii() for k in asks)


def _relative(content: list[Tag], k: int) -> bool:
    """An English wh-word after the verb that asks nothing: "fly back to where we took off".

    English asks up front, or with the auxiliary right after the wh-word ("wait, what did you
    say"); Chinese asks in place ("往前飞多少米" is a question)."""
    t = content[k]
    if not (t.text.isascii() and t.text.isalpha()):
        return False
    inverted = k + 1 < len(content) and content[k + 1].role == "question_start" \
        and content[k + 1].start == t.end  # "what did you say", not "where you are'
    # after a verb, or after a defect ("wear on the conductor where it sits in the clamp")
    return not inverted and any("verb" in o.fields and not o.get("implied") or "defect" in o.fields
                                for o in content[:k])


def negated(tags: list[Tag]) -> bool:
    """A negation right before what it denies: "don't turn on", "没有裂纹", "no cracks".

    Only a word close to the next meaningful one counts, so "电量不够了，飞回来" still flies home;
    one that denies a topic says how things are ("没电了 返航", "莫得风 飞起来嘛").
    """
    for k, t in enumerate(tags):
        neg = t.role == "negation" or t.role == "question_end" and k < len(tags) - 1
        if not neg:
            continue
        following = next((o for o in tags[k + 1:] if any(f in o.fields for f in CONTENT)
                          or o.get("implied")), None)
        if following is not None and following.start - t.end <= 2 and set(following.fields) != {"topic"}:
            return True
    return False
