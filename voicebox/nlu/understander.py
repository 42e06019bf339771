"""The understanding stage: transcript → items, reply and path, in the utterance's language.

`Understander.parse(text, lang)` runs the templates first (rules.py). The LLM is asked only
when they found nothing although the utterance named something of the profile and held words
the lexicon could not explain (a garbled defect: "4号塔地线秀实"), or when what they found is
unsure (confidence below `[understanding] min_confidence`). Chatter, denials ("8号塔一切正常")
and fully understood but incomplete reports ("11号塔绝缘子": the speaker is asked instead)
never reach it: a 270M model asked about them invents items. `[understanding] llm_fallback` says "unsure" (both),
"nothing" (only the first) or "off".

The LLM is loaded on demand by calling `llm.load()` on the object given as `llm` — in
`voicebox run` that is the power manager's handle, so the load is the manager's decision and
shows up as a `power` event; `set_llm_enabled(False)` (the governor's templates-only mode)
stops the calls. Every item, from either path, passes `itemschema.validate_item`, the
allow-list gate, before it leaves.

The per-session device state (state.py) lives here: a multi-turn session remembers the
values it set, so "a bit darker" moves from the last brightness and the reply says where to.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, Sequence

from voicebox.nlu.commands import Draft
from voicebox.nlu.heard import (evidence, heard_confidence, heard_scale, mean_confidence, needs_confirmation,
                                question, say_again, token_confidences, unheard)
from voicebox.nlu.grounding import Grounding, Phrases
from voicebox.nlu.itemschema import validate_item
from voicebox.nlu.replies import Replier
from voicebox.nlu.rules import Rules, RulesResult
from voicebox.nlu.state import DeviceState
from voicebox.nlu.text import detect_language


class LlmPath(Protocol):
    """What the Understander needs of the LLM parser (voicebox/nlu/llm.py's LlmParser)."""

    loaded: bool

    def load(self) -> Any: ...

    def parse(self, text: str, lang: str) -> list[dict]: ...


@dataclass(frozen=True)
class Parse:
    """One understood utterance; `to_dict()` is the contract's parse object (§3)."""

    text: str
    items: tuple[dict, ...] = ()
    reply: str | None = None
    path: str = "none"          # "rules" | "llm" | "none"
    elapsed_ms: float = 0.0
    lang: str = "en"
    extra: dict = field(default_factory=dict, compare=False, repr=False)  # rules-path details for eval

    @property
    def llm_asked(self) -> bool:
        """The LLM was asked (its answer may have been dropped: path "none")."""
        return bool(self.extra.get("llm_used"))

    def to_dict(self) -> dict:
        return {"text": self.text, "items": [dict(i) for i in self.items], "reply": self.reply,
                "path": self.path, "elapsed_ms": round(self.elapsed_ms, 3)}


class Understander:
    """Templates first, the LLM only when they miss; one instance per session.

    `store` is the session's DeviceState (a fresh one when None or when it is not a
    DeviceState, e.g. the ModelStore some callers pass); `llm` follows LlmPath, or None.
    """

    def __init__(self, profile, store: Any = None, llm: LlmPath | None = None) -> None:
        self.profile = profile
        self.state = store if isinstance(store, DeviceState) else DeviceState()
        self.llm = llm
        self.llm_enabled = llm is not None and profile.llm.enabled
        self._rules: dict[str, Rules] = {}
        self._phrases: dict[str, Phrases] = {}  # per language, for grounding LLM items
        self.llm_always = False  # `voicebox eval --llm-always`: ask the LLM about every utterance

    def rules(self, lang: str) -> Rules:
        if lang not in self._rules:
            self._rules[lang] = Rules(self.profile, lang)
        return self._rules[lang]

    def load(self) -> float:
        """Load every language's lexicon and repair index now, so no utterance pays for it."""
        start = time.perf_counter()
        for lang in self.profile.profile.languages:
            self.rules(lang).warm()
        return time.perf_counter() - start

    def set_llm_enabled(self, enabled: bool) -> None:
        self.llm_enabled = enabled and self.llm is not None

    def reset(self) -> None:
        """Forget the session's device state (a new session)."""
        self.state.clear()

    def language(self, text: str, lang: str | None) -> str:
        langs = self.profile.profile.languages
        if lang in langs:
            return lang
        detected = detect_language(text)
        return detected if detected in langs else self.profile.profile.default_language

    def parse(self, text: str, lang: str | None = None,
              words: Sequence[tuple[str, float]] | None = None) -> Parse:
        """`words`: the recogniser's (word, confidence) for `text`, when it was heard rather than
        typed; items are then weighed by how well their words were heard (heard.py)."""
        start = time.perf_counter()
        lang = self.language(text, lang)
        if not text.strip():
            return Parse(text, (), None, "none", (time.perf_counter() - start) * 1000, lang)
        found = self.rules(lang).parse(text)
        rules_ms = (time.perf_counter() - start) * 1000
        drafts, path = found.drafts, "rules" if found.drafts else "none"
        asked = self._ask_llm(text, lang) if self._wants_llm(found) else None
        llm_items = self._grounded(asked, text, lang, found) if asked is not None else None
        if llm_items:
            drafts, path = [Draft(dict(i), float(i.get("confidence", 0.5))) for i in llm_items], "llm"
        drafts, held, unclear = self._weigh(drafts, found.tags if path == "rules" else [], text, lang, words)
        items, replies = self._finish(drafts, lang)
        replier = Replier(self.rules(lang).lex)
        replies += [question(replier, item) for item in held] + [say_again(replier)] * bool(unclear)
        answered = items or held or unclear   # else: why nothing came out
        reply = replier.join(replies) if answered else replier.for_nothing(found.partial, found.content)
        path = path if items else "none"
        extra = {"rules_items": self._gated(found.drafts), "llm_used": llm_items is not None,
                 "llm_items": asked, "llm_grounded": llm_items,
                 "rules_ms": rules_ms, "confirm": held, "unheard": unclear}
        return Parse(text, tuple(items), reply, path, (time.perf_counter() - start) * 1000, lang, extra)

    def _wants_llm(self, found: RulesResult) -> bool:
        mode = self.profile.understanding.llm_fallback
        if self.llm_always:
            return self.llm_enabled
        if not self.llm_enabled or mode == "off" or found.negated or found.declined and not found.drafts:
            # "8号塔一切正常", "don't land": nothing for a model to add; "we should probably land
            # soon", "I turned off the oven": said about the world, not to the device
            return False
        if not found.drafts:
            # something of the profile was said, and some words were not understood: a model may
            # make sense of them; when every word is understood ("11号塔绝缘子"), ask the speaker
            return found.content and found.unknown > 0
        return mode == "unsure" and found.confidence < self.profile.understanding.min_confidence

    def _ask_llm(self, text: str, lang: str) -> list[dict]:
        assert self.llm is not None
        if not self.llm.loaded:
            self.llm.load()
        return list(self.llm.parse(text, lang) or [])

    def _grounded(self, items: list[dict], text: str, lang: str, found: RulesResult) -> list[dict]:
        """The LLM's items that the utterance's words support (grounding.py); the rest dropped."""
        if lang not in self._phrases:
            self._phrases[lang] = Phrases(self.rules(lang).lex)
        ground = Grounding.of(self.profile, self._phrases[lang], self.rules(lang).tokens(text), found.tags)
        return [kept for kept in map(ground.check, items) if kept is not None]

    def _weigh(self, drafts: list[Draft], tags: list, text: str, lang: str,
               words: Sequence[tuple[str, float]] | None) -> tuple[list[Draft], list[dict], list[dict]]:
        """Drafts scaled by how well their evidence was heard; the risky ones held back to ask,
        and those heard too poorly to act on (heard.py)."""
        confidences = token_confidences(self.rules(lang).tokens(text), words) if words else None
        utterance = mean_confidence(words)
        kept, held, unclear = [], [], []
        for d in drafts:
            tags_of = evidence(d.item, tags, self.profile)
            heard = heard_confidence(tags_of, confidences)
            if needs_confirmation(d.item, tags_of, heard, self.profile):
                held.append(d.item)
            elif unheard(heard, utterance, self.profile):
                unclear.append(d.item)
            else:
                kept.append(d if heard is None else replace(d, confidence=d.confidence * heard_scale(heard)))
        return kept, held, unclear

    def _gated(self, drafts: list[Draft]) -> list[dict]:
        """The template path's items as they would leave, without touching the session state."""
        items = (validate_item(dict(d.item, confidence=min(max(d.confidence, 0.0), 1.0)),
                               self.profile.vocabulary) for d in drafts)
        return [i for i in items if i is not None]

    def _finish(self, drafts: list[Draft], lang: str) -> tuple[list[dict], list[str]]:
        """Gate every item through the allow-list, update the session state, write replies."""
        und, replier = self.profile.understanding, Replier(self.rules(lang).lex)
        items, replies = [], []
        for d in drafts:
            item = dict(d.item, confidence=round(min(max(d.confidence, 0.0), 1.0), 3))
            if d.pronoun and item.get("target") is None and item["kind"] == "device_command":
                item["target"] = self.state.last_target.get(item["device"])
            checked = validate_item(item, self.profile.vocabulary)
            if checked is None:
                continue
            new = self.state.apply(checked, und.steps, und.ranges) if checked["kind"] == "device_command" else None
            items.append(checked)
            unit = checked.get("unit") or und.units.get(checked.get("attribute") or "")
            replies.append(replier.for_item(checked, new, unit))
        return items, replies
