"""Chinese working-day speech on the real profiles (own10 round): numbers said short, pilot
slang, two orders with a move between, field words of the line crew, home complaints; and
(own13 round) regional Mandarin, old words, English mixed in, a complaint or a denial before
an order."""
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


@pytest.mark.parametrize("name, text, expected", [
    # dialect forms spelled the standard way: 嫑 / 覅 不要, 咗未 了没, 而家 现在, 几多 多少, 遭不住 受不了
    ("smart_home", "空调而家几多度", ("query", None)),
    ("smart_home", "卧室灯有冇开", ("query", None)),
    ("drone", "录像开始咗未", ("query", None)),
    ("smart_home", "热得扛不住 空调开开", ("device_command", "turn_on")),
    # old words: 电匣子 / 半导体 a radio, 冷气机 the AC, 慢档 / 快档 fan levels
    ("smart_home", "老伴儿 把那个电匣子关了", ("device_command", "turn_off")),
    ("smart_home", "半导体开开", ("device_command", "turn_on")),
    ("smart_home", "把冷气机关了", ("device_command", "turn_off")),
    ("smart_home", "风扇开到快档", ("device_command", "set")),
    # English said in Chinese
    ("smart_home", "把电视pause一下", ("device_command", "pause")),
    ("smart_home", "AC开到26度", ("device_command", "set")),
    ("drone", "开始rec", ("device_command", "start_recording")),
    ("drone", "停止rec 然后return home", ("device_command", "stop_recording")),
    ("ultrasound", "切到color", ("device_command", "set")),
    # 关调 is 关掉 mis-heard; 解开 undoes 定住; 影张相 / 拍张照 saves on the cart
    ("smart_home", "把风扇关调", ("device_command", "turn_off")),
    ("ultrasound", "解开吧", ("device_command", "unfreeze")),
    ("ultrasound", "照张相", ("device_command", "save_image")),
    ("ultrasound", "增益往下压点", ("device_command", "decrease")),
    ("ultrasound", "深度别那么深", ("device_command", "decrease")),
])
def test_regional_old_and_mixed_words(name, text, expected):
    assert [fields(i, "kind", "action") for i in items(name, text)][:1] == [expected]


@pytest.mark.parametrize("text, expected", [
    ("七号电杆瓷壶儿碎掉了", ("insulator", "broken")),
    ("二十号铁架子上有个乌鸦窝", ("tower", "bird_nest")),
    ("瞧见没 那个塔上有个喜鹊窝 十二号", ("tower", "bird_nest")),
    ("tower 8 螺丝rust了", ("bolt", "corrosion")),
    ("十号塔 绝缘子 不对不对 是横担弯了", ("crossarm", "deformation")),   # 不对不对 takes back, asks nothing
    ("十九号塔横担弯了 莫得办法上去", ("crossarm", "deformation")),
])
def test_old_line_words_and_run_ons(text, expected):
    assert [fields(i, "component", "defect") for i in items("power_line", text)] == [expected]


def test_no_problem_at_all_is_no_item_but_asking_about_one_asks():
    assert items("power_line", "这一段啥问题也没有") == []
    assert [i["kind"] for i in items("power_line", "这基塔报过啥缺陷没")] == ["query"]


@pytest.mark.parametrize("name, text, expected", [
    # what is denied is a topic, not the order: the order stands
    ("drone", "没电了 返航", ("drone", "return_home")),
    ("drone", "没风了 起飞吧", ("drone", "take_off")),
    # a denial or a complaint closed (了, 呢, or right before the order after 咋还) does not
    # reach the order after it, which acts on what the complaint named
    ("drone", "嫑往高飞了 就这个高度 悬着", ("drone", "hover")),
    ("smart_home", "别开风扇了 关了吧", ("fan", "turn_off")),
    ("smart_home", "空调咋还开着呢 关了吧", ("climate", "turn_off")),
    ("smart_home", "风扇怎么还在转 关了", ("fan", "turn_off")),
    ("smart_home", "这屋咋这么冷呢 空调给我整高两度", ("climate", "increase")),
])
def test_an_order_after_a_denial_or_a_complaint(name, text, expected):
    assert [fields(i, "device", "action") for i in items(name, text)] == [expected]


def test_a_complaint_alone_orders_nothing():
    assert items("smart_home", "灯咋还开着") == []


def test_an_order_after_an_order_keeps_its_own_thing():
    assert [fields(i, "device", "action") for i in items("smart_home", "把空调关了 然后锁门")] \
        == [("climate", "turn_off"), ("lock", "lock")]
