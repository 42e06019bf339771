"""Spoken numbers in English and Chinese → values.

`parse_at(words, i)` reads the longest number starting at `words[i]` and says how many
words it used: digits ("26", "20.5"), English number words ("twenty six", "one hundred and
five", "twenty point five", "three sixty", "one oh five") and Chinese numerals, one character per word ("二十六", "十二",
"一百零五", "两", "十二点五"), with the spoken halves and tenths people use for lengths
("two and a half", "一米五" = 1.5 m, "两米半" = 2.5 m: see `spoken_fraction`) and the
northern and radio forms of digits (俩 = 2, 仨 = 3, 幺 = 1 in "幺零八").
"""
from __future__ import annotations

_ONES = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * (i + 2) for i, w in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split())}
_SCALES = {"hundred": 100, "thousand": 1000}
# what a recogniser writes for a spoken digit, trusted only where a number must stand: before
# a unit ("go left too meters"), after an asset word ("tower for"), or after a tens word
# ("twenty too")
_HOMOPHONES = {"to": 2, "too": 2, "for": 4, "fore": 4, "tree": 3, "free": 3, "ate": 8, "won": 1,
               "fife": 5, "sicks": 6, "tin": 10, "nighty": 90, "ninty": 90, "fourty": 40, "twenny": 20}
_UNIT_WORDS = {"meter", "meters", "metre", "metres", "degree", "degrees", "percent", "feet",
               "centimeters", "centimetres", "cm", "m"}
_ASSET_WORDS = {"tower", "pole", "number", "structure", "pylon", "span", "substation"}

_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9, "幺": 1, "俩": 2, "仨": 3}
# "一米五" is 1.5 m and "两米半" 2.5 m: a digit or 半 right after these measure words is a fraction
_ZH_FRACTION_AFTER = set("米度个块")
# …unless it starts a number of its own: "十米五号塔" is ten metres, then tower five
_ZH_NOT_FRACTION_BEFORE = set("号米度个块次分秒厘公") | set(_ZH_DIGITS) | set("十百千万点")
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}
_ZH_WAN = "万"


def parse_at(words: list[str], i: int) -> tuple[float | None, int]:
    """(value, words used) of the number starting at words[i], or (None, 0)."""
    w = words[i]
    if w.replace(".", "", 1).isdigit() and not w.startswith("."):
        return float(w), 1
    if w in _ZH_DIGITS or w in _ZH_UNITS or w == _ZH_WAN:
        return _parse_zh(words, i)
    if w in _ONES or w in _TENS or w in _SCALES:
        return _parse_en(words, i)
    # not before a one-letter unit, which may be a letter of a name: "switch over to M mode"
    if w in _HOMOPHONES and (i + 1 < len(words) and words[i + 1] in _UNIT_WORDS and len(words[i + 1]) > 1
                             or i and words[i - 1] in _ASSET_WORDS):
        return float(_HOMOPHONES[w]), 1
    return None, 0


def _parse_en(words: list[str], i: int) -> tuple[float | None, int]:
    if i + 2 < len(words) and words[i + 1] == "oh" and _ONES.get(words[i], 99) < 10:
        return _digits(words, i)  # "one oh five": tower 105
    total, current, last, j = 0, 0, "", i
    while j < len(words):
        w = words[j]
        if w in _HOMOPHONES and w != "to" and last == "tens" and not (j + 1 < len(words) and words[j + 1] in _ONES):
            current += _HOMOPHONES[w]  # "twenty too"
            last = "ones"
        elif w in _ONES:
            if last == "ones" and j - i == 1 and _ONES[w] < 10:
                return _digits(words, i)  # "two-five", "two five": digits read one by one, 25
            if last in ("ones", "teens") or (last == "tens" and (_ONES[w] >= 10 or _ONES[w] == 0)):
                break
            current += _ONES[w]
            last = "teens" if _ONES[w] >= 10 else "ones"
        elif w in _TENS:
            if last == "ones" and j - i == 1 and 0 < current < 10:
                current = current * 100 + _TENS[w]  # "three sixty", "one twenty": hundreds said short
            elif last in ("ones", "teens", "tens"):
                break
            else:
                current += _TENS[w]
            last = "tens"
        elif w in _SCALES and not last:
            current, last = _SCALES[w], "hundred"  # "hundred meters", "a hundred and five"
        elif w in _SCALES and last in ("ones", "teens", "tens", "hundred"):
            if _SCALES[w] == 100:
                current *= 100
            else:
                total, current = total + current * 1000, 0
            last = "hundred"
        elif w == "and" and last == "hundred" and j + 1 < len(words) and (
                words[j + 1] in _ONES or words[j + 1] in _TENS):
            j += 1
            continue
        elif w == "point" and last and j + 1 < len(words) and _ONES.get(words[j + 1], 99) < 10:
            digits = ""
            while j + 1 < len(words) and _ONES.get(words[j + 1], 99) < 10:
                digits += str(_ONES[words[j + 1]])
                j += 1
            return total + current + float("0." + digits), j + 1 - i
        else:
            break
        j += 1
    if last and words[j:j + 3] in (["and", "a", "half"], ["and", "one", "half"]):
        return total + current + 0.5, j + 3 - i  # "two and a half"
    return float(total + current), j - i


