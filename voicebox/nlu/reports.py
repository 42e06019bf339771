"""A clause's tags → defect reports and queries.

A defect report needs a defect; its component is the one nearest to it (several defects in
one clause each take their nearest), and among several the most specific
(`[understanding] component_priority`: the bolt, not the crossarm it sits on). With no
component word, the asset itself ("tower 27 is leaning" → tower) or the defect's usual
component (`default_component`: sag → conductor) stands in; `defect_components` says what a
defect can be on, so "9号塔闪络" is the insulator's, not the tower's. The asset is the clause's own, or
the utterance's when it named only one; one defect on several assets is a report on each.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from voicebox.nlu.clauses import CONTENT, coordinated, is_question
from voicebox.nlu.commands import Draft
from voicebox.nlu.tagger import Tag


def reports(tags: list[Tag], profile, utterance_assets: list[dict],
            subject: str | None = None) -> tuple[list[Draft], list[dict]]:
    """Defect reports of one clause, and the incomplete ones (a component without a defect).

    `subject` is the component of the previous clause: "the insulator is cracked and dirty".
    """
    vocab, und = profile.vocabulary, profile.understanding
    if "defect_report" not in vocab.kinds:
        return [], []
    seen: set[str] = set()
    # "a kite stuck in the conductor": two words, one defect; a word that is also a verb of the
    # profile is the order when it opens its clause ("back off three meters": "backed off" is loose)
    defects = [k for k, t in enumerate(tags) if "defect" in t.fields and not (t.lead and "verb" in t.fields)
               and not (t.get("defect") in seen or seen.add(t.get("defect")))]
    comps = _components(tags)
    assets = _assets(tags)
    asset = assets[0] if assets else (utterance_assets[0] if len(utterance_assets) == 1 else None)
    if not defects:
        partial = [{"component": tags[comps[0]].get("component"), "asset": asset}] if comps else []
        return [], partial
    grades = _grades(tags, defects)
    owners = _assign(defects, comps, tags, und.component_priority)
    pairs = [(d, owners.get(d)) for d in defects]
    if len(pairs) == 1 and pairs[0][1] is not None:
        # "corrosion on the crossarm and the bolts": one defect, one report per component
        owner = pairs[0][1]
        pairs = [(defects[0], c) for c in coordinated(tags, owner) if c == owner or not _header(tags, c, owner)]
    drafts = []
    before = subject
    for d, owner in pairs:
        component = tags[owner].get("component") if owner is not None else None
        defect = tags[d].get("defect")
        said = component is not None
        component = component or _inferred(defect, before, asset, profile)
        before = component if said else before
        if component is None:
            continue
        near = _nearest(tags, d)
        item = {"kind": "defect_report", "component": component, "defect": defect, "asset": asset,
                "position": near("position"), "severity": grades.get(d) or near("severity")}
        score = min(t.score for t in tags) * (1.0 if said else 0.85)  # an inferred component is a guess
        drafts.append(Draft(item, round(0.9 * score, 3), notes={"inferred": not said}))
    if len(pairs) == 1 and len(assets) > 1:
        # one defect on several assets: "bird nests on towers 8 and 9", "7号塔和8号塔都有鸟窝"
        drafts = [replace(d, item={**d.item, "asset": a}) for a in assets for d in drafts]
    return drafts, []


def _components(tags: list[Tag]) -> list[int]:
    """Where the components said that may be reported on are."""
    comps = [k for k, t in enumerate(tags) if "component" in t.fields and not _line_name(tags, k)]
    # "wear on the conductor near the clamp": a component said as where is not the one reported
    comps = [k for k in comps if not _where(tags, k)] or comps
    # …as is one in a relative clause after it: "wear on the conductor where it sits in the clamp"
    place = next((k for k, t in enumerate(tags) if k and t.text in ("where", "wherever")
                  and not any("defect" in o.fields for o in tags[k:])), None)
    return [k for k in comps if place is None or k < place] or comps


def _line_name(tags: list[Tag], k: int) -> bool:
    """A bare 线 right before a tower or pole ends the name of its line ("10千伏城西线17#杆")."""
    return tags[k].text == "线" and k + 1 < len(tags) and "asset" in tags[k + 1].fields \
        and tags[k + 1].start == tags[k].end


def _header(tags: list[Tag], k: int, owner: int) -> bool:
    """The component at k heads the report as where it is, in a piece of its own before the one
    reported: "Tower 118, right phase, insulator disc broken", "rear leg, foundation cracked",
    "phase B, insulator flashed over" (a phase, or said with a side)."""
    cut = next((j for j in range(k + 1, owner) if tags[j].role == "join" and not tags[j].text), None)
    if k > owner or cut is None:
        return False
    start = max((j + 1 for j in range(k) if tags[j].role == "join"), default=0)
    return bool(tags[k].get("part")) or any("position" in t.fields for t in tags[start:cut])


def _inferred(defect: str, before: str | None, asset: dict | None, profile) -> str | None:
    """The component of a defect said without one, where the defect can be on it
    (`defect_components`): the one said before, in this clause ("螺栓又松又锈") or the previous
    one ("the insulator is cracked and dirty"); the asset itself ("pole 23 is leaning"); the
    defect's usual one ("9号塔闪络" is the insulator's: `default_component`)."""
    und = profile.understanding
    fits = und.defect_components.get(defect)
    if before is not None and (fits is None or before in fits):
        return before
    if asset and asset["type"] in profile.vocabulary.components and (fits is None or asset["type"] in fits):
        return asset["type"]
    return und.default_component.get(defect)


def _assets(tags: list[Tag]) -> list[dict]:
    """The clause's assets, in order; a number joined to one by "and" or a comma is another of
    its kind ("poles 3 and 4", "towers 3, 4 and 5"), a range each one in it ("structures 31
    through 33"). A span is one asset of its own; a line said with a structure on it ("Line 4,
    structure 19") is only where that one is."""
    out: list[dict] = []
    run: dict | None = None  # the asset a list of numbers goes on from
    for k, t in enumerate(tags):
        asset = t.get("asset")
        kind = run["type"] if run is not None and tags[k - 1].role in ("split", "join") else _ahead(tags, k)
        if asset is None and kind is not None and "number" in t.fields and "component" not in t.fields \
                and not (k + 1 < len(tags) and "component" in tags[k + 1].fields):  # "tower 5 and 2 bolts"
            number = t.get("number")
            asset = {"type": kind, "id": str(int(number)) if float(number).is_integer() else str(number)}
        for one in each_asset(asset, t.get("range")):
            if one not in out:
                out.append(one)
        run = asset if asset is not None and asset["type"] != "span" else run if t.role in ("split", "join") else None
    return [a for a in out if a["type"] != "line"] if any(a["type"] != "line" for a in out) else out


def _ahead(tags: list[Tag], k: int) -> str | None:
    """The kind of the asset a list of numbers opening the clause ends on: Chinese says the kind
    once, after the last number ("#5、#6塔", "8#和9#杆")."""
    if k and tags[k - 1].role not in ("split", "join", "filler"):
        return None
    j = k
    while j + 2 < len(tags) and tags[j + 1].role in ("split", "join"):
        asset = tags[j + 2].get("asset")
        if asset is not None:
            return asset["type"] if asset["type"] not in ("span", "line") else None
        if "number" not in tags[j + 2].fields:
            return None
        j += 2
    return None


def each_asset(asset: dict | None, ranged: bool | str | None) -> list[dict]:
    """The assets of a range "31-33" (at most 20), else the asset itself; a range said with
    "to" (`range = "span"`) between two neighbours is the span between them ("towers 3 to 4")."""
    if asset is None:
        return []
    first, _, last = asset["id"].partition("-")
    if not ranged or not (first.isdigit() and last.isdigit() and 0 < int(last) - int(first) <= 20):
        return [asset]
    if ranged == "span" and int(last) - int(first) == 1:
        return [{"type": "span", "id": asset["id"]}]
    return [{"type": asset["type"], "id": str(n)} for n in range(int(first), int(last) + 1)]


def _grades(tags: list[Tag], defects: list[int]) -> dict[int, str]:
    """A severity said as a piece of its own ("有点脏，一般缺陷", "slight corrosion, urgent") is the
    grade of the defect before it, over a degree word beside that defect."""
    out: dict[int, str] = {}
    pieces: list[list[int]] = [[]]
    for k, t in enumerate(tags):
        if t.role in ("join", "split"):
            pieces.append([])
        elif t.role not in ("filler", "stopword"):
            pieces[-1].append(k)
    for piece in pieces:
        if len(piece) == 1 and "severity" in tags[piece[0]].fields and defects:
            j = piece[0]
            before = [d for d in defects if d < j]
            out[before[-1] if before else defects[0]] = tags[j].get("severity")
    return out


def _where(tags: list[Tag], k: int) -> bool:
    """The component at k says where (`near`: "near the clamp", "靠近线夹", "线夹附近"); a Chinese
    `near` after a component is that one's ("线夹附近 | 导线磨了")."""
    before = [t for t in tags[:k] if t.role != "stopword"]
    after = [t for t in tags[k + 1:] if t.role != "filler"]
    chinese = not tags[k].text.isascii()
    return bool(before) and before[-1].role == "near" and before[-1].text.isascii() != chinese \
        and not (chinese and len(before) > 1 and "component" in before[-2].fields) \
        or bool(after) and after[0].role == "near" and chinese


def _assign(defects: list[int], comps: list[int], tags: list[Tag], priority: tuple[str, ...]) -> dict:
    """Which component tag each defect tag reports on."""
    if len(defects) == 1:
        if not comps:
            return {}
        rank = {c: i for i, c in enumerate(priority)}
        # a small part (`part`: a cotter pin, a washer) is reported on what it is part of, when said
        best = min(comps, key=lambda k: (len(rank) + 1 if tags[k].get("part") else rank.get(tags[k].get("component"), len(rank)),
                                         abs(k - defects[0])))
        return {defects[0]: best}
    owners: dict[int, int | None] = {}
    free = list(comps)
    for d in defects:
        if not free:
            owners[d] = None
            continue
        best = min(free, key=lambda k: (abs(k - d), 0 if k < d else 1))
        owners[d] = best
        free.remove(best)
    return owners


def _nearest(tags: list[Tag], k: int):
    def pick(key: str) -> Any:
        found = [(abs(j - k), j) for j, t in enumerate(tags) if key in t.fields]
        return tags[min(found)[1]].get(key) if found else None
    return pick


def query(tags: list[Tag], profile, text: str) -> Draft | None:
    """A question about something the profile knows, or None (commands, chatter, weather …)."""
    if "query" not in profile.vocabulary.kinds or not is_question(tags):
        return None
    # a place or part named after an action ("返航点在哪", "is the landing zone clear") is a thing of the profile
    place = any(t.role == "noun" for t in tags)
    if not place and not _asks_state(tags) and not any(k in t.fields for t in tags for k in CONTENT if k not in ("verb", "number", "step")):
        return None
    # a yes/no question ("is that a crack or just a shadow", "did you write down tower 7") is
    # for the assistant only about a topic it knows, the state of a device or such a place
    if not any(t.role == "question" for t in tags) and not place and not _asks_state(tags) and \
            not any(k in t.fields for t in tags for k in ("topic", "device", "entity", "attribute")):
        return None
    allowed = profile.vocabulary.topics
    topic = _topic(tags, profile) or ("state" if "state" in allowed and _asks_state(tags) else None)
    return Draft({"kind": "query", "question": text.strip(), "topic": topic}, 0.8)


def permission(tags: list[Tag], profile, text: str) -> Draft | None:
    """A request that orders nothing but names a topic asks about it: "can we fly in this
    rain" is about the weather (the caller knows no command or report came out)."""
    topic = _topic(tags, profile)
    if "query" not in profile.vocabulary.kinds or topic is None or not any(t.role == "request" for t in tags):
        return None
    return Draft({"kind": "query", "question": text.strip(), "topic": topic}, 0.7)


def _topic(tags: list[Tag], profile) -> str | None:
    """The clause's topic; the profile lists them most specific first ("normal gallbladder
    wall" is about the gallbladder); else an attribute said that is also a topic ("what's our
    altitude")."""
    allowed = profile.vocabulary.topics
    topics = sorted((t.get("topic") for t in tags if t.get("topic") in allowed), key=allowed.index)
    topics = topics or [t.get("attribute") for t in tags if t.get("attribute") in allowed]
    return topics[0] if topics else None


_BE = ("is", "are", "am", "was", "were")
_DONE = ("did", "have", "has", "had")


def _asks_state(tags: list[Tag]) -> bool:
    """A yes/no question about what the device is doing, is in or has done ("are we recording",
    "is it frozen", "在录像吗", "还在悬停吗", "did you get the photo", "照片拍了吗"): its verb in the
    progressive, as a state or done."""
    # the verb asked about comes after the question word: "wait, what did you say" asks no state
    asked = next((k for k, t in enumerate(tags) if t.role in ("question", "question_start")), -1)
    # a closing tag question carries the auxiliary: "the air con's still running, *isn't* it"
    aux = {tags[0].text, tags[-1].text.split(" ")[0] if tags[-1].role == "question_end" else ""}
    for k, t in enumerate(tags):
        if "verb" not in t.fields or t.get("implied"):
            continue
        word, last = t.text.split(" ")[0], t.text.split(" ")[-1]
        if word.isascii():
            # the participle may close the verb phrase: "is the *camera rolling*"
            if aux & set(_BE) and any(w.endswith(("ing", "ed", "en")) for w in (word, last)) \
                    or (aux & set(_DONE) or any(o.text in _DONE for o in tags)) and k > asked:
                return True  # "is it frozen", "are we recording"; "did you get the photo", "how many have we taken"
        elif k and tags[k - 1].role == "progressive" or k + 1 < len(tags) and tags[k + 1].text == "着":
            return True
        elif any(o.text[:1] in ("了", "过") for o in tags[k + 1:k + 3]) and _asked_last(tags, k) \
                or k and tags[k - 1].text == "有没有":
            return True  # whether or how often it was done: "照片拍了吗", "起飞了没有", "拍了几张了", "有没有录像"
    return False


def _asked_last(tags: list[Tag], verb: int) -> bool:
    """The question comes after the done verb: at the end ("拍好了吗"), or right after it as the
    count of what was done ("拍了几张了", whose closing 了 is a filler)."""
    return tags[-1].role in ("question", "question_end") or verb + 1 < len(tags) and tags[verb + 1].role == "question"
