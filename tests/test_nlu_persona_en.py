"""English as non-native and regional speakers say it, on the real profiles (own12 round):
Indian "on the AC", the learner's "more low", trade slang of the line crew and the pilot,
dictated restarts ("sorry"), radio talk, real words heard for others ("paws", "look the door")."""
from __future__ import annotations

import pytest

from nlu_helpers import fields, items


def _cmd(item: dict) -> tuple:
    return fields(item, "device", "action", "attribute", "value")


@pytest.mark.parametrize("text, expected", [
    # "on the" opening a clause before a device is the verb; with another verb after it, a place
    ("kindly on the fan", [("fan", "turn_on", None, None)]),
    ("switch off the lights and on the AC", [("light", "turn_off", None, None), ("climate", "turn_on", None, None)]),
    ("on the TV increase the volume to 90 percent", [("media_player", "set", "volume", 90)]),
    ("off the tube lights in the hall", [("light", "turn_off", None, None)]),
    # the learner's comparative: "more" and the plain adjective
    ("make more low the sound of the TV", [("media_player", "decrease", "volume", None)]),
    ("make the bedroom more warm", [("climate", "increase", "temperature", None)]),
    ("the light more dark please", [("light", "decrease", "brightness", None)]),
    # "the biggest" / "the smallest" are the ends of the scale, like max and min
    ("put the fan to the strongest", [("fan", "set", "speed", 100)]),
    ("fan to the slowest", [("fan", "set", "speed", 1)]),
    # real words heard for others, only where the other fits
    ("paws the music", [("media_player", "pause", None, None)]),
    ("look the back door", [("lock", "lock", None, None)]),
    ("does it look the same", []),
    ("turn the kitchen lights read", [("light", "set", "color", "red")]),
    ("I want to read", []),
    ("it's a bit nippy in here", [("climate", "increase", "temperature", None)]),
])
def test_own12_home_speech(text, expected):
    assert [_cmd(i) for i in items("smart_home", text)] == expected


@pytest.mark.parametrize("name, text", [
    # Indian English asks with a closing "or not", no question mark needed
    ("smart_home", "the main door is locked or not"), ("smart_home", "AC is on or not"),
    ("power_line", "the report of tower 5 is sent or not"), ("drone", "battery is enough or not"),
])
def test_own12_a_closing_or_not_asks(name, text):
    assert [i["kind"] for i in items(name, text)] == ["query"]


@pytest.mark.parametrize("text", ["how many degrees is it inside", "what degree is the AC"])
def test_own12_how_many_degrees_asks_the_temperature(text):
    assert [fields(i, "kind", "topic") for i in items("smart_home", text)] == [("query", "temperature")]


@pytest.mark.parametrize("text, expected", [
    ("thaw the picture", [("ultrasound", "unfreeze", None, None)]),
    ("defrost it", [("ultrasound", "unfreeze", None, None)]),
    # "go" + a mode is a second order after the first
    ("freeze and go PW", [("ultrasound", "freeze", None, None), ("ultrasound", "set", "mode", "pw_doppler")]),
    ("go back live", [("ultrasound", "unfreeze", None, None)]),
    ("make the gain more big", [("ultrasound", "increase", "gain", None)]),
    ("image more dark please", [("ultrasound", "decrease", "gain", None)]),
    ("depth make bigger", [("ultrasound", "increase", "depth", None)]),
])
def test_own12_cart_speech(text, expected):
    assert [_cmd(i) for i in items("ultrasound", text)] == expected


@pytest.mark.parametrize("text, expected", [
    # the motors brought up to speed take off; "lift" alone lifts off, with a distance it climbs
    ("spin up and take off", [("drone", "take_off", None, None)]),
    ("spool her up", [("drone", "take_off", None, None)]),
    ("lift ten meters", [("drone", "move", "altitude", 10)]),
    # the pilot telling about himself: "standing by", "we're at …" (still "stand by" holds)
    ("roger, standing by", []),
    ("stand by", [("drone", "hover", None, None)]),
    ("we're at fifty meters, go home", [("drone", "return_home", None, None)]),
    # a dictated restart: "sorry" as a piece of its own takes back what was before it
    ("go up, uh, sorry, go up ten meters", [("drone", "move", "altitude", 10)]),
    ("sorry to bother you, take a photo", [("drone", "capture_photo", None, None)]),
])
def test_own12_pilot_speech(text, expected):
    assert [_cmd(i) for i in items("drone", text)] == expected


