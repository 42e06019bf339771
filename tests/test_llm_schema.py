"""The item gate and the profile's item schema: only allow-listed values pass."""
from __future__ import annotations

import pytest

from voicebox.nlu.itemschema import json_schema, validate_item
from voicebox.nlu.settings import Vocabulary
from nlu_helpers import items

SMART_HOME = Vocabulary(
    kinds=("device_command", "query"),
    devices=("light", "switch", "fan", "climate", "cover", "lock", "vacuum", "media_player"),
    actions=("turn_on", "turn_off", "set", "increase", "decrease", "open", "close", "lock",
             "unlock", "start", "stop", "pause", "mute", "unmute"),
    attributes=("brightness", "temperature", "position", "volume", "speed", "color"),
    values=("blue", "red"), units=("percent", "celsius"))
POWER_LINE = Vocabulary(
    kinds=("defect_report", "query"),
    components=("insulator", "conductor", "tower", "bolt", "grounding_wire"),
    defects=("crack", "broken", "corrosion", "loose", "bird_nest"),
    asset_types=("tower", "pole", "span"))
DRONE = Vocabulary(kinds=("device_command",), devices=("drone",),
                   actions=("take_off", "land", "move"), units=("meter",),
                   directions=("up", "down", "left", "right", "forward", "back"))


def test_a_valid_command_is_normalised_to_the_contract_fields():
    item = {"kind": "device_command", "device": "Light ", "action": "set", "target": "kitchen",
            "attribute": "brightness", "value": 30.0, "unit": "percent", "confidence": 1}
    assert validate_item(item, SMART_HOME) == {
        "kind": "device_command", "device": "light", "target": "kitchen", "action": "set",
        "attribute": "brightness", "value": 30, "unit": "percent", "confidence": 1.0}


def test_missing_optional_fields_become_null():
    item = {"kind": "defect_report", "component": "insulator", "defect": "crack",
            "asset": {"type": "tower", "id": 12}, "confidence": 0.8}
    assert validate_item(item, POWER_LINE) == {
        "kind": "defect_report", "component": "insulator", "defect": "crack",
        "asset": {"type": "tower", "id": "12"}, "position": None, "severity": None, "confidence": 0.8}


def test_direction_is_kept_only_when_set():
    item = {"kind": "device_command", "device": "drone", "action": "move", "direction": "up",
            "value": 5, "unit": "meter", "confidence": 0.9}
    assert validate_item(item, DRONE)["direction"] == "up"
    assert "direction" not in validate_item({**item, "direction": None}, DRONE)


@pytest.mark.parametrize("change, vocab", [
    ({"device": "drone"}, SMART_HOME),                    # a device of another profile
    ({"action": "self_destruct"}, SMART_HOME),            # a made-up action
    ({"action": "take_off"}, SMART_HOME),                 # another profile's action
    ({"attribute": "altitude"}, SMART_HOME),
    ({"value": "purple"}, SMART_HOME),                    # a string value outside the list
    ({"value": True}, SMART_HOME),                        # wrong type
    ({"value": float("nan")}, SMART_HOME),
    ({"unit": "parsec"}, SMART_HOME),
    ({"confidence": 1.5}, SMART_HOME),
    ({"confidence": "high"}, SMART_HOME),
    ({"confidence": None}, SMART_HOME),                   # every item carries a confidence
    ({"target": 12}, SMART_HOME),
    ({"shell": "rm -rf /"}, SMART_HOME),                  # a field outside the contract
    ({"device": None}, SMART_HOME),                       # a required field missing
    ({"direction": "sideways"}, DRONE),
])
def test_commands_outside_the_allow_list_or_contract_are_rejected(change, vocab):
    base = ({"kind": "device_command", "device": "light", "action": "turn_on", "confidence": 0.9}
            if vocab is SMART_HOME else
            {"kind": "device_command", "device": "drone", "action": "move", "confidence": 0.9})
    assert validate_item(base, vocab) is not None
    assert validate_item({**base, **change}, vocab) is None


