"""Whether an item the LLM wrote is supported by the words of the utterance.

The LLM is asked when the templates could not explain an utterance, and a 270M model then
sometimes writes an item nothing in it says ("the battery died on my phone" → capture_photo,
"normal kidney length in adults" → measure). So every field of an LLM item that says what to
do or what is wrong must be supported by the utterance:

- a word the lexicon tags with that value (exactly or repaired): a device word or a named
  device, a verb whose class means that action for that device (`[understanding.verbs]`), an
  attribute, a value, a component, a defect, a topic;
- or a word the lexicon did not explain (or took for a filler or stopword) that sounds like
  one of that value's phrases, looser than a repair (every syllable alike in Chinese, no character need be the same: 秀实 for 锈蚀;
  an edit ratio of 70 or equal metaphone keys in English) — the model was asked precisely
  because some words were not understood;
- or the profile's own default where it has one: the only device of the profile, the default
  device when none is named, the default attribute of the action, device or direction, the
  default component of the defect, the asset's own type as the component.

An item whose device, action, attribute, value, direction, component or defect lacks support is
dropped; an unsupported detail (target, position, severity, asset, a query's topic) is cleared
instead, since the item stands without it. Numbers the utterance lacks are dropped earlier (llm.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from voicebox.nlu.commands import action_for
from voicebox.nlu.fuzzy import char_syllables
from voicebox.nlu.lexicon import Lexicon
from voicebox.nlu.tagger import Tag
from voicebox.nlu.text import Token

INDEXED = ("device", "verb", "attribute", "value", "component", "defect", "topic", "position",
           "severity", "area", "entity", "direction")
LOOSE_RATIO = 70.0  # English edit ratio for a word the lexicon did not explain


class Phrases:
    """The lexicon's phrases by (field, value): what a value can sound like. One per lexicon."""

    def __init__(self, lex: Lexicon) -> None:
        self.lang = lex.lang
        self.by_value: dict[tuple[str, str], list[str]] = {}
        for phrase, entries in lex.phrases.items():
            for entry in entries:
                for key in INDEXED:
                    value = entry.fields.get(key)
                    if isinstance(value, str):
                        self.by_value.setdefault((key, value), []).append(phrase)

    def of(self, key: str, value: str) -> list[str]:
        return self.by_value.get((key, value), [])