def _digits(words: list[str], i: int) -> tuple[float | None, int]:
    """Digits read one by one, "oh" for zero: "one oh five" → 105."""
    digits, j = "", i
    while j < len(words) and (_ONES.get(words[j], 99) < 10 or words[j] == "oh"):
        digits += "0" if words[j] == "oh" else str(_ONES[words[j]])
        j += 1
    return float(digits), j - i


def _parse_zh(words: list[str], i: int) -> tuple[float | None, int]:
    j = i
    while j < len(words) and (words[j] in _ZH_DIGITS or words[j] in _ZH_UNITS or words[j] == _ZH_WAN):
        j += 1
    value = zh_integer(words[i:j])
    if j + 1 < len(words) and words[j] == "点" and words[j + 1] in _ZH_DIGITS:
        digits = ""
        j += 1
        while j < len(words) and words[j] in _ZH_DIGITS:
            digits += str(_ZH_DIGITS[words[j]])
            j += 1
        return value + float("0." + digits), j - i
    return float(value), j - i


def zh_integer(chars: list[str]) -> int:
    """Value of Chinese numeral characters: 十二 → 12, 二十六 → 26, 一百零五 → 105, 一五 → 15;
    a last digit right after 百/千/万 is the next place down, as said short: 一百五 → 150,
    两千五 → 2500, 一万二 → 12000."""
    if len(chars) > 1 and all(c in _ZH_DIGITS for c in chars):
        return int("".join(str(_ZH_DIGITS[c]) for c in chars))  # read digit by digit: 一五 → 15
    total = section = num = 0
    for k, c in enumerate(chars):
        if c in _ZH_DIGITS:
            num = _ZH_DIGITS[c]
        elif c in _ZH_UNITS:
            section += (num or (1 if k == 0 or c == "十" else 0)) * _ZH_UNITS[c]
            num = 0
        else:  # 万
            total += (section + num or 1) * 10000
            section = num = 0
    if num and len(chars) > 1 and chars[-2] in ("百", "千", _ZH_WAN):
        num *= 10000 // 10 if chars[-2] == _ZH_WAN else _ZH_UNITS[chars[-2]] // 10
    return total + section + num


# characters a recogniser writes for a spoken digit (久十度 for 九十度), trusted only inside a
# numeral: before 十/百/千, or between 十 and a measure word (二十伍米)
_ZH_DIGIT_SOUNDS = {"久": "九", "酒": "九", "韭": "九", "伍": "五", "午": "五", "舞": "五", "似": "四",
                    "寺": "四", "巴": "八", "扒": "八", "期": "七", "漆": "七", "依": "一", "衣": "一",
                    "医": "一", "而": "二", "耳": "二", "尔": "二", "山": "三", "衫": "三", "流": "六",
                    "留": "六", "溜": "六", "陆": "六", "柒": "七", "玖": "九", "捌": "八", "叁": "三",
                    "贰": "二", "壹": "一", "肆": "四"}
_ZH_MEASURE = set("米度号个块层")


def digit_sounds(words: list[str]) -> list[str]:
    """Chinese words with the digits a recogniser wrote as homophones put back."""
    out = list(words)
    for i, w in enumerate(words):
        if w not in _ZH_DIGIT_SOUNDS:
            continue
        nxt = words[i + 1] if i + 1 < len(words) else ""
        prev = words[i - 1] if i else ""
        if nxt in ("十", "百", "千") or prev == "十" and nxt in _ZH_MEASURE:
            out[i] = _ZH_DIGIT_SOUNDS[w]
    return out


def spoken_fraction(words: list[str], i: int) -> float | None:
    """The fraction spoken after a Chinese measure word at words[i]: "五" of 一米五 → 0.5,
    "半" of 两米半 → 0.5; None when words[i] is no such measure word or nothing follows."""
    if words[i] not in _ZH_FRACTION_AFTER or i + 1 >= len(words):
        return None
    nxt = words[i + 1]
    after = words[i + 2] if i + 2 < len(words) else ""
    if after in _ZH_NOT_FRACTION_BEFORE:
        return None
    if nxt == "半":
        return 0.5
    digit = _ZH_DIGITS.get(nxt) if nxt not in ("两", "俩", "仨", "幺") else None
    if digit and words[i] == "米":  # tenths only for lengths: "二十度五" is not said
        return digit / 10
    return None
