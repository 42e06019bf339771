"""Chinese in the formal register on the real profiles (own14 round): grid defect records (the
design number N36, a line's name before the tower, a range or list of towers, the record's
grade words), a procedure or manual read out, a help desk's wording."""
from __future__ import annotations

import pytest

from nlu_helpers import fields, items


@pytest.mark.parametrize("text, tower", [
    ("N36塔导线断股3股，严重缺陷", "36"), ("Z12塔绝缘子破损", "12"), ("j5号塔横担变形", "5"),
    ("220千伏青山线N205塔右相绝缘子串污秽", "205"),
])
def test_a_design_number_is_the_towers_number(text, tower):
    assert [i["asset"] for i in items("power_line", text)] == [{"type": "tower", "id": tower}]


def test_a_letter_and_number_that_is_no_tower_is_no_asset():
    assert [fields(i, "component", "asset") for i in items("power_line", "M16螺栓松动")] == [("bolt", None)]


@pytest.mark.parametrize("text, component, severity", [
    ("2#杆电缆中间接头发热严重", "cable", "high"), ("3号杆电缆终端头过热", "cable", None),
    ("#35塔绝缘子串污秽，危及缺陷", "insulator", "critical"),   # 危及 sounds as 危急
])
def test_record_words(text, component, severity):
    assert [fields(i, "component", "position", "severity") for i in items("power_line", text)] \
        == [(component, None, severity)]


@pytest.mark.parametrize("text", [
    "导线断股达到几股算严重缺陷", "绝缘子破损几片算危急缺陷", "发热多少度属于危急缺陷", "锈蚀到什么程度算严重缺陷",
])
def test_a_threshold_question_asks(text):
    assert [i["kind"] for i in items("power_line", text)] == ["query"]


@pytest.mark.parametrize("text, n", [
    ("5号塔导线断了几股", 1), ("请各位注意安全，登塔前系好安全带", 0), ("大家注意安全，戴好安全帽", 0),
    ("请注意安全，5号塔绝缘子破损", 1),
])
def test_a_few_strands_report_and_a_safety_reminder_asks_nothing(text, n):
    found = items("power_line", text)
    assert len(found) == n and all(i["kind"] == "defect_report" for i in found)


@pytest.mark.parametrize("name, text, action", [
    ("drone", "停止视频录制", "stop_recording"), ("drone", "终止录像", "stop_recording"),
    ("drone", "结束视频拍摄", "stop_recording"), ("drone", "开始视频录制", "start_recording"),
    ("ultrasound", "请解除图像冻结", "unfreeze"), ("ultrasound", "取消画面冻结", "unfreeze"),
    ("ultrasound", "图像解冻", "unfreeze"),
    ("smart_home", "请锁闭入户门", "lock"), ("smart_home", "请将入户门上锁", "lock"),
])
def test_procedure_and_manual_verbs(name, text, action):
    assert [i["action"] for i in items(name, text)] == [action]


@pytest.mark.parametrize("text, action", [
    # a verb beside 的 or after 进行 names a thing or a task, it is no second order
    ("请启动扫地机器人进行清扫", "start"), ("请停止扫地机器人的清扫工作", "stop"),
    ("请暂停当前播放的节目", "pause"), ("暂停正在放的歌", "pause"), ("把正在转的风扇关了", "turn_off"),
])
def test_a_verb_said_as_a_thing_is_no_second_order(text, action):
    assert [i["action"] for i in items("smart_home", text)] == [action]


def test_a_verb_alone_after_jinxing_still_orders():
    assert [fields(i, "device", "action") for i in items("smart_home", "让扫地机器人进行清扫")] == [("vacuum", "start")]


@pytest.mark.parametrize("text, kind, ids", [
    # a range said with the kind once is each tower or pole in it; 之间 / 档 make a span
    ("#21至#23塔接地引下线均锈蚀", "tower", ["21", "22", "23"]), ("45号至47号塔绝缘子表面污秽严重", "tower", ["45", "46", "47"]),
    ("第三到第五基塔塔材被盗", "tower", ["3", "4", "5"]), ("8#至10#杆横担锈蚀", "pole", ["8", "9", "10"]),
    ("10号到12号杆拉线松动", "pole", ["10", "11", "12"]), ("N12至N14塔地线锈蚀", "tower", ["12", "13", "14"]),
    ("3号塔到4号塔之间导线断股", "span", ["3-4"]), ("12至13号档导线弧垂过大", "span", ["12-13"]),
    ("导线弧垂偏大 在55到56号之间", "span", ["55-56"]),
])
def test_a_range_of_towers_is_each_and_a_span_is_one(text, kind, ids):
    found = items("power_line", text)
    assert [i["asset"] for i in found] == [{"type": kind, "id": n} for n in ids]


@pytest.mark.parametrize("text, kind, ids", [
    # Chinese says the kind once, after the last number of a list
    ("#5、#6塔塔身螺栓松动", "tower", ["5", "6"]), ("8#和9#杆横担锈蚀", "pole", ["8", "9"]),
    ("5、6、7号塔绝缘子污秽", "tower", ["5", "6", "7"]), ("螺栓松了3个，5号塔", "tower", ["5"]),
])
def test_a_list_of_numbers_takes_the_kind_said_last(text, kind, ids):
    assert [i["asset"] for i in items("power_line", text)] == [{"type": kind, "id": n} for n in ids]


@pytest.mark.parametrize("text, component", [
    # the line's name before the tower or pole is no conductor
    ("10千伏城西线17#杆杆身裂纹", "pole"), ("10kV河滨线22#杆倾斜，危急缺陷", "pole"),
    ("35千伏南山线N12塔导线断股", "conductor"), ("导线12号塔处断股", "conductor"),
])
def test_a_lines_name_is_no_conductor(text, component):
    assert [i["component"] for i in items("power_line", text)] == [component]


@pytest.mark.parametrize("text, asset", [
    # two neighbours said as a range are the span between them, as "towers 3 to 4"
    ("3号到4号塔导线断股", {"type": "span", "id": "3-4"}), ("8#至9#杆导线弧垂过大", {"type": "span", "id": "8-9"}),
])
def test_a_range_of_two_neighbours_is_their_span(text, asset):
    assert [i["asset"] for i in items("power_line", text)] == [asset]
