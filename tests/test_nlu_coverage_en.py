"""English on the real profiles (own17 round, a coverage set walking the contract's values):
the wall switch named before its particle, a named device placed in another room, what the TV
is put on for, playback that stops, a fan's lowest setting, "wants out", how bad said after a
report, "bowls" for bolts, "on freeze" for unfreeze."""
from __future__ import annotations

import pytest

from nlu_helpers import fields, items


@pytest.mark.parametrize("text, action", [
    ("flip the office switch off", "turn_off"), ("turn the garage switch on", "turn_on"),
    ("switch the office switch off", "turn_off"), ("the office switch off please", "turn_off"),
])
def test_a_switch_named_before_its_particle_is_the_switch(text, action):
    assert [fields(i, "device", "action") for i in items("smart_home", text)] == [("switch", action)]


@pytest.mark.parametrize("text, device", [
    ("please switch off the fan", "fan"), ("turn the lights on and switch off the fan", "fan"),
])
def test_switch_off_before_a_device_is_still_the_verb(text, device):
    assert [fields(i, "device", "action") for i in items("smart_home", text)][-1] == (device, "turn_off")


@pytest.mark.parametrize("text, target", [
    ("switch the ceiling fan on in the bedroom", "bedroom"),
    ("turn off the ceiling fan in the office please", "office"),
    ("turn the ceiling fan on in the living room", "ceiling fan"),   # where it is: the named one
])
def test_a_named_device_said_in_a_room_is_one_device(text, target):
    assert [fields(i, "device", "target") for i in items("smart_home", text)] == [("fan", target)]


@pytest.mark.parametrize("text", [
    "switch the TV on for the news", "turn on the tv so I can watch the news",
    "put the telly on for the weather forecast",
])
def test_what_the_tv_is_put_on_for_is_no_request(text):
    assert [fields(i, "device", "action") for i in items("smart_home", text)] == [("media_player", "turn_on")]


@pytest.mark.parametrize("text", ["read me the news", "what is the weather forecast"])
def test_the_news_itself_is_still_not_ours(text):
    assert items("smart_home", text) == []


@pytest.mark.parametrize("text, device, action", [
    ("stop the music in the kitchen", "media_player", "stop"), ("kill the music", "media_player", "stop"),
    ("halt the podcast please", "media_player", "stop"), ("turn off the music", "media_player", "turn_off"),
    ("stop the fan", "fan", "turn_off"), ("kill the lights", "light", "turn_off"),
    ("stop the blinds", "cover", "stop"), ("stop the vacuum", "vacuum", "stop"),
])
def test_what_stops_stops_and_what_is_off_is_off(text, device, action):
    assert [fields(i, "device", "action") for i in items("smart_home", text)] == [(device, action)]


@pytest.mark.parametrize("text, level", [
    ("put the fan on its lowest setting", 1), ("turn the fan down to its lowest level", 1),
    ("set the fans to their medium setting", 2), ("put the fan on its highest setting", 3),
])
def test_a_fans_setting_said_with_its_is_a_level(text, level):
    assert [fields(i, "device", "action", "attribute", "value") for i in items("smart_home", text)] \
        == [("fan", "set", "speed", level)]


@pytest.mark.parametrize("text, expected", [
    ("unlock the back door, the dog wants out", [("lock", "unlock")]),
    ("let the cat out, then lock the door", [("lock", "lock")]),
    ("lights out", [("light", "turn_off")]),
])
def test_out_after_words_we_do_not_know_is_no_order(text, expected):
    assert [fields(i, "device", "action") for i in items("smart_home", text)] == expected


@pytest.mark.parametrize("text, severity", [
    ("the transformer on pole 71 is overheating, this is critical", "critical"),
    ("crack in the insulator at tower 5, this is urgent", "critical"),
    ("insulator cracked at tower 5, that is quite serious", "high"),
    ("insulator cracked at tower 5, this one is minor", "low"),
])
def test_how_bad_said_after_a_report_grades_it(text, severity):
    assert [i["severity"] for i in items("power_line", text)] == [severity]


@pytest.mark.parametrize("text, defect", [
    ("corroded bowls at tower 61", "corrosion"), ("the bowls are loose on tower 12", "loose"),
])
def test_bowls_are_bolts_heard_wrong(text, defect):
    assert [fields(i, "component", "defect") for i in items("power_line", text)] == [("bolt", defect)]


@pytest.mark.parametrize("text, action", [
    ("on freeze the image", "unfreeze"), ("can you on freeze it", "unfreeze"),
    ("put it on freeze", "freeze"), ("keep the image on freeze", "freeze"),
])
def test_on_freeze_is_unfreeze_heard_wrong(text, action):
    assert [i["action"] for i in items("ultrasound", text)] == [action]
