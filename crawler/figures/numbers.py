"""Quantities in Chinese report text: a number (Arabic or Chinese numerals, 万/亿 scaling, ranges,
余/多/近/约/超过 qualifiers) followed by a unit of the lexicon.

Everything that merely looks like a number is refused here: ordinals (第三十次), dates and times (no unit
of the lexicon follows 年/月/日, and a number after ``:`` is a clock), phone numbers, IDs and document
numbers (a number glued to letters, digits, ``-``, ``/`` or an opening 〔), slogans in quotes (“三个更加”),
the indefinite 一 (一名肢体残疾人, 一次性), vague powers (上百名, 千家万户), and a unit that is the start of
another word (3个月, 期间, 元旦, 所有, 场所 ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.figures.lexicon import Lexicon

_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
_CHINESE = r"[零〇一二两三四五六七八九十百千万亿]+"
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
_PREFIXES = {
    "将近": "nearly",
    "接近": "nearly",
    "近": "nearly",
    "大约": "about",
    "约": "about",
    "超过": "more_than",
    "逾": "more_than",
    "不足": "less_than",
    "不到": "less_than",
    "不低于": "at_least",
    "不少于": "at_least",
    "不超过": "at_most",
}
_SUFFIXES = {"以上": "more_than", "左右": "about", "以内": "at_most", "以下": "at_most"}
# A unit that begins another word is no unit: 3个月, 十三五期间, 元旦, 户籍, 所有, 场所, 处理 ...
_NOT_AFTER = {
    "个": ("月", "工作日", "小时", "百分点", "星期", "季度", "字", "人", "别", "体"),
    "次": ("日", "年", "月", "要", "之"),
    "期": ("间", "末", "限", "刊", "初"),
    "元": ("旦", "素", "宵"),
    "户": ("籍", "口", "外", "型"),
    "所": ("有", "在", "属", "以", "得", "谓"),
    "位": ("于", "置", "数"),
    "家": ("庭", "长", "属", "乡", "门"),
    "名": ("单", "称", "次", "誉", "义", "录"),
    "场": ("所", "馆", "地", "景", "合"),
    "处": ("理", "室", "长", "置", "于"),
    "间": ("隔", "断"),
    "张": ("贴",),
    "台": ("湾", "阶", "账"),
    "人": ("民",),
}
# A figure is never glued to what precedes it: codes, phone numbers, clocks, document numbers, ordinals.
_BAD_BEFORE = re.compile(r"[A-Za-z0-9.:/\-_@#〔\[【“\"第]$")
# 1214.0万困难残疾人: national statistics drop the unit after 万.
_IMPLIED_PEOPLE = re.compile(
    r"(?:困难|重度|贫困|持证|建档立卡|低收入)*(?:残疾人|残疾儿童|贫困残疾人|建档立卡)"
)
_RANGE_JOIN = frozenset({"至", "到", "-", "~", "～", "—", "－"})
# A quantity starts with a qualifier or a numeral: the regex skips other positions at once.
_FIRST_CHARACTER = r"(?=[将接近大约超逾不\d零〇一二两三四五六七八九十百千万亿])"


@dataclass(frozen=True, slots=True)
class Quantity:
    start: int
    end: int
    value: float
    unit: str
    value_max: float | None = None
    qualifier: str | None = None


def quantity_pattern(lexicon: Lexicon) -> re.Pattern[str]:
    units = "|".join(re.escape(u) for u in sorted(lexicon.units, key=lambda u: (-len(u), u)))
    number = f"(?:{_ARABIC}|{_CHINESE})"
    prefixes = "|".join(sorted(_PREFIXES, key=len, reverse=True))
    return re.compile(
        _FIRST_CHARACTER + rf"(?P<prefix>{prefixes})?(?P<low>{number})(?P<lowmult>[万亿])?"
        rf"(?:(?P<sep>[-~～—－至到])(?P<high>{number}))?"
        rf"(?P<mult>[万亿])?(?P<more>余|多)?(?P<mult2>[万亿])?(?P<unit>{units})?"
        rf"(?P<suffix>{'|'.join(_SUFFIXES)})?"
    )


def find_quantities(text: str, pattern: re.Pattern[str], lexicon: Lexicon) -> list[Quantity]:
    """Every quantity in ``text`` (already passed through ``text.normalise``), ranges joined."""
    found = [q for m in pattern.finditer(text) if (q := _quantity(m, text, lexicon)) is not None]
    return _join_ranges(found, text)


def _quantity(match: re.Match[str], text: str, lexicon: Lexicon) -> Quantity | None:
    # Cheapest refusals first: most candidates are years, dates and words with a numeral in them.
    unit, scale = match.group("unit"), _scale(match)
    if unit is None and (scale == 1 or not _IMPLIED_PEOPLE.match(text, match.end())):
        return None
    if unit and text.startswith(_NOT_AFTER.get(unit, ()), match.end("unit")):
        return None
    start = match.start("low")
    if _glued(text, start) or _starts_term(text, start, lexicon):
        return None
    low, high = _number(match.group("low")), _number(match.group("high"))
    if low is None or (match.group("high") and high is None) or not _acceptable(match):
        return None
    unit = unit or "人"
    end = match.end()
    value, value_max, unit = _scaled(low, high, scale, unit, match)
    qualifier = _qualifier(match)
    return Quantity(match.start(), end, value, unit, value_max, qualifier)


def _glued(text: str, start: int) -> bool:
    """Part of a code, phone number, clock or document number, or an ordinal; a range's second half
    after a unit (3000元-5000元) is not glued."""
    before = text[max(0, start - 1) : start]
    if before in _RANGE_JOIN and start >= 2 and not _BAD_BEFORE.search(text[start - 2]):
        return False
    return bool(before) and bool(_BAD_BEFORE.search(before))


def _starts_term(text: str, start: int, lexicon: Lexicon) -> bool:
    """两项补贴 is a programme, not two items."""
    term = lexicon.term_pattern.match(text, start)
    return term is not None


def _acceptable(match: re.Match[str]) -> bool:
    """Refuse the indefinite 一 (一名, 一次性) and bare powers (上百名, 千家万户) unless qualified."""
    low = match.group("low")
    if low == "一" and not match.group("sep"):
        return False
    bare_power = all(ch in _CN_SMALL or ch in _CN_BIG for ch in low)
    return not bare_power or bool(match.group("prefix") or match.group("more"))


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    if text[0].isdigit():
        return float(text.replace(",", ""))
    return chinese_number(text)


def chinese_number(text: str) -> float | None:
    """一千二百 -> 1200, 两万 -> 20000, 三十五 -> 35; None for digit runs (十三五, 二〇一九)."""
    total, section, digit = 0, 0, None
    for char in text:
        if char in "零〇":
            continue
        if char in _CN_DIGITS:
            if digit is not None:
                return None
            digit = _CN_DIGITS[char]
        elif char in _CN_SMALL:
            section += (1 if digit is None else digit) * _CN_SMALL[char]
            digit = None
        else:
            section += digit or 0
            total += (section or 1) * _CN_BIG[char]
            section, digit = 0, None
    return float(total + section + (digit or 0))


def _scale(match: re.Match[str]) -> int:
    mult = match.group("lowmult") or match.group("mult") or match.group("mult2")
    return _CN_BIG[mult] if mult else 1


def _scaled(
    low: float, high: float | None, scale: int, unit: str, match: re.Match[str]
) -> tuple[float, float | None, str]:
    """Apply 万/亿; money keeps them in its unit (20万余元 is 20 万元, 两万余元 is 2 万元)."""
    if unit == "元":
        chinese_big = _trailing_big(match.group("high") or match.group("low"))
        if scale > 1 or chinese_big:
            divisor = chinese_big or 1
            big = scale if scale > 1 else chinese_big
            name = "万元" if big == 10_000 else "亿元"
            return _round(low / divisor), None if high is None else _round(high / divisor), name
        return low, high, unit
    return _round(low * scale), None if high is None else _round(high * scale), unit


def _trailing_big(number: str) -> int:
    return _CN_BIG.get(number[-1], 0) if not number[0].isdigit() else 0


def _round(value: float) -> float:
    return round(value, 6)


def _qualifier(match: re.Match[str]) -> str | None:
    if match.group("sep"):
        return "range"
    if match.group("prefix"):
        return _PREFIXES[match.group("prefix")]
    if match.group("more"):
        return "more_than"
    suffix = match.group("suffix")
    return _SUFFIXES[suffix] if suffix else None


def _join_ranges(found: list[Quantity], text: str) -> list[Quantity]:
    """3000元至8000元, 1.5万元至2万元: two quantities of one unit joined by 至/到/- are one range."""
    joined: list[Quantity] = []
    for quantity in found:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and previous.value_max is None
            and previous.unit == quantity.unit
            and text[previous.end : quantity.start] in _RANGE_JOIN
        ):
            joined[-1] = Quantity(
                previous.start, quantity.end, previous.value, quantity.unit, quantity.value, "range"
            )
        else:
            joined.append(quantity)
    return joined
