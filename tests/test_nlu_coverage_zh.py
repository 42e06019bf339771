"""Chinese on the real profiles (own16 round, a coverage set walking the contract's values):
what changes said before the way ("高度低一点"), 一些 as 一点, a reason after the order, a stop
said with what stops, 不用…了, an unfreeze said object first, a finding after 看到了."""
from __future__ import annotations

import pytest

from nlu_helpers import fields, items


@pytest.mark.parametrize("text, direction", [
    ("高度低一点", "down"), ("高度高一些", "up"), ("飞行高度再低点", "down"), ("再往下一些", "down"),
])
def test_altitude_said_before_the_way_is_a_climb_or_descent(text, direction):
    assert [fields(i, "action", "attribute", "direction") for i in items("drone", text)] \
        == [("move", "altitude", direction)]


@pytest.mark.parametrize("text", ["别飞了 原地保持", "原地待着", "保持住"])
def test_keeping_in_place_is_a_hover(text):
    assert [i["action"] for i in items("drone", text)] == ["hover"]


@pytest.mark.parametrize("profile, text", [
    ("drone", "看见了 12号塔绝缘子破了"), ("power_line", "我看到了 3号塔塔材锈蚀"),
])
def test_what_was_seen_is_one_finding(profile, text):
    assert len(items(profile, text)) == 1


@pytest.mark.parametrize("text", ["5号塔间隔棒滑到一侧了", "防震锤滑走了", "防震锤滑到旁边去了"])
def test_a_fitting_slid_aside_is_loose(text):
    assert [i["defect"] for i in items("power_line", text)] == ["loose"]


@pytest.mark.parametrize("text, action", [
    ("把冻结取消掉", "unfreeze"), ("冻结解除了吧", "unfreeze"),
])
def test_an_unfreeze_said_object_first(text, action):
    assert [i["action"] for i in items("ultrasound", text)] == [action]


@pytest.mark.parametrize("text, expected", [
    ("增益往上再提一提", ("increase", "gain")), ("深度往下再调一调", ("decrease", "depth")),
    ("增益提一提", ("increase", "gain")),
])
def test_a_reduplicated_verb_is_a_step_not_a_number(text, expected):
    got = [fields(i, "action", "attribute", "value") for i in items("ultrasound", text)]
    assert got == [(*expected, None)]


@pytest.mark.parametrize("text, expected", [
    ("扫地机器人停止打扫", ("vacuum", "stop")), ("别拖了", ("vacuum", "stop")),
    ("风扇不用转了", ("fan", "turn_off")), ("音乐暂停播放", ("media_player", "pause")),
    ("不用静音了", ("media_player", "unmute")), ("别再静音了", ("media_player", "unmute")),
    ("音乐别放了", ("media_player", "stop")), ("卷帘门打开", ("cover", "open")),
    ("电扇风再小一点", ("fan", "decrease")),
])
def test_home_orders_said_the_everyday_way(text, expected):
    assert [fields(i, "device", "action") for i in items("smart_home", text)] == [expected]


@pytest.mark.parametrize("text, expected", [
    ("我要接个电话 电视静音", ("media_player", "mute")),
    ("扫地机先暂停 我正在打电话", ("vacuum", "pause")),
])
def test_a_phone_call_as_the_reason_keeps_the_order(text, expected):
    assert [fields(i, "device", "action") for i in items("smart_home", text)] == [expected]


@pytest.mark.parametrize("text", ["空调多少钱", "灯是什么牌子的", "这个音箱在哪儿买的"])
def test_shopping_questions_are_not_ours(text):
    assert items("smart_home", text) == []


def test_calling_someone_is_still_not_ours():
    assert items("smart_home", "帮我打电话") == []
