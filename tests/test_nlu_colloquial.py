"""Colloquial speech on the real profiles (own8 round): speed level words, a garage that
opens, counting questions, repaired near-homophones, findings said as statements, 口语 verbs."""
from __future__ import annotations

import pytest

from nlu_helpers import fields, items


@pytest.mark.parametrize("text, value", [
    # level words sit on the scale of "speed 3" / 三档: low 1, medium 2, high 3
    ("put the fan on high", 3), ("set the fan to medium", 2), ("turn the ceiling fan to low", 1),
    ("风扇开中档", 2), ("吊扇调到低档", 1), ("风扇开高档", 3),
])
def test_speed_level_words_set_the_fan_speed(text, value):
    assert [fields(i, "device", "action", "attribute", "value") for i in items("smart_home", text)] \
        == [("fan", "set", "speed", value)]


def test_on_is_still_on_without_a_level():
    assert [fields(i, "device", "action") for i in items("smart_home", "put the fan on")] == [("fan", "turn_on")]


@pytest.mark.parametrize("text, expected", [
    # English open/close with no device said is a cover (the garage's door), not the area's light
    ("open the garage", ("cover", "open", "garage")),
    ("close the garage", ("cover", "close", "garage")),
    # a device said still decides: a light opened is on, a door opened is unlocked
    ("open the living room light", ("light", "turn_on", "living room")),
    ("open the front door", ("lock", "unlock", "front door")),
    ("turn on the garage", ("light", "turn_on", "garage")),
    ("打开车库的开关", ("switch", "turn_on", "garage")),
])
def test_opening_a_place_opens_what_opens_there(text, expected):
    assert [fields(i, "device", "action", "target") for i in items("smart_home", text)] == [expected]


@pytest.mark.parametrize("text", ["拍了几张照片了", "拍了几张了", "今天飞了几次了", "巡了几基塔了"])
def test_a_count_of_what_was_done_is_a_question(text):
    assert [i["kind"] for i in items("drone", text)] == ["query"]


@pytest.mark.parametrize("name, text, expected", [
    ("drone", "拍几张照片", ("device_command", "capture_photo")),  # 几 without 了: a few
    ("drone", "再拍几张", ("device_command", "capture_photo")),
    ("power_line", "3号塔螺丝松了几个", ("defect_report", None)),  # a few came loose
])
def test_a_few_is_still_an_order_or_a_report(name, text, expected):
    assert [fields(i, "kind", "action") for i in items(name, text)] == [expected]


@pytest.mark.parametrize("text, expected", [
    # 空调 reads kong tiao; 调 alone is diao, which a recogniser writes 掉
    ("打开空掉", ("climate", "turn_on")), ("把空掉关了", ("climate", "turn_off")),
])
def test_a_phrase_character_heard_in_its_other_reading_is_repaired(text, expected):
    assert [fields(i, "device", "action") for i in items("smart_home", text)] == [expected]


def test_a_rare_reading_repairs_nothing():
    # 塌 has a rare reading da: "弧垂太大了" is a sag, not also a collapse
    assert [fields(i, "component", "defect") for i in items("power_line", "导线弧垂太大了")] == [("conductor", "sag")]


@pytest.mark.parametrize("name, text", [
    # a finding said of what is on screen describes it; the reference is asked otherwise
    ("ultrasound", "这个肾在正常范围"), ("ultrasound", "肝脏大小属于正常范围内"),
    # 啥 / 什么 with 也 / 都 + 没 is "nothing at all", not a question
    ("power_line", "15号塔啥也没有"), ("power_line", "12号塔什么都没发现"),
])
def test_statements_of_nothing_wrong_give_no_item(name, text):
    assert items(name, text) == []


@pytest.mark.parametrize("name, text", [
    ("ultrasound", "这个肾在正常范围吗"), ("ultrasound", "肾脏正常范围"), ("power_line", "15号塔有啥问题"),
])
def test_the_same_words_asked_are_still_queries(name, text):
    assert [i["kind"] for i in items(name, text)] == ["query"]


@pytest.mark.parametrize("text, action", [
    # 口语 "do" verbs (整/弄/搞/来) with a measure word and the thing made; a separable verb split
    ("整个照片", "capture_photo"), ("弄两张照片", "capture_photo"), ("录个像呗", "start_recording"),
    ("整段视频", "start_recording"),
])
def test_colloquial_do_verbs_and_split_verbs_on_the_drone(text, action):
    assert [i["action"] for i in items("drone", text)] == [action]


@pytest.mark.parametrize("text", ["来个空翻", "往前整个二十米"])
def test_a_do_verb_without_a_photo_takes_none(text):
    assert "capture_photo" not in [i.get("action") for i in items("drone", text)]


