"""Questions, comparatives and multi-item reports on the real profiles (own7 round): what a
comparative means for the device it is said of, when a request still asks, status questions
about what was done, one defect on several assets."""
from __future__ import annotations

import pytest

from nlu_helpers import fields, items


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


@pytest.mark.parametrize("name, text, topic", [
    # a question word that opens the clause (English) or stands anywhere (Chinese) still asks
    # after a request word; with nothing to do, a closing 好不好 asks about the thing
    ("drone", "how high can we legally fly here", "altitude"),
    ("drone", "这里可以飞多高", "altitude"),
    ("drone", "信号好不好", "signal"),
    ("drone", "电量还好吗", "battery"),
    # a topic phrase with a question word inside asks (Chinese asks in place)
    ("drone", "现在飞了多高了", "altitude"),
    ("drone", "还能飞几分钟", "flight_time"),
    ("smart_home", "今天用了多少电", "energy"),
    # whether the device did something is a status question, not the action
    ("drone", "did you get the photo", "state"),
    ("drone", "have we started recording", "state"),
    ("drone", "照片拍了吗", "state"),
    ("drone", "起飞了没有", "state"),
    ("drone", "有没有录像", "state"),
    # the topics both languages have: the card's space, the carotid's reference values
    ("drone", "how long can we still record", "storage"),
    ("drone", "is the memory card full", "storage"),
    ("drone", "内存卡还剩多少", "storage"),
    ("ultrasound", "what's a normal carotid intima media thickness", "carotid"),
    ("ultrasound", "颈动脉内中膜厚度正常多少", "carotid"),
])
def test_questions_of_every_shape_are_queries(name, text, topic):
    assert [fields(i, "kind", "topic") for i in items(name, text)] == [("query", topic)]


@pytest.mark.parametrize("name, text, action", [
    ("drone", "可以起飞吗", "take_off"),
    ("drone", "起飞好不好", "take_off"),
    ("drone", "can you take a photo", "capture_photo"),
    ("drone", "悬停几分钟", "hover"),
    ("drone", "拍了", "capture_photo"),
    ("ultrasound", "pulsed wave doppler please", "set"),
])
def test_a_request_with_something_to_do_is_still_a_command(name, text, action):
    assert [i["action"] for i in items(name, text)] == [action]


def test_a_past_question_about_something_else_is_nothing():
    assert items("power_line", "did you write down tower 7") == []


@pytest.mark.parametrize("text, expected", [
    ("bird nest on tower 8 and also on tower 9", [("bird_nest", "tower", "8"), ("bird_nest", "tower", "9")]),
    ("the grounding wire is corroded on poles 3 and 4",
     [("corrosion", "pole", "3"), ("corrosion", "pole", "4")]),
    ("towers 5 and 6 both have bird nests", [("bird_nest", "tower", "5"), ("bird_nest", "tower", "6")]),
    ("towers 3, 4 and 5 have loose bolts", [("loose", "tower", "3"), ("loose", "tower", "4"), ("loose", "tower", "5")]),
    ("7号塔和8号塔都有鸟窝", [("bird_nest", "tower", "7"), ("bird_nest", "tower", "8")]),
    ("7号和8号塔都有鸟窝", [("bird_nest", "tower", "7"), ("bird_nest", "tower", "8")]),
    # a span is one asset; a number before a component is a count, not a tower
    ("7号塔和8号塔之间导线断股", [("broken", "span", "7-8")]),
    ("sagging between towers 5 and 6", [("sag", "span", "5-6")]),
    ("tower 5 and 2 bolts missing", [("missing", "tower", "5")]),
])
def test_one_defect_on_several_assets_is_one_report_each(text, expected):
    got = [(i["defect"], i["asset"]["type"], i["asset"]["id"]) for i in items("power_line", text)]
    assert got == expected


@pytest.mark.parametrize("name, text, severity", [
    # a grade said as a piece of its own is the report's, over a degree word beside the defect
    ("power_line", "14号塔绝缘子有点脏，一般缺陷", "medium"),
    ("power_line", "3号塔横担有点锈，紧急", "critical"),
    ("power_line", "tower 3, slight corrosion on the crossarm, urgent", "critical"),
    ("power_line", "7号杆有点倾斜", "low"),
])
def test_a_grade_said_on_its_own_is_the_severity(name, text, severity):
    assert [i["severity"] for i in items(name, text)] == [severity]


@pytest.mark.parametrize("name, text, expected", [
    # a repair may end on a known word that it keeps as it is
    ("smart_home", "trun off the bedroom fan", [("fan", "turn_off")]),
    ("smart_home", "trun on the lights", [("light", "turn_on")]),
    # …but never changes a real word before it: "still recording" is no "kill recording"
    ("drone", "is it still recording", [(None, None)]),
])
def test_a_repair_keeps_the_known_word_it_ends_on(name, text, expected):
    assert [fields(i, "device", "action") for i in items(name, text)] == expected


