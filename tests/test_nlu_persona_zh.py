"""Chinese working-day speech on the real profiles (own10 round): numbers said short, pilot
slang, two orders with a move between, field words of the line crew, home complaints."""
from __future__ import annotations

import pytest

from nlu_helpers import fields, items


@pytest.mark.parametrize("text, value", [
    # a last digit after 百/千 is the next place down, as said short; 零 keeps it a unit
    ("往前推一百五", 150), ("往上拉两百五", 250), ("往前飞一百零五米", 105), ("上升一百五十米", 150),
])
def test_hundreds_said_short(text, value):
    assert [i["value"] for i in items("drone", text)] == [value]


@pytest.mark.parametrize("text, direction", [
    ("再拔点高度", "up"), ("拔高一点", "up"), ("加点高度", "up"), ("把高度提高一点", "up"),
    ("掉点高度", "down"), ("压一点高度", "down"),
])
def test_pilot_altitude_slang_is_a_climb_or_descent(text, direction):
    assert [fields(i, "action", "attribute", "direction") for i in items("drone", text)] \
        == [("move", "altitude", direction)]


@pytest.mark.parametrize("text, second", [
    ("拍一张 往右挪5米 再拍一张", ("move", "right")),
    ("拍照 向左飞十米 再拍照", ("move", "left")),
    ("拍一张照片 向右转九十度 再拍一张", ("rotate", "right")),
])
def test_a_way_to_go_is_the_next_moves_and_a_photo_after_it_is_taken_again(text, second):
    got = [fields(i, "action", "direction") for i in items("drone", text)]
    assert got == [("capture_photo", None), second, ("capture_photo", None)]


def test_the_same_order_said_twice_at_once_is_one():
    assert [i["action"] for i in items("drone", "拍照 拍照")] == ["capture_photo"]


@pytest.mark.parametrize("text, expected", [
    ("32号塔 绝缘子自爆一片", ("insulator", "broken")),
    ("15号塔玻璃绝缘子自爆了", ("insulator", "broken")),
    # a shed missing from an insulator breaks the insulator; it is no missing part
    ("41号塔左相瓷瓶掉了个伞裙", ("insulator", "broken")),
    ("瓷瓶伞裙缺了一块", ("insulator", "broken")),
    ("61号塔塔腿螺丝叫人偷了四颗", ("bolt", "missing")),
    ("8号塔螺栓被人偷了", ("bolt", "missing")),
    # bird spikes are the tower's; 搭了 is no 断了
    ("53号塔防鸟刺上搭了个鸟窝", ("tower", "bird_nest")),
    ("驱鸟器上有鸟窝", ("tower", "bird_nest")),
    # a component said as where is not the one reported, before or after its place word
    ("63号塔靠线夹那块导线磨损", ("conductor", "wear")),
    ("线夹附近导线磨了", ("conductor", "wear")),
    ("挨着线夹的导线磨损", ("conductor", "wear")),
])
def test_line_crew_words(text, expected):
    assert [fields(i, "component", "defect") for i in items("power_line", text)] == [expected]


@pytest.mark.parametrize("text, expected", [
    ("哎哟 冻死我了", ("climate", "increase", "temperature")),
    ("冷得直发抖", ("climate", "increase", "temperature")),
    ("这屋热得慌", ("climate", "decrease", "temperature")),
    ("床头灯调暗点 别太亮了", ("light", "decrease", "brightness")),
    ("灯别太亮", ("light", "decrease", "brightness")),
    ("音乐别那么吵", ("media_player", "decrease", "volume")),
    ("把静音取消了", ("media_player", "unmute", None)),
    ("静音关掉", ("media_player", "unmute", None)),
    ("百叶窗放下来一半", ("cover", "set", "position")),
])
def test_home_complaints_and_undoing_words(text, expected):
    assert [fields(i, "device", "action", "attribute") for i in items("smart_home", text)] == [expected]


def test_a_lower_by_degrees_is_a_decrease():
    assert [fields(i, "action", "value") for i in items("smart_home", "空调再低两度")] == [("decrease", 2)]


@pytest.mark.parametrize("text", ["我出门了 扫地机开起来 门锁上", "要出门了 扫地机器人开始扫地 把门锁好"])
def test_going_out_names_no_door(text):
    assert [fields(i, "device", "action") for i in items("smart_home", text)] \
        == [("vacuum", "start"), ("lock", "lock")]


@pytest.mark.parametrize("text", [
    "阿姨 您早上吃饭了没", "您憋尿了没", "往左边侧一下身 对 就这样", "身子往右转一点", "好 侧过身来",
])
def test_what_is_said_to_the_patient_is_no_item(text):
    assert items("ultrasound", text) == []


@pytest.mark.parametrize("name, text, topic", [
    ("ultrasound", "颈动脉内中膜多厚算增厚", "carotid"), ("ultrasound", "颈动脉斑块多大算严重", "carotid"),
    ("drone", "卡里还能录多久", "storage"), ("drone", "内存卡还剩多少", "storage"), ("drone", "还能拍多少张", "storage"),
])
def test_reference_and_card_questions_have_their_topic(name, text, topic):
    assert [fields(i, "kind", "topic") for i in items(name, text)] == [("query", topic)]


@pytest.mark.parametrize("text", ["今天这趟飞完就收工", "拍完这张再返航"])
def test_what_is_done_after_something_else_is_a_plan(text):
    assert items("drone", text) == []


def test_done_and_then_an_order_still_orders():
    assert [i["action"] for i in items("drone", "飞完了 返航")] == ["return_home"]