@pytest.mark.parametrize("name, text, expected", [
    # 整/弄/搞 before a comparative adjust, as 调 does
    ("smart_home", "灯整亮点儿", ("light", "increase", "brightness", None)),
    ("smart_home", "空调弄低两度", ("climate", "decrease", "temperature", 2)),
    ("smart_home", "声音搞小点儿", ("media_player", "decrease", "volume", None)),
    ("ultrasound", "增益搞大点", ("ultrasound", "increase", "gain", None)),
])
def test_colloquial_do_verbs_before_a_comparative_adjust(name, text, expected):
    assert [fields(i, "device", "action", "attribute", "value") for i in items(name, text)] == [expected]


@pytest.mark.parametrize("text", ["tower 9 insulator's kinda dirty", "the insulator on tower 3 is sort of cracked"])
def test_hedged_defects_are_low_severity(text):
    assert [i["severity"] for i in items("power_line", text)] == ["low"]


@pytest.mark.parametrize("text, expected", [
    ("扫地机器人歇会儿", ("vacuum", "pause")), ("让扫地机干活", ("vacuum", "start")),
    ("音乐歇一会儿", ("media_player", "pause")),
])
def test_rest_and_work_idioms(text, expected):
    assert [fields(i, "device", "action") for i in items("smart_home", text)] == [expected]


@pytest.mark.parametrize("text, expected", [
    ("crank it up", ("media_player", "increase", None)),
    ("crank up the heat", ("climate", "increase", None)),
    ("gimme some light in the kitchen", ("light", "turn_on", "kitchen")),
    ("give me more light", ("light", "increase", None)),
])
def test_colloquial_english_home_idioms(text, expected):
    assert [fields(i, "device", "action", "target") for i in items("smart_home", text)] == [expected]


def test_a_number_said_overrides_the_one_a_verb_phrase_carries():
    got = items("drone", "spin around to the left ninety degrees and grab a shot")
    assert [fields(i, "action", "direction", "value") for i in got] == [("rotate", "left", 90), ("capture_photo", None, None)]
    assert [i["value"] for i in items("drone", "spin around")] == [180]


def test_a_participle_closing_the_verb_phrase_asks_the_state():
    assert [fields(i, "kind", "topic") for i in items("drone", "is the camera rolling")] == [("query", "state")]
    assert [i["action"] for i in items("drone", "roll left 5 meters")] == ["move"]


@pytest.mark.parametrize("text, value", [("turn the fan down to low", 1), ("turn the fan up to high", 3), ("风扇调低到低档", 1)])
def test_a_level_is_a_setting_even_after_up_or_down(text, value):
    assert [fields(i, "action", "attribute", "value") for i in items("smart_home", text)] == [("set", "speed", value)]


def test_a_bare_high_is_no_level():
    assert [fields(i, "device", "action", "attribute") for i in items("smart_home", "turn the heat up high")] \
        == [("climate", "increase", "temperature")]


@pytest.mark.parametrize("name, text", [("drone", "电池还行不"), ("drone", "信号好不")])
def test_a_clipped_a_not_a_question_asks(name, text):
    assert [i["kind"] for i in items(name, text)] == ["query"]


@pytest.mark.parametrize("text, expected", [
    ("扫地机器人去扫个地", ("vacuum", "start")), ("拖一下地", ("vacuum", "start")),
    ("把灯整起来", ("light", "turn_on")), ("电视静个音", ("media_player", "mute")),
    ("把扫地机叫回来", ("vacuum", "stop")),
])
def test_split_and_do_verbs_in_the_home(text, expected):
    assert [fields(i, "device", "action") for i in items("smart_home", text)] == [expected]


def test_gimme_a_shot_takes_a_photo():
    assert [i["action"] for i in items("drone", "gimme a shot of the tower")] == ["capture_photo"]


@pytest.mark.parametrize("text, expected", [
    ("the music's kinda loud", ("media_player", "decrease", "volume")), ("fan is a bit loud", ("fan", "decrease", "speed")),
])
def test_a_hedged_loud_is_a_wish_for_quieter(text, expected):
    assert [fields(i, "device", "action", "attribute") for i in items("smart_home", text)] == [expected]


def test_a_verb_said_twice_around_yi_is_a_little_not_one():
    got = items("drone", "往左挪一挪")
    assert [fields(i, "action", "direction", "value") for i in got] == [("move", "left", None)]
    assert [i["value"] for i in items("drone", "往前挪一米")] == [1]


@pytest.mark.parametrize("name, text, expected", [
    ("drone", "把录像给停了", ("drone", "stop_recording")),  # 给 before the verb (disposal 口语)
    ("smart_home", "灯给我熄了", ("light", "turn_off")),
    ("smart_home", "风扇别转了", ("fan", "turn_off")),  # 别…了: stop doing it
])
def test_gei_before_the_verb_and_bie_le_to_stop(name, text, expected):
    assert [fields(i, "device", "action") for i in items(name, text)] == [expected]


