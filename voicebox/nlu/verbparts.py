"""Which words of a clause are its verbs, and one part of the clause per verb.

A word that is both verb and device ("switch", "lock") is decided by its neighbours; an English
"on" before another verb or a value is a preposition ("put the telly *on* mute"), a verb said
as the time of another thing is none ("起飞前检查电池", "before takeoff"), nor one said as a thing
beside another verb ("暂停当前播放的节目"); a particle
after a verb and its object is that verb's ("shut the music *off*"). A clause with several
verbs ("起飞上升10米", "关灯关电视", "客厅灯调到50%卧室灯调到30%") becomes one part per verb.
"""
from __future__ import annotations

from dataclasses import replace

from voicebox.nlu.tagger import Tag


def split_by_verbs(tags: list[Tag], und) -> list[list[Tag]]:
    """Cut a clause with several verbs ("起飞上升10米", "关灯关电视") into one part per verb."""
    verbs = [k for k, t in enumerate(tags) if _splits(t) and not particle_of(tags, k)]
    if len(verbs) < 2:
        return [tags]
    cuts = [0]
    for a, b in zip(verbs, verbs[1:]):
        same = tags[a].get("verb") == tags[b].get("verb")
        if not same and "adjust" in (tags[a].get("verb"), tags[b].get("verb")):
            continue  # "turn the gain up": a weak verb beside a strong one is one command
        # the same verb again is a second command when something to act on, a way to go or
        # a number came between ("关灯关电视", "往前飞十米往左飞五米", "客厅灯调到50%卧室灯调到30%")
        if same and not any(_said_for(t) for t in tags[a:b]):
            continue
        # an amount said as the same verb ("rotate clockwise *one-eighty*") completes the first
        if same and "number" in tags[b].fields and not any("number" in t.fields for t in tags[a:b]):
            continue
        cuts.append(_cut(tags, cuts[-1], a, b))
    parts = []
    for start, end in zip(cuts, cuts[1:] + [len(tags)]):
        part = tags[start:end]
        if part and start and part[0].start == tags[start - 1].end:
            part[0] = replace(part[0], lead=True)  # nothing unexplained before it: it leads its part
        parts.append(part)
    return [p for p in parts if p]


def _splits(t: Tag) -> bool:
    return strong_verb(t) or t.get("verb") == "adjust" and not t.get("implied")


def _said_for(t: Tag) -> bool:
    return is_object(t) or "direction" in t.fields or "number" in t.fields


def _cut(tags: list[Tag], start: int, a: int, b: int) -> int:
    """Where the part of verb tags[a] ends and the part of tags[b] begins. Chinese says what to
    act on before its verb ("客厅灯调到50% | 卧室灯调到30%", "往前飞十米 | 往左飞五米"): the things
    right before b are b's when a's part has its own, or when they are a way for b to go
    ("拍一张 | 往右挪5米"); otherwise a verb after its object ends its part ("把灯打开 |
    把空调关掉"), and one before its object gives the rest to b ("起飞 | 上升10米")."""
    lead = b
    if not tags[b].text.isascii():
        while lead - 1 > a and (is_object(tags[lead - 1]) or "direction" in tags[lead - 1].fields
                                or tags[lead - 1].role in ("filler", "stopword")):
            lead -= 1
        if lead < b and (any(_said_for(t) for t in tags[start:lead]) or _steers(tags[lead:b + 1])):
            return lead
    return a + 1 if any(is_object(t) for t in tags[start:a]) else b


def _steers(part: list[Tag]) -> bool:
    """A way to go right before a move or turn is its own ("拍一张 | 往右挪5米"), not the
    verb's before it."""
    return part[-1].get("verb") in ("move", "rotate") and not any(is_object(t) for t in part)


def particle_of(tags: list[Tag], k: int) -> bool:
    """An English particle after a verb and its object belongs to it: "shut the music *off*",
    "lock everything *up*" are one command each."""
    if tags[k].text not in ("on", "off", "up", "down", "out"):
        return False
    return any(strong_verb(t) for t in tags[:k]) and all(
        is_object(t) or t.role in ("stopword", "pronoun", "filler") or strong_verb(t) for t in tags[:k])


def strong_verb(t: Tag) -> bool:
    return "verb" in t.fields and t.get("verb") != "adjust" and not t.get("implied")


def is_object(t: Tag) -> bool:
    return any(k in t.fields for k in ("device", "entity", "area", "attribute", "value"))


def disambiguate(tags: list[Tag]) -> list[Tag]:
    """A word that is both verb and device ("switch", "lock") is a verb beside another device
    ("switch the lights off") and a device beside another verb ("unlock all locks")."""
    def both(t: Tag) -> bool:
        return "verb" in t.sources and ("device" in t.sources or "attribute" in t.sources)
    out = []
    for k, t in enumerate(tags):
        if _preposition(tags, k) or _timed(tags, k) or _nominal(tags, k):  # "put the telly *on* mute"; "*起飞*前检查电池"
            t = replace(t, fields={f: v for f, v in t.fields.items() if f != "verb"}, sources=t.sources - {"verb"})
        if both(t):
            others = [o for o in tags if o is not t]
            if any("device" in o.fields or "entity" in o.fields for o in others):
                t = replace(t, fields={k: v for k, v in t.fields.items() if k not in ("device", "attribute")},
                            sources=t.sources - {"device", "attribute"})
            elif any(strong_verb(o) and not both(o) and not particle_of(tags, j)
                     for j, o in enumerate(tags) if o is not t):
                t = replace(t, fields={k: v for k, v in t.fields.items() if k != "verb"},
                            sources=t.sources - {"verb"})
        out.append(t)
    return out


def _timed(tags: list[Tag], k: int) -> bool:
    """A verb said as the time of something else (`time`: "起飞前", "before takeoff") is not done:
    English puts the time word before the verb, Chinese after it."""
    if "verb" not in tags[k].fields:
        return False
    before = tags[k - 1] if k else None
    after = tags[k + 1] if k + 1 < len(tags) else None
    return (before is not None and before.role == "time" and before.text.isascii() and before.end == tags[k].start
            or after is not None and after.role == "time" and not after.text.isascii() and after.start == tags[k].end)


def _nominal(tags: list[Tag], k: int) -> bool:
    """A Chinese verb beside 的 or after 进行, with another verb said, names a thing or a task, it
    is no second order: "暂停当前*播放*的节目", "停止扫地机器人的*清扫*工作", "启动扫地机器人进行*清扫*"."""
    t = tags[k]
    if not strong_verb(t) or t.text.isascii() or not any(strong_verb(o) for o in tags if o is not t):
        return False
    before = tags[k - 1] if k and tags[k - 1].end == t.start else None
    after = tags[k + 1] if k + 1 < len(tags) and tags[k + 1].start == t.end else None
    return before is not None and before.text in ("的", "进行") or after is not None and after.text == "的"


def _preposition(tags: list[Tag], k: int) -> bool:
    """An English "on" right before another verb or a value says where the thing is put."""
    t = tags[k]
    if t.text != "on" or k + 1 >= len(tags) or tags[k + 1].start != t.end:
        return False
    after = tags[k + 1]
    return "value" in after.fields or strong_verb(after) and after.get("verb") != t.get("verb")
