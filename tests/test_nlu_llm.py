"""The real LLM behind the Understander: asked only when the templates miss, gated after.

Uses the embedded Gemma 3 270M (`voicebox models pull`) with a small token limit; what the
model answers is not asserted word for word (it is a 270M model), only the contract: items
are allow-listed, nothing is invented when it has nothing valid, and chatter never loads it.
"""
from __future__ import annotations

import dataclasses

import pytest

from voicebox.models import default_store
from voicebox.nlu.cli import LazyLlm
from voicebox.nlu.itemschema import validate_item
from voicebox.nlu.understander import Understander
from voicebox.profile import load


@pytest.fixture(scope="module")
def understander():
    store = default_store()
    store.require("gemma3-270m-q4km")
    prof = load("power_line", store.manifest)
    prof = dataclasses.replace(prof, llm=dataclasses.replace(prof.llm, max_tokens=24))
    und = Understander(prof, llm=LazyLlm(store, prof))
    und.load()
    return und


def test_chatter_does_not_load_the_model(understander):
    parsed = understander.parse("ok moving on to the next one")
    assert parsed.items == () and not understander.llm.loaded


@pytest.mark.parametrize("text", ["4号塔地线秀实", "tower eleven insulator looks odd"])
def test_what_the_templates_miss_goes_to_the_model_and_comes_back_gated(understander, text):
    parsed = understander.parse(text)
    assert parsed.extra["llm_used"] and understander.llm.loaded
    assert parsed.path in ("llm", "none")
    for item in parsed.items:
        assert validate_item(item, understander.profile.vocabulary) == item
    if not parsed.items:
        assert parsed.reply  # a clarifying reply instead of an invented item


def test_an_item_the_model_adds_that_the_utterance_does_not_support_is_dropped(understander):
    """Asked about every utterance, the model may add an item copied from its examples (a loose
    bolt to a cracked insulator); grounding keeps only what the words say."""
    understander.llm_always = True
    try:
        parsed = understander.parse("12号塔的绝缘子裂了", "zh")
    finally:
        understander.llm_always = False
    assert parsed.extra["llm_used"]
    for item in parsed.extra["llm_grounded"] or []:
        assert (item["component"], item["defect"]) == ("insulator", "crack")
    assert [(i["component"], i["defect"]) for i in parsed.items] == [("insulator", "crack")]