@pytest.mark.parametrize("text, expected", [
    # trade slang: bells are insulators, shot up is broken, a pothead the cable's end, melted is heat
    ("the bells are shot on tower 12", [("insulator", "broken", "tower", "12", None)]),
    ("the pothead is melting on pole 4", [("cable", "overheating", "pole", "4", None)]),
    ("they nicked the earth wire on tower 9", [("grounding_wire", "missing", "tower", "9", None)]),
    ("the clams are loose on tower 8", [("clamp", "loose", "tower", "8", None)]),
    ("rust on the tower legs at pylon 7", [("tower", "corrosion", "tower", "7", None)]),
    # "the pole at 22" is pole 22
    ("the pole at 22 is leaning", [("pole", "tilt", "pole", "22", None)]),
    # a phase is the conductor where it hangs, unless another component is said
    ("kite caught on the middle phase at tower 4", [("conductor", "foreign_object", "tower", "4", "middle")]),
    ("the insulator on the left phase is cracked, tower 8", [("insulator", "crack", "tower", "8", "left")]),
    ("tower 5, insulator on the left, sorry, right, is cracked", [("insulator", "crack", "tower", "5", "right")]),
])
def test_own12_line_reports(text, expected):
    got = [(i["component"], i["defect"], (i["asset"] or {}).get("type"), (i["asset"] or {}).get("id"), i["position"])
           for i in items("power_line", text)]
    assert got == expected


def _report(item: dict) -> tuple:
    asset = item["asset"] or {}
    return item["component"], item["defect"], asset.get("type"), asset.get("id"), item["position"], item["severity"]


@pytest.mark.parametrize("text, expected", [
    # own15, the formal register of a defect record: a phase or a side said first is where
    ("Structure 12, phase A, insulator string cracked.", [("insulator", "crack", "tower", "12", None, None)]),
    ("Str 88, left phase, clamp loose.", [("clamp", "loose", "tower", "88", "left", None)]),
    ("Tower 40, front leg, foundation cracked, minor.", [("foundation", "crack", "tower", "40", "front", "low")]),
    # a range of structures is one report on each, with the grade said after it
    ("Poles 14 thru 16 leaning, moderate.", [("pole", "tilt", "pole", n, None, "medium") for n in ("14", "15", "16")]),
    ("bird nests on towers 8 to 10", [("tower", "bird_nest", "tower", n, None, None) for n in ("8", "9", "10")]),
    ("poles 7 to 8, conductor sag", [("conductor", "sag", "span", "7-8", None, None)]),
    # damage named by its kind is that defect; "severed" is a break, "severe" a grade
    ("Tower 12, lightning arrester exhibits flashover damage.", [("lightning_arrester", "flashover", "tower", "12", None, None)]),
    ("Structure 14, grounding conductor severed.", [("grounding_wire", "broken", "tower", "14", None, None)]),
    # numbers as a work order writes them: a dashed pole, "No.", a numbered unit, a line around a tower
    ("Pole 3-7, transformer leaking oil.", [("transformer", "leakage", "pole", "3-7", None, None)]),
    ("Structure No. 3, crossarm corroded.", [("crossarm", "corrosion", "tower", "3", None, None)]),
    ("Feeder 5 pole 11 transformer overheating.", [("transformer", "overheating", "pole", "11", None, None)]),
    ("Substation 4, transformer number one showing elevated temperature, priority 1.",
     [("transformer", "overheating", "substation", "4", None, "critical")]),
    ("Earth wire detached at pole 30, requires immediate attention.",
     [("grounding_wire", "broken", "pole", "30", None, "critical")]),
    ("Wear on the conductor adjacent to the clamp at tower 5.", [("conductor", "wear", "tower", "5", None, None)]),
    # a finding said again in other words is one report: "broken, three strands broken"
    ("conductor broken, three strands broken, tower 6, severe.", [("conductor", "broken", "tower", "6", None, "high")]),
    ("the conductor is sacking between towers 3 and 4", [("conductor", "sag", "span", "3-4", None, None)]),
])
def test_own15_formal_line_records(text, expected):
    assert [_report(i) for i in items("power_line", text)] == expected


@pytest.mark.parametrize("name, text, expected", [
    # own15: the help desk's and the manual's verbs
    ("smart_home", "Set the kitchen illumination to forty percent.", [("light", "set", "brightness", 40)]),
    ("smart_home", "Disengage the lock on the patio door.", [("lock", "unlock", None, None)]),
    ("smart_home", "Engage the front door lock.", [("lock", "lock", None, None)]),
    ("smart_home", "Suspend the music in the living room.", [("media_player", "pause", None, None)]),
    ("smart_home", "Bring the sound back on the TV.", [("media_player", "unmute", None, None)]),
    ("smart_home", "Cease the vacuum, please.", [("vacuum", "stop", None, None)]),
    ("smart_home", "Clothes the blinds in the kitchen.", [("cover", "close", None, None)]),
    ("drone", "Terminate video recording.", [("drone", "stop_recording", None, None)]),
])
def test_own15_formal_orders(name, text, expected):
    assert [_cmd(i) for i in items(name, text)] == expected


@pytest.mark.parametrize("name, text", [
    ("smart_home", "Would you tell me whether the lights are on?"),
    ("smart_home", "Could you tell me if the front door is locked?"),
    ("power_line", "Which priority applies to a cracked insulator?"),
])
def test_own15_polite_questions_ask(name, text):
    assert [i["kind"] for i in items(name, text)] == ["query"]