@pytest.mark.parametrize("change", [
    {"component": "transformer"},                        # not in this (reduced) allow-list
    {"defect": "haunted"},
    {"asset": {"type": "castle", "id": "1"}},
    {"asset": {"type": "tower", "id": "12; drop table"}},
    {"asset": {"type": "tower"}},
    {"asset": "tower 12"},
    {"position": "diagonal"},
    {"severity": "apocalyptic"},
    {"kind": "device_command"},                           # kind not allowed in this profile
    {"kind": "telemetry"},
])
def test_defect_reports_outside_the_allow_list_are_rejected(change):
    base = {"kind": "defect_report", "component": "bolt", "defect": "loose", "confidence": 0.7}
    assert validate_item(base, POWER_LINE) is not None
    assert validate_item({**base, **change}, POWER_LINE) is None


def test_queries_need_a_question_and_an_allowed_topic():
    vocab = Vocabulary(kinds=("query",), topics=("manual",))
    assert validate_item({"kind": "query", "question": " torque of an M16 bolt? ", "confidence": 0.6},
                         vocab) == {"kind": "query", "question": "torque of an M16 bolt?",
                                    "topic": None, "confidence": 0.6}
    assert validate_item({"kind": "query", "question": "", "confidence": 0.6}, vocab) is None
    assert validate_item({"kind": "query", "question": "x", "topic": "gossip", "confidence": 0.6},
                         vocab) is None
    assert validate_item(["query"], vocab) is None


class _Profile:
    def __init__(self, vocabulary, areas=(), entities=()):
        self.vocabulary, self.areas, self.entities, self.name = vocabulary, areas, entities, "t"


def test_schema_enums_come_from_the_allow_list():
    schema = json_schema(_Profile(SMART_HOME))
    branches = {b["properties"]["kind"]["const"]: b for b in schema["items"]["oneOf"]}
    assert set(branches) == {"device_command", "query"}
    device = branches["device_command"]["properties"]
    assert device["device"]["enum"] == list(SMART_HOME.devices)
    assert device["action"]["enum"] == list(SMART_HOME.actions)
    assert None in device["unit"]["enum"] and "parsec" not in device["unit"]["enum"]
    assert branches["device_command"]["additionalProperties"] is False


@pytest.mark.parametrize("name", ["smart_home", "power_line", "drone", "ultrasound"])
def test_each_profile_schema_and_grammar_follow_its_allow_list(store, name):
    from voicebox import profile as profiles
    from voicebox.nlu import grammar

    prof = profiles.load(name, store.manifest)
    schema = json_schema(prof)
    branches = {b["properties"]["kind"]["const"]: b["properties"] for b in schema["items"]["oneOf"]}
    assert set(branches) == set(prof.vocabulary.kinds)
    rules = grammar.gbnf(schema)
    for value in prof.vocabulary.devices + prof.vocabulary.actions + prof.vocabulary.components:
        assert f'"{grammar.spoken(value)}"' in rules
    foreign = {"vacuum", "take off", "color doppler", "insulator"} - {
        grammar.spoken(v) for v in prof.vocabulary.devices + prof.vocabulary.actions
        + prof.vocabulary.values + prof.vocabulary.components}
    assert not any(f'"{word}"' in rules for word in foreign)
    if "device_command" in branches and prof.entities:
        assert set(branches["device_command"]["target"]["enum"]) >= {e.name for e in prof.entities}


@pytest.mark.parametrize("name", ["smart_home", "power_line", "drone", "ultrasound"])
def test_every_prompt_example_survives_a_round_trip_through_its_line(store, name):
    from voicebox import profile as profiles
    from voicebox.nlu import grammar

    prof = profiles.load(name, store.manifest)
    schema = json_schema(prof)
    assert prof.llm.examples
    for example in prof.llm.examples:
        items = [dict(item) for item in example.items]
        assert grammar.read(grammar.render(items, schema), schema) == items, example.text


