"""What a clause's command addresses: (target, device) pairs.

A named entity is its own target and device; an area beside a device word is that area's
device ("书房的空调"); several areas or devices under one verb give one pair each ("厨房和客厅
的灯", "turn off the fan and the tv"). With no device said, the attribute or verb hints at one
(`[understanding] device_hints`: volume → media_player), a one-device profile has it, and
otherwise the profile's `default_device` stands in — unless an unknown word is where the
thing to act on is said ("turn on the *oven*", "把*烤箱*打开"): that is not ours to guess.
"""
from __future__ import annotations

from voicebox.nlu.tagger import Tag


def targets(tags: list[Tag], cls: str, attrs: list, profile) -> list[tuple[str | None, str, bool]]:
    """(target, device, device-was-defaulted) for each thing the clause addresses."""
    entities = [t for t in tags if "entity" in t.fields]
    areas = list(dict.fromkeys(t.get("area") for t in tags if "area" in t.fields))
    for k in range(len(tags) - 1):
        # "书房的空调": an area right before a device named elsewhere is that area's device
        area, ent = tags[k], tags[k + 1]
        if ent.role == "filler" and ent.start == area.end and k + 2 < len(tags):
            ent = tags[k + 2]
        elif ent.start != area.end:
            continue
        if "area" in area.fields and "entity" in ent.fields and ent.start - area.end <= 1 \
                and area.get("area") not in _homes(profile, [ent.get("entity")]):
            return [(area.get("area"), ent.get("device"), False)]
    if entities:
        seen = list(dict.fromkeys((t.get("entity"), t.get("device")) for t in entities))
        placed = _placed(tags)
        if placed is not None and len(seen) == 1:  # "the ceiling fan in the bedroom": the bedroom's fan
            return [(seen[0][0], seen[0][1], False) if placed in _homes(profile, [seen[0][0]])
                    else (placed, seen[0][1], False)]
        homes = _homes(profile, [name for name, _ in seen])
        # "厨房和客厅的灯": an area beside a named device means that area's device of the same kind
        more = [(a, seen[0][1], False) for a in areas if a not in homes]
        # "turn off the fan and the tv": a device word beside a named device of another kind
        kinds = {dev for _, dev in seen}
        others = dict.fromkeys(t.get("device") for t in tags if "device" in t.sources
                               and "entity" not in t.fields and t.get("device") not in kinds)
        return [(name, dev, False) for name, dev in seen] + more + [(None, d, False) for d in others]
    device, defaulted = _device(tags, cls, attrs, profile)
    if device is None:
        return []
    devices = list(dict.fromkeys(t.get("device") for t in tags if "device" in t.fields
                                 and "device" in t.sources))
    if len(devices) > 1 and not areas:
        return [(None, d, False) for d in devices]
    if areas and _joined_area(tags):  # "close the blinds and also the garage": the garage's too
        return [(None, device, defaulted)] + [(a, device, defaulted) for a in areas]
    return [(a, device, defaulted) for a in areas] or [(None, device, defaulted)]


def _joined_area(tags: list[Tag]) -> bool:
    """An area said after "and" right after the device word, with none before it, is another
    place of that device, not the place of the one said."""
    said = [t for t in tags if t.role not in ("stopword", "filler")]
    k = next((k for k, t in enumerate(said) if "device" in t.fields and "device" in t.sources), None)
    return k is not None and not any("area" in t.fields for t in said[:k]) \
        and k + 2 < len(said) and said[k + 1].role == "join" and "area" in said[k + 2].fields


def _placed(tags: list[Tag]) -> str | None:
    """The area said with "in" after a named device, with nothing else named between: where
    the speaker says that device is ("switch the ceiling fan on in the bedroom")."""
    for k, t in enumerate(tags):
        if "area" in t.fields and k and tags[k - 1].role == "stopword" and tags[k - 1].text.split(" ")[0] == "in":
            between = next((j for j in range(k - 1, -1, -1) if "entity" in tags[j].fields
                            or "device" in tags[j].fields or "area" in tags[j].fields
                            or tags[j].role in ("split", "join")), None)
            if between is not None and "entity" in tags[between].fields:
                return t.get("area")
    return None


def _homes(profile, names: list[str]) -> set[str]:
    return {e.area for e in profile.entities if e.name in names}


def _device(tags: list[Tag], cls: str, attrs: list, profile) -> tuple[str | None, bool]:
    und = profile.understanding
    explicit = [t.get("device") for t in tags if "device" in t.fields and "device" in t.sources]
    if explicit:
        return explicit[0], False
    # a device a phrase implies: one said with a command before one only wished for ("快一点关灯")
    weak = sorted((t for t in tags if "device" in t.fields), key=lambda t: bool(t.get("implied")))
    if weak:
        return weak[0].get("device"), False
    units = [t.get("unit") for t in tags if "unit" in t.fields]
    for key in [*attrs, cls, *units]:  # "set the bedroom to 70 degrees": degrees are the climate's
        if key in und.device_hints:
            return und.device_hints[key], False
    if len(profile.vocabulary.devices) == 1:
        return profile.vocabulary.devices[0], False
    if unknown_object(tags):
        return None, True  # "turn on the oven", "start the washing machine": not ours to guess
    return (und.default_device or None), True


def unknown_object(tags: list[Tag]) -> bool:
    """Unknown words where the thing to act on is said: after the verb or 把/将, or, in
    Chinese, first in the clause ("*增益*调高": the topic comes before the verb)."""
    if tags and not tags[0].lead and any("\u4e00" <= c <= "\u9fff" for c in tags[0].text):
        return True
    start = next((k for k, t in enumerate(tags) if "verb" in t.fields or t.text in ("把", "将")), None)
    return start is not None and any(t.unexplained for t in tags[start:])