@pytest.mark.parametrize("name, text, expected", [
    ("power_line", "5号塔销子掉了", [("bolt", "missing", None)]),
    ("power_line", "4号塔绝缘子串闪络了，紧急缺陷", [("insulator", "flashover", "critical")]),  # 缺陷 is no 缺
    ("power_line", "the dampener at tower 10 fell off", [("damper", "missing", None)]),
    ("power_line", "note a slight tilt on pole 4", [("pole", "tilt", "low")]),           # "note" is no "not"
])
def test_field_words_of_the_patrol(name, text, expected):
    assert [fields(i, "component", "defect", "severity") for i in items(name, text)] == expected


@pytest.mark.parametrize("text, expected", [
    ("the fan is too slow", ("fan", "increase")),
    ("slow down the fan", ("fan", "decrease")),
    ("扫地机器人停止", ("vacuum", "stop")),
    ("停止播放", ("media_player", "stop")),                  # formal stop: 停 / 停一下 pause
    ("空调调凉快一点", ("climate", "decrease")),
])
def test_more_ways_to_say_faster_cooler_and_stop(text, expected):
    assert [fields(i, "device", "action") for i in items("smart_home", text)] == [expected]


@pytest.mark.parametrize("text, expected", [
    ("螺栓又松又锈", [("bolt", "loose"), ("bolt", "corrosion")]),
    ("绝缘子又脏又裂", [("insulator", "contamination"), ("insulator", "crack")]),
    ("rusty bolts and a bird nest on tower 3", [("bolt", "corrosion"), ("tower", "bird_nest")]),
])
def test_a_second_defect_without_a_component_is_the_first_ones(text, expected):
    assert [fields(i, "component", "defect") for i in items("power_line", text)] == expected


@pytest.mark.parametrize("name, text, expected", [
    # a request said first goes on to each later clause that opens with what to do
    ("ultrasound", "um, could you, uh, freeze it?", ["freeze"]),
    ("ultrasound", "can you save the image and unfreeze?", ["save_image", "unfreeze"]),
    # …not to one that asks or tells
    ("ultrasound", "could you freeze, and what's the normal spleen size?", ["freeze", None]),
    ("smart_home", "could you turn off the lights, my kids left them on", ["turn_off"]),
])
def test_a_request_said_first_reaches_the_clauses_after_it(name, text, expected):
    assert [i.get("action") for i in items(name, text)] == expected


@pytest.mark.parametrize("text", ["录像开了没", "how many photos have we taken", "照片拍好了吗"])
def test_whether_it_was_done_is_a_question_however_it_is_asked(text):
    assert [i["kind"] for i in items("drone", text)] == ["query"]


def test_a_photo_is_a_thing_not_a_tilt():
    assert "defect_report" not in [i["kind"] for i in items("drone", "拍了几张照片了")]


def test_a_past_auxiliary_after_an_interjection_asks_no_state():
    assert items("drone", "wait what did you say") == []


@pytest.mark.parametrize("text, expected", [
    # a mid-clause "where" after a defect is relative: it says where, it does not ask
    ("wear on the conductor where it sits in the clamp", [("conductor", "wear")]),
    ("crack in the insulator where the bolt goes through", [("insulator", "crack")]),
    # one defect said twice, the second time on a component: the component said, not the one guessed
    ("10号塔有异物，风筝挂在导线上", [("conductor", "foreign_object")]),
    ("tower 4 has something stuck, a kite on the conductor", [("conductor", "foreign_object")]),
])
def test_where_a_defect_sits_and_which_component_it_is_on(text, expected):
    assert [fields(i, "component", "defect") for i in items("power_line", text)] == expected


def test_where_still_asks_first_in_a_clause():
    assert [i["kind"] for i in items("power_line", "where is the crack")] == ["query"]


@pytest.mark.parametrize("text, topic", [
    ("拍好了吗", "state"), ("飞了几分钟了", "flight_time"), ("还能坚持几分钟", "flight_time"),
])
def test_more_chinese_status_questions(text, topic):
    assert [fields(i, "kind", "topic") for i in items("drone", text)] == [("query", topic)]


@pytest.mark.parametrize("text", ["拍好了", "拍了"])
def test_without_a_question_ending_it_is_still_done(text):
    assert [i["action"] for i in items("drone", text)] == ["capture_photo"]


