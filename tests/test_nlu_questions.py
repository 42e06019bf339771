"""Questions, comparatives and multi-item reports on the real profiles (own7 round): what a
comparative means for the device it is said of, when a request still asks, status questions
about what was done, one defect on several assets."""
from __future__ import annotations

import functools

import pytest

from voicebox.models import default_store
from voicebox.nlu.understander import Understander
from voicebox.profile import load


@functools.lru_cache(maxsize=None)
def profile(name: str):
    return load(name, default_store().manifest)


def items(name: str, text: str) -> list[dict]:
    return Understander(profile(name)).parse(text).items


def fields(item: dict, *names: str) -> tuple:
    return tuple(item.get(n) for n in names)


@pytest.mark.parametrize("text, expected", [
    # a comparative of several attributes takes the one the named device has
    ("make the bedroom fan quieter", ("fan", "decrease", "speed")),
    ("make the tv quieter", ("media_player", "decrease", "volume")),
    ("louder", ("media_player", "increase", "volume")),
    ("the fan is too loud", ("fan", "decrease", "speed")),
    ("make the AC quieter", ("climate", "decrease", "speed")),
    ("风扇小声点", ("fan", "decrease", "speed")),
    ("小声点", ("media_player", "decrease", "volume")),
    # 风 is the airflow; 快/慢 alone only when nothing else is asked for
    ("风小一点", ("fan", "decrease", "speed")),
    ("空调风大点", ("climate", "increase", "speed")),
    ("风扇快一点", ("fan", "increase", "speed")),
    ("风扇调慢点", ("fan", "decrease", "speed")),
    ("快一点关灯", ("light", "turn_off", None)),
    ("快点把灯关了", ("light", "turn_off", None)),
])
def test_a_comparative_means_the_attribute_of_the_device_it_is_said_of(text, expected):
    assert [fields(i, "device", "action", "attribute") for i in items("smart_home", text)] == [expected]