@dataclass
class Grounding:
    """What one utterance supports: the values its tags carry and its unexplained words."""

    profile: object
    phrases: Phrases
    said: dict[str, set] = field(default_factory=dict)
    runs: list[list[str]] = field(default_factory=list)  # runs of words no lexicon phrase explains

    @classmethod
    def of(cls, profile, phrases: Phrases, tokens: list[Token], tags: list[Tag]) -> "Grounding":
        said: dict[str, set] = {}
        for t in tags:
            for key, value in t.fields.items():
                if isinstance(value, (str, int, float)):
                    said.setdefault(key, set()).add(value)
            if "asset" in t.fields:
                said.setdefault("asset_type", set()).add(t.get("asset")["type"])
            if "value_attr" in t.fields:
                said.setdefault("attribute", set()).add(t.get("value_attr"))
            # a comparative of several attributes supports each ("quieter": volume or a fan's speed)
            if "attributes" in t.fields:
                said.setdefault("attribute", set()).update(t.get("attributes"))
        # small words ("of", "the", "嗯") mean nothing to the templates: they may be mis-heard ones
        covered = {k for t in tags if t.role not in ("stopword", "filler") for k in range(t.start, t.end)}
        runs: list[list[str]] = [[]]
        for k, tok in enumerate(tokens):
            if k in covered or tok.is_num:
                runs.append([])
            else:
                runs[-1].append(tok.text)
        return cls(profile, phrases, said, [r for r in runs if r])

    def check(self, item: dict) -> dict | None:
        """The item with unsupported details cleared, or None when what it says is not supported."""
        check = {"device_command": self._command, "defect_report": self._defect, "query": self._query}
        return check[item["kind"]](dict(item))

    # -- per kind ----------------------------------------------------------------------
    def _command(self, item: dict) -> dict | None:
        device, action, attr, value = item["device"], item["action"], item.get("attribute"), item.get("value")
        if not (self._device(device) and self._action(device, action, item)):
            return None
        if action == "set" and value is None:
            return None  # "set the gain" to nothing is no command
        und = self.profile.understanding
        defaults = {und.default_attribute.get(k) for k in (action, device, item.get("direction") or "")}
        if attr is not None and attr not in defaults and not self._supports("attribute", attr):
            return None
        if isinstance(value, str) and not self._supports("value", value):
            return None
        direction = item.get("direction")  # "后退二十米" written as a move left is another command
        if direction is not None and direction not in self.said.get("verb", ()) and not self._supports("direction", direction):
            return None
        if item.get("target") is not None and not self._target(item["target"], device):
            item["target"] = None
        return item

    def _defect(self, item: dict) -> dict | None:
        component, defect = item["component"], item["defect"]
        if not self._supports("defect", defect):
            return None
        own = {self.profile.understanding.default_component.get(defect)} | self.said.get("asset_type", set())
        if component not in own and not self._supports("component", component):
            return None
        for key in ("position", "severity"):
            if item.get(key) is not None and not self._supports(key, item[key]):
                item[key] = None
        if item.get("asset") and item["asset"]["type"] not in self.said.get("asset_type", set()):
            item["asset"] = None
        return item

    def _query(self, item: dict) -> dict | None:
        if item.get("topic") is not None and not self._supports("topic", item["topic"]):
            item["topic"] = None
        return item

    # -- fields --------------------------------------------------------------------------
    def _device(self, device: str) -> bool:
        vocab, und = self.profile.vocabulary, self.profile.understanding
        if len(vocab.devices) == 1 or self._supports("device", device):
            return True
        hinted = {und.device_hints.get(str(v)) for key in ("attribute", "verb", "unit") for v in self.said.get(key, ())}
        return device in hinted or device == und.default_device and not self.said.get("device")

    def _action(self, device: str, action: str, item: dict) -> bool:
        """A verb said whose class means `action` for this device; a value said for a set; a
        direction said for a move."""
        classes = set(self.said.get("verb", ()))
        if self.said.get("number") or self.said.get("value"):
            classes.add("adjust")
        if self.said.get("direction"):
            classes.add("direction")
        said = tuple(str(v) for key in ("unit", "attribute") for v in self.said.get(key, ()))
        if any(action in (cls, action_for(cls, device, self.profile, said)) for cls in classes):
            return True
        meaning = [c for c in self._verb_classes() if action_for(c, device, self.profile) == action or c == action]
        return any(self._sounds_like(p) for c in meaning for p in self.phrases.of("verb", c))

    def _verb_classes(self) -> set[str]:
        return {value for key, value in self.phrases.by_value if key == "verb"}

    def _target(self, target: str, device: str) -> bool:
        """Said (or sounding so), and not a named device of another type: a light is not the front door."""
        if any(e.name == target and e.device != device for e in self.profile.entities):
            return False
        if target in self.said.get("area", set()) | self.said.get("entity", set()):
            return True
        return self._supports("area", target) or self._supports("entity", target)

    def _supports(self, key: str, value: str) -> bool:
        if value in self.said.get(key, set()):
            return True
        return any(self._sounds_like(p) for p in self.phrases.of(key, value))

    # -- sound ---------------------------------------------------------------------------
    def _sounds_like(self, phrase: str) -> bool:
        """An unexplained stretch of the utterance that sounds like `phrase`."""
        if self.phrases.lang == "zh":
            return any(_chinese_alike(run, phrase) for run in self.runs)
        return any(_english_alike(run, phrase) for run in self.runs)


def _chinese_alike(run: list[str], phrase: str) -> bool:
    chars = "".join(run)
    n = len(phrase)
    if n < 2 or not all("\u3400" <= c <= "\u9fff" for c in phrase):
        return False
    return any(all(char_syllables(a) & char_syllables(b) for a, b in zip(chars[i:i + n], phrase))
               for i in range(len(chars) - n + 1))


def _english_alike(run: list[str], phrase: str) -> bool:
    import jellyfish
    from rapidfuzz import fuzz

    size = len(phrase.split())
    if not phrase.replace(" ", "").isalpha() or len(phrase) < 3:
        return False
    for i in range(len(run) - size + 1):
        heard = " ".join(run[i:i + size])
        if fuzz.ratio(heard, phrase) >= LOOSE_RATIO:
            return True
        # equal sound keys, for words long enough to have one of their own ("the" is not "thaw")
        compact = heard.replace(" ", "")
        if min(len(compact), len(phrase)) >= 4 and jellyfish.metaphone(compact) == jellyfish.metaphone(phrase.replace(" ", "")):
            return True
    return False