def test_bie_before_an_order_still_declines():
    assert items("smart_home", "别开灯") == []


@pytest.mark.parametrize("text, component", [
    # own9: pins and washers are fasteners (bolt), or a part of the component they are said to be on
    ("cotter pin missing on tower 18", "bolt"), ("split pins gone on tower 3", "bolt"),
    ("a washer is missing on tower 2", "bolt"), ("15号塔销子掉了两个", "bolt"),
    ("a cotter pin is missing on the clamp", "clamp"), ("the cotter pin on the damper fell out", "damper"),
    ("线夹的销子掉了", "clamp"), ("pin insulator cracked on tower 2", "insulator"),
])
def test_a_pin_is_a_fastener_or_part_of_what_it_is_on(text, component):
    assert [i["component"] for i in items("power_line", text)] == [component]


@pytest.mark.parametrize("text, asset", [
    ("tower for teen, loose bolts", "14"), ("pole six teen is leaning", "16"), ("tower eigh teen insulator cracked", "18"),
])
def test_a_number_word_heard_as_two_is_one_number(text, asset):
    assert [i["asset"]["id"] for i in items("power_line", text)] == [asset]


@pytest.mark.parametrize("text", ["屋里太黑了", "好黑啊", "客厅黑乎乎的", "it's pitch black in here", "it's so dark",
                                  "it's way too dark in here"])
def test_too_dark_wishes_the_light_brighter(text):
    assert [fields(i, "device", "action", "attribute") for i in items("smart_home", text)] \
        == [("light", "increase", "brightness")]


@pytest.mark.parametrize("text, expected", [
    ("please safe this one", ["save_image"]), ("safe it please", ["save_image"]), ("safe the image", ["save_image"]),
    ("is it safe to scan her", []),  # "safe" with nothing saved after it is the word itself
])
def test_save_heard_as_safe_with_what_is_saved(text, expected):
    assert [i["action"] for i in items("ultrasound", text)] == expected


@pytest.mark.parametrize("name, text, expected", [
    # own9: a bare "more" with an amount after an order that said none is how much of it
    ("ultrasound", "go deeper, like two more centimeters", [("increase", "depth", 2)]),
    ("smart_home", "turn up the heat, maybe two more degrees", [("increase", "temperature", 2)]),
    ("smart_home", "turn the volume up, five more", [("increase", "volume", 5)]),
    # …but with an amount of its own, the order before stays a step of its own
    ("smart_home", "空调调高一点，再高两度", [("increase", "temperature", None), ("increase", "temperature", 2)]),
])
def test_how_much_more_is_the_amount_of_the_order_before(name, text, expected):
    assert [fields(i, "action", "attribute", "value") for i in items(name, text)] == expected


@pytest.mark.parametrize("name, text, expected", [
    # letters written as their names, in the abbreviations the lexicons use
    ("smart_home", "turn the tee vee off", {"device": "media_player", "action": "turn_off", "target": "tv"}),
    ("smart_home", "set the ay see to 22", {"device": "climate", "action": "set", "value": 22}),
    ("ultrasound", "switch to pee double you", {"action": "set", "attribute": "mode", "value": "pw_doppler"}),
])
def test_spelled_out_letters_are_the_abbreviation(name, text, expected):
    got = items(name, text)
    assert [fields(i, *expected) for i in got] == [tuple(expected.values())]


@pytest.mark.parametrize("name, text, expected", [
    # more ways to take back what was just said: "actually make it", "on second thought", 算了, 要不还是
    ("smart_home", "set the temperature to 20, actually make it 21", [("set", 21)]),
    ("smart_home", "dim the lights to 30, no actually 40", [("set", 40)]),
    ("smart_home", "空调调到26度 算了 25度", [("set", 25)]),
    ("smart_home", "空调调到26度 要不还是25度吧", [("set", 25)]),
    ("drone", "take a photo, on second thought, start recording", [("start_recording", None)]),
    ("smart_home", "开灯，算了", []),
])
def test_more_self_corrections(name, text, expected):
    assert [fields(i, "action", "value") for i in items(name, text)] == expected


@pytest.mark.parametrize("text", ["nice and still", "still for me", "lie very still"])
def test_still_said_to_the_patient_freezes_nothing(text):
    assert items("ultrasound", text) == []


