"""How well an item's words were heard (voicebox/nlu/heard.py), on the real profiles.

The recogniser's words and confidences are given as the recogniser hands them over
(`parse(text, words=[(word, confidence), …])`): the protocol boundary between the stages.
"""
from __future__ import annotations

import dataclasses
import functools

from voicebox.models import default_store
from voicebox.nlu.heard import token_confidences
from voicebox.nlu.understander import Understander
from voicebox.profile import load


@functools.lru_cache(maxsize=None)
def profile(name: str, **understanding):
    prof = load(name, default_store().manifest)
    return dataclasses.replace(prof, understanding=dataclasses.replace(prof.understanding, **understanding))


def heard(text: str, low: set[str] = frozenset(), confidence: float = 0.05) -> list[tuple[str, float]]:
    """The words of `text` as a recogniser reports them: the ones in `low` heard poorly."""
    return [(w, confidence if w in low else 0.95) for w in text.split()]


def test_a_spoken_number_takes_the_least_sure_of_its_words():
    und = Understander(profile("drone"))
    tokens = und.rules("en").tokens("go up twenty five meters")
    got = token_confidences(tokens, heard("go up twenty five meters", {"five"}, 0.3))
    assert got is not None and len(got) == len(tokens)
    assert min(got) == 0.3 and got.count(0.3) == 1    # "twenty five" is one token, as sure as "five"


def test_items_are_scaled_by_how_well_their_words_were_heard():
    und = Understander(profile("smart_home"))
    clear = und.parse("turn on the kitchen lights", "en", words=heard("turn on the kitchen lights")).items
    poor = und.parse("turn on the kitchen lights", "en",
                     words=heard("turn on the kitchen lights", {"kitchen"}, 0.15)).items
    assert len(clear) == len(poor) == 1
    assert poor[0]["confidence"] < 0.2 < clear[0]["confidence"]
    # a filler word heard poorly is no evidence of anything: the item stays as sure
    filler = und.parse("turn on the kitchen lights", "en",
                       words=heard("turn on the kitchen lights", {"the"}, 0.15)).items
    assert filler[0]["confidence"] == clear[0]["confidence"]


def test_a_risky_action_not_said_plainly_is_asked_back():
    und = Understander(profile("smart_home"))
    plain = und.parse("unlock the front door", "en", words=heard("unlock the front door"))
    assert [i["action"] for i in plain.items] == ["unlock"]
    mumbled = und.parse("unlock the front door", "en", words=heard("unlock the front door", {"unlock"}, 0.3))
    assert mumbled.items == () and mumbled.extra["confirm"] and "unlock" in mumbled.reply.lower()


def test_an_item_heard_below_the_floor_is_not_acted_on_and_asked_again():
    text = "go up fifty meters"
    off = Understander(profile("drone", act_min_confidence=0.0)).parse(text, "en", words=heard(text, {"fifty"}))
    assert [i["value"] for i in off.items] == [50]
    und = Understander(profile("drone", act_min_confidence=0.2))
    said = und.parse(text, "en", words=heard(text, {"fifty"}))
    assert said.items == () and said.extra["unheard"] and said.path == "none"
    assert said.reply and "again" in said.reply.lower()
    # the same words heard clearly, or typed (no word confidences), are acted on
    assert [i["value"] for i in und.parse(text, "en", words=heard(text)).items] == [50]
    assert [i["value"] for i in und.parse(text, "en").items] == [50]


def test_an_utterance_heard_poorly_as_a_whole_is_not_acted_on():
    text = "go up fifty meters"
    und = Understander(profile("drone", act_min_confidence=0.0, act_min_mean_confidence=0.4))
    # "fifty" heard well, the rest guessed: the mean is 0.31
    guessed = und.parse(text, "en", words=heard(text, {"go", "up", "meters"}, 0.1))
    assert guessed.items == () and guessed.extra["unheard"]
    assert und.parse(text, "en", words=heard(text, {"go"}, 0.05)).items     # mean 0.72


def test_a_question_rests_on_its_question_words():
    und = Understander(profile("drone", act_min_confidence=0.2))
    text = "how high are we"
    assert und.parse(text, "en", words=heard(text)).items
    assert und.parse(text, "en", words=heard(text, {"how"})).items == ()
