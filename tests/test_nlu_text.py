"""Normalisation, numbers, templates and recognition-error repair on real inputs."""
from __future__ import annotations

import pytest

from nlu_helpers import items
from voicebox.models import default_store
from voicebox.nlu import templates
from voicebox.nlu.fuzzy import fold
from voicebox.nlu.rules import Rules
from voicebox.nlu.text import detect_language, normalise, stem, tokenize
from voicebox.profile import load


def numbers(text: str) -> list[float]:
    return [t.num for t in tokenize(normalise(text)) if t.is_num]


@pytest.mark.parametrize("text, expected", [
    ("set it to twenty six degrees", [26]),
    ("tower one hundred and five", [105]),
    ("twenty point five", [20.5]),
    ("空调设到二十六度", [26]),
    ("十二号塔", [12]),
    ("一百零五号塔", [105]),
    ("两米", [2]),
    ("十二点五度", [12.5]),
    ("百分之五十", [100, 50]),          # 百 of 百分之 is matched literally by the unit template
    ("26度", [26]),
    ("depth 16cm", [16]),
    ("go right two and a half meters", [2.5]),
    ("往左飞一米五", [1.5]),              # 一米五 is 1.5 m, 两米半 2.5 m
    ("往右走两米半", [2.5]),
    ("十米五号塔", [10, 5]),              # …but not when the digit starts a number of its own
    ("往前飞仨米", [3]),                  # northern 俩/仨, radio 幺
    ("幺零八号塔", [108]),
    ("rotate three sixty", [360]),         # hundreds said short
    ("tower one oh five", [105]),          # digits read one by one
    ("climb a hundred meters", [100]),
    ("go left too meters", [2]),           # a digit heard as a word, where a number must stand
    ("insulator cracked on tower for", [4]),
    ("tower twenty too", [22]),
    ("twenty to thirty", [20, 30]),
    ("go up to 10 meters", [10]),
    ("往左转久十度", [90]),                 # 久 heard for 九, inside a numeral only
    ("turn left forty-five degrees", [45]),
    ("climb 1,000 meters", [1000]),
])
def test_spoken_numbers_become_values(text, expected):
    assert numbers(text) == expected


@pytest.mark.parametrize("text", ["调暗一点", "拍一张", "存这一帧", "深吸一口气"])
def test_yi_before_a_measure_word_or_in_yidian_is_not_a_value(text):
    rules = Rules(load("ultrasound", default_store().manifest), "zh")
    assert not any("number" in t.fields and len(t.fields) == 1 for t in rules.tag(text))


def test_normalise_folds_width_script_contractions_and_clauses():
    assert normalise("What's the TORQUE?") == "what the torque ?"
    assert normalise("溫控器，開關") == "温控器 , 开关"
    assert normalise("ＡＢＣ１２") == "abc12"
    assert normalise("don't stop") == "do not stop"
    assert detect_language("让Rover开始打扫") == "zh" and detect_language("Rover start") == "en"


def test_stemmer_meets_inflections():
    assert stem("cracked") == stem("cracks") == stem("crack")
    assert stem("sagging") == stem("sag")
    assert stem("freezing") == stem("freeze")
    assert stem("lights") == stem("light")


def test_stemmer_keeps_ing_words_that_are_not_their_verb():
    assert stem("living") != stem("live")      # the living room is not the cart's "live"
    assert stem("strings") == stem("string")
    assert items("ultrasound", "turn on the living room light") == []
    assert items("ultrasound", "go live")[0]["action"] == "unfreeze"


def test_templates_expand_alternatives_optionals_and_keep_slots():
    assert templates.expand("turn (on|up) [the] heat") == [
        "turn on the heat", "turn on heat", "turn up the heat", "turn up heat"]
    assert templates.expand("{n}号(塔|铁塔)") == ["{n}号塔", "{n}号铁塔"]


def test_pinyin_folding_merges_dialect_pairs():
    assert fold("zhi") == fold("zi") and fold("shi") == fold("si") and fold("chi") == fold("ci")
    assert fold("nan") == fold("lan")
    assert fold("fei") == fold("hui") and fold("fang") == fold("huang")
    assert fold("yang") == fold("yan") and fold("ming") == fold("min")


@pytest.fixture(scope="module")
def power_zh():
    return Rules(load("power_line", default_store().manifest), "zh")


@pytest.fixture(scope="module")
def home_en():
    return Rules(load("smart_home", default_store().manifest), "en")


@pytest.mark.parametrize("text, field, value", [
    ("12号塔绝缘子有烈纹", "defect", "crack"),        # same syllable, other character
    ("十二号塔决缘子列纹", "component", "insulator"),
    ("19号塔接地线锈蚀", "component", "grounding_wire"),
])
def test_chinese_homophones_are_repaired_against_the_lexicon(power_zh, text, field, value):
    assert value in [t.get(field) for t in power_zh.tag(text)]


@pytest.mark.parametrize("text, component", [
    ("12号塔绝缘裂了", "insulator"), ("9号塔避雷坏了", "lightning_arrester"), ("2号塔间隔掉了", "spacer")])
def test_a_name_whose_last_characters_were_not_heard_is_completed(power_zh, text, component):
    assert any(t.get("component") == component for t in power_zh.tag(text))


def test_chinese_repair_needs_one_right_character(power_zh):
    # 附近 sounds like nothing in the lexicon once one character must match: no invented defect
    assert not any("defect" in t.fields for t in power_zh.tag("30号塔附近"))


@pytest.mark.parametrize("text, field, value", [
    ("turn of the kitchen lights", "verb", "off"),
    ("turn on the living groom lights", "area", "living room"),
])
def test_english_misrecognitions_are_repaired(home_en, text, field, value):
    assert value in [t.get(field) for t in home_en.tag(text)]


def test_real_english_words_are_not_bent_into_lexicon_words():
    rules = Rules(load("power_line", default_store().manifest), "en")
    # "shows a" must not become "shoes" (a foreign object), nor "do not" a "dent"
    defects = [t.get("defect") for t in rules.tag("infrared shows a hot spot on the clamp, do not climb")]
    assert [d for d in defects if d] == ["overheating"]