@pytest.mark.parametrize("text, expected", [
    ("空调开低一点", [("climate", "decrease", None)]),
    ("空调开高一点", [("climate", "increase", None)]),
    ("what's the humidity", [("query", None, "weather_inside")]),
    ("how much power are we using", [("query", None, "energy")]),
    ("扫地机在干嘛", [("query", None, None)]),
])
def test_smart_home_ways_to_say_it(text, expected):
    got = [(i["kind"], i.get("action"), i.get("topic")) if i["kind"] == "query" else (i["device"], i["action"], None)
           for i in items("smart_home", text)]
    assert got == expected


@pytest.mark.parametrize("name, text", [("drone", "等一下再起飞"), ("smart_home", "等下再关灯")])
def test_later_is_no_command_now(name, text):
    assert items(name, text) == []


@pytest.mark.parametrize("name, text, topic", [
    ("power_line", "带电作业要注意什么", "safety"),
    ("ultrasound", "门静脉内径正常值", "portal_vein"),
    ("ultrasound", "肾脏正常范围", "kidney"),
])
def test_reference_questions_said_as_a_noun_phrase(name, text, topic):
    assert [fields(i, "kind", "topic") for i in items(name, text)] == [("query", topic)]


@pytest.mark.parametrize("text, expected", [
    ("can we fly in this rain", [("query", "weather")]),       # a request ordering nothing asks about its topic
    ("can you land", [("device_command", None)]),
    ("can we go higher, the wind is strong", [("device_command", None)]),
])
def test_a_request_that_orders_nothing_asks_about_its_topic(text, expected):
    assert [fields(i, "kind", "topic") for i in items("drone", text)] == expected


@pytest.mark.parametrize("text", ["how deep are we right now", "how deep is it now", "现在多深", "扫了多深了"])
def test_how_deep_asks_about_the_depth(text):
    assert [i["kind"] for i in items("ultrasound", text)] == ["query"]


@pytest.mark.parametrize("name, text", [
    # own9: a closing tag question asks whether the statement before it holds
    ("smart_home", "the air con's still running, isn't it"), ("smart_home", "you locked the door, didn't you"),
    ("smart_home", "the lights are off, aren't they"), ("drone", "we're still recording, aren't we"),
    ("smart_home", "空调还开着，对吧"), ("drone", "还在录像对吧"), ("drone", "已经拍了照片了，是吧"),
])
def test_a_tag_question_asks(name, text):
    assert [i["kind"] for i in items(name, text)] == ["query"]


@pytest.mark.parametrize("text", ["turn the lights off, won't you", "turn off the lights, will you"])
def test_a_will_you_tag_after_an_order_is_polite(text):
    assert [fields(i, "device", "action") for i in items("smart_home", text)] == [("light", "turn_off")]


@pytest.mark.parametrize("text, topic", [
    # whether a report got through, and where the patrol is on its line
    ("did that last report go through", "report"), ("did you log that", "report"), ("has the report been sent", "report"),
    ("刚才那条报上去了没", "report"), ("记下来了吗", "report"), ("上报成功了吗", "report"),
    ("is tower nine the last one on this line", "route"), ("how many towers are left", "route"),
    ("这是不是最后一基", "route"), ("还剩几基塔", "route"),
])
def test_the_patrol_asks_about_its_reports_and_its_line(text, topic):
    assert [fields(i, "kind", "topic") for i in items("power_line", text)] == [("query", topic)]


@pytest.mark.parametrize("name, text, kind", [
    ("power_line", "log that, loose bolts on tower 3", "defect_report"), ("power_line", "记录一下，5号塔螺栓松了", "defect_report"),
    ("drone", "record this", "device_command"),  # the drone shares the patrol's words and still records
])
def test_report_words_in_an_order_are_no_question(name, text, kind):
    assert [i["kind"] for i in items(name, text)] == [kind]


@pytest.mark.parametrize("name, text, topic", [
    ("drone", "what's our altitude", "altitude"), ("smart_home", "what's the temperature in the bedroom", "temperature"),
    ("power_line", "did the last one save", None),  # "the last one" alone is no place on the line
])
def test_an_attribute_that_is_a_topic_is_what_is_asked(name, text, topic):
    assert [i.get("topic") for i in items(name, text)] == ([topic] if topic else [])


@pytest.mark.parametrize("name, text, topic", [
    ("drone", "where are we", "position"), ("drone", "我们在哪", "position"), ("drone", "飞到哪了", "position"),
    ("drone", "电池还有几格", "battery"), ("smart_home", "风扇开的几档", None),  # 几 + a level's measure word asks
])
def test_where_the_drone_is_and_how_many_notches(name, text, topic):
    assert [fields(i, "kind", "topic") for i in items(name, text)] == [("query", topic)]