@pytest.mark.parametrize("name, text, expected", [
    # 不 inside a word (差不多, 不错, 不管, 不知道) denies nothing; 不 before the verb still does
    ("drone", "差不多了 降落吧", ["land"]), ("drone", "不错 拍一张", ["capture_photo"]),
    ("smart_home", "不知道 开一下空调吧", ["turn_on"]), ("drone", "不要降落", []),
    # "a video of" asks for a video, it does not stop one ("video off")
    ("drone", "I'd like a video of this", ["start_recording"]), ("drone", "turn the video off", ["stop_recording"]),
    ("ultrasound", "let's get a picture of that", ["save_image"]),
])
def test_words_that_only_look_like_a_denial_or_an_off(name, text, expected):
    assert [i["action"] for i in items(name, text)] == expected


def _cmd(item: dict) -> tuple:
    return fields(item, "device", "action", "attribute", "value", "target")


@pytest.mark.parametrize("name, text, expected", [
    # own11: "it" is what the clause before named, said or only wished for
    ("smart_home", "can't hear the tv, turn it up", [("media_player", "increase", "volume", None, "tv")]),
    ("smart_home", "it's too loud, turn it down", [("media_player", "decrease", "volume", None, None)]),
    # a wish said with an order is the order's reason, whatever device the order names
    ("smart_home", "it's stuffy in here, open a window", [("cover", "open", None, None, None)]),
    ("smart_home", "I'm freezing, close the windows", [("cover", "close", None, None, None)]),
    # "shut" + what opens is a cover; "shut … off" still switches off
    ("smart_home", "shut the garage", [("cover", "close", None, None, "garage")]),
    ("smart_home", "shut everything off", [("light", "turn_off", None, None, None)]),
    # an area joined to the device word by "and" is another place of it, not the one's place
    ("smart_home", "close the blinds and the garage", [("cover", "close", None, None, None),
                                                       ("cover", "close", None, None, "garage")]),
    ("smart_home", "switch off the dining room and bathroom lights",
     [("light", "turn_off", None, None, "dining room"), ("light", "turn_off", None, None, "bathroom")]),
    # a fan level with "speed" said is a level wherever it stands
    ("smart_home", "fan on, high speed please", [("fan", "turn_on", None, None, None), ("fan", "set", "speed", 3, None)]),
    # "too" heard as "to"; people before the verb narrate
    ("smart_home", "the music is to loud", [("media_player", "decrease", "volume", None, None)]),
    ("smart_home", "my granddaughter turned the heating off", []),
    ("smart_home", "pause the cartoons", [("media_player", "pause", None, None, None)]),
    # the cart: a level pulled back, B-mode heard as words, "your back" said to the patient
    ("ultrasound", "pull the gain back a bit", [("ultrasound", "decrease", "gain", None, None)]),
    ("ultrasound", "bring the gain back up a bit", [("ultrasound", "increase", "gain", None, None)]),
    ("ultrasound", "back to be mode please", [("ultrasound", "set", "mode", "b_mode", None)]),
    ("ultrasound", "roll onto your back for me", []),
    # the drone: "back off" opening an order moves back ("backed off" is a loose bolt otherwise)
    ("drone", "okay back off five meters", [("drone", "move", None, 5, None)]),
    ("drone", "dee send a bit", [("drone", "move", "altitude", None, None)]),
])
def test_own11_home_cart_and_drone_speech(name, text, expected):
    assert [_cmd(i) for i in items(name, text)] == expected


@pytest.mark.parametrize("text, expected", [
    # own11: "same on 19" repeats the report on another asset of the kind said before
    ("pole 3 crossarm cracked, same on 4", [("crossarm", "crack", "pole", "3", None), ("crossarm", "crack", "pole", "4", None)]),
    ("tower 7 insulator cracked, 8 as well", [("insulator", "crack", "tower", "7", None), ("insulator", "crack", "tower", "8", None)]),
    ("tower 5 and 2 bolts loose", [("bolt", "loose", "tower", "5", None)]),
    # a repeat of the defect adds its grade to the report
    ("crossarm on tower 9 is rusted, bad corrosion", [("crossarm", "corrosion", "tower", "9", "high")]),
    # component names split into real words, "dumper" for damper
    ("the insulate or is cracked on tower 4", [("insulator", "crack", "tower", "4", None)]),
    ("the dumpers on tower 3 slipped", [("damper", "loose", "tower", "3", None)]),
    ("the nut backed off", [("bolt", "loose", None, None, None)]),
])
def test_own11_line_reports(text, expected):
    got = [(i["component"], i["defect"], (i["asset"] or {}).get("type"), (i["asset"] or {}).get("id"), i["severity"])
           for i in items("power_line", text)]
    assert got == expected


@pytest.mark.parametrize("text", ["has that been logged", "did it get sent"])
def test_own11_the_patrol_asks_about_its_reports(text):
    assert [fields(i, "kind", "topic") for i in items("power_line", text)] == [("query", "report")]