PER_DEVICE = Vocabulary(
    kinds=("device_command",), devices=("light", "vacuum", "lock"),
    actions=("turn_on", "turn_off", "set", "start", "lock", "unlock"), attributes=("brightness", "color"),
    device_actions={"light": ("turn_on", "turn_off", "set"), "lock": ("lock", "unlock")},
    device_attributes={"light": ("brightness", "color"), "lock": ()})


@pytest.mark.parametrize("device, action, attribute, ok", [
    ("light", "turn_on", None, True),
    ("light", "set", "brightness", True),
    ("light", "start", None, False),       # a light cannot start
    ("lock", "set", None, False),
    ("lock", "lock", "brightness", False),  # a lock has no brightness
    ("vacuum", "start", None, True),         # not listed: every action of the profile
])
def test_the_gate_allows_each_device_only_its_own_actions_and_attributes(device, action, attribute, ok):
    item = {"kind": "device_command", "device": device, "action": action, "attribute": attribute,
            "confidence": 0.9}
    assert (validate_item(item, PER_DEVICE) is not None) == ok


def test_the_grammar_gives_each_device_its_own_actions():
    from voicebox.nlu import grammar

    schema = json_schema(_Profile(PER_DEVICE))
    rules = grammar.gbnf(schema)
    line = next(r for r in rules.splitlines() if r.startswith("command-item ::="))
    assert '"light" " " command-action-light' in line and '"lock" " " command-action-lock' in line
    assert 'command-action-light ::= "set" | "turn off" | "turn on"' in rules
    assert "command-attribute-lock" not in rules and "(\" attribute: \" command-attribute-light)?" in line
    assert '"vacuum" " " command-action ' in line  # not narrowed: the profile's list
    items = [{"kind": "device_command", "device": "light", "action": "set", "attribute": "color"}]
    assert grammar.read(grammar.render(items, schema), schema) == items


def test_a_per_device_list_outside_the_allow_list_is_a_config_error():
    from voicebox.errors import ConfigError
    from voicebox.nlu.settings import Understanding, validate

    bad = Vocabulary(devices=("light",), actions=("turn_on",), device_actions={"light": ("start",)})
    with pytest.raises(ConfigError, match="device_actions.light"):
        validate(bad, Understanding(), (), (), ("en",), "p.toml")
    bad = Vocabulary(devices=("light",), actions=("turn_on",), device_actions={"fan": ("turn_on",)})
    with pytest.raises(ConfigError, match="device_actions.fan"):
        validate(bad, Understanding(), (), (), ("en",), "p.toml")


def test_a_string_value_must_be_one_of_its_attribute():
    vocab = Vocabulary(kinds=("device_command",), devices=("light", "climate"), actions=("set",),
                       attributes=("color", "mode", "brightness"), values=("red", "heat"),
                       attribute_values={"color": ("red",), "mode": ("heat",), "brightness": ()})

    def item(attribute, value):
        return {"kind": "device_command", "device": "light", "action": "set", "attribute": attribute,
                "value": value, "confidence": 0.9}
    assert validate_item(item("color", "red"), vocab) is not None
    assert validate_item(item("color", "heat"), vocab) is None      # a mode is no colour
    assert validate_item(item("brightness", "red"), vocab) is None  # numbers only
    assert validate_item(item("brightness", 40), vocab) is not None
    assert validate_item(item("mode", 7), vocab) is None            # a named value only
    assert validate_item(item("color", 2), vocab) is None


@pytest.mark.parametrize("text", ["set the mode to seven", "switch to mode 2", "模式调到3"])
def test_a_mode_said_as_a_number_is_no_item(text):
    """The ultrasound cart's modes have names; 7 is none of them, so nothing is acted on."""
    assert [i for i in items("ultrasound", text) if i["attribute"] == "mode"] == []
    assert items("ultrasound", "switch to color doppler")[0]["value"] == "color_doppler"
