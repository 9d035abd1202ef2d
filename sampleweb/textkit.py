"""A tiny template filler for generated Chinese news text.

Templates hold alternatives ``[甲|乙]`` and slots such as ``{town}``, ``{n:20-300}`` (an integer),
``{m:5-90}`` (an amount in 万元 with two decimals) or ``{p:60-99}`` (a percentage). Slots are dense
on purpose: the fixed text between them is short, so two stories built from the same templates share
few character 5-grams and near-duplicate detection can tell them apart, while the boilerplate between
slots still gives dedup something to chew on.

Figure ground truth rides along without changing a character or a random draw: a number slot may carry
``=PROGRAMME`` (``{n:800-3000=困难残疾人生活补贴}``), optionally with a measure (``=两项补贴 standard``) and
``~`` when the next number slot is the top of its range; ``=#`` takes the programme of the alternative
chosen before it (``[家长培训#康复救助|亲子课堂#-]``, ``-`` meaning not a figure). ``{rel=全年}`` writes a
word that names a time. Every fill records `Mark`s: figures, places and times, for sampleweb.figtruth.
More number slots: ``{d:1-9}`` one decimal, ``{t:3-9}`` thousands (3000), Chinese ``{c:21-99}``
(三十五), ``{h:2-9}`` (五百), ``{k:2-9}`` (两千), ``{w:2-9}`` (两万); ``{ym:6-11}`` writes 2021年6月."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sampleweb.model import Mark

SURNAMES = (
    "陈王李张刘杨黄吴赵周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = "曦伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华建国红梅晓峰文斌颖宇浩凯佳琳雪飞鹏辉玲燕晨欣怡悦彬"

ADVERBS = ("扎实", "持续", "全面", "深入", "有序", "稳步", "着力", "大力", "积极", "认真")
VERBS = ("开展", "推进", "实施", "落实", "组织", "启动", "深化", "完善")
LOCAL_DEPTS = ("卫健委", "人社局", "民政局", "教育局", "住建局", "医保局", "财政局", "总工会")
NATIONAL_DEPTS = ("国家卫生健康委", "人力资源社会保障部", "民政部", "教育部", "国家医保局", "财政部")
MONTHS_CN = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")
ORDINALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")


@dataclass(frozen=True, slots=True)
class Locale:
    """Where a story happens: the administrative unit and the places inside it."""

    province: str
    city: str
    unit_name: str  # e.g. 秀洲区, 金湖县, or 全国 for national stories
    unit_char: str  # 区 / 县 / 市 / 国, used in 全区, 区残联, 区卫健局
    towns: tuple[str, ...]
    newspaper: str


def person(rng: random.Random) -> str:
    """A plausible two- or three-character personal name."""
    given_len = 1 if rng.random() < 0.4 else 2
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(given_len))


_CHINESE_POWERS = {"h": "百", "k": "千", "w": "万"}
_SLOT = re.compile(r"\{(\w+)(?::(\d+)-(\d+))?(?:=([^{}]*))?\}")
_CHOICE = re.compile(r"\[([^\[\]]*)\]")  # [甲|乙|丙]: pick one wording
_NUMBER_SLOTS = frozenset("nmpdtchkw")
_CN = "零一二三四五六七八九"
# Slots that name a place (for the figure ground truth); a town is a place only when it is a region.
_PLACE_SLOTS = frozenset({"place", "all", "fed", "town", "prov", "city"})
_TOWN_SUFFIXES = ("镇", "乡", "街道")


@dataclass(frozen=True, slots=True)
class Marked:
    """Generated text with its marks; ``a + b`` concatenates and shifts ``b``'s marks."""

    text: str
    marks: tuple[Mark, ...] = ()

    def __add__(self, other: Marked) -> Marked:
        shift = len(self.text)
        return Marked(self.text + other.text, self.marks + tuple(m.shifted(shift) for m in other.marks))


class Filler:
    """Fills template slots from one story's random stream and locale."""

    def __init__(self, rng: random.Random, locale: Locale, year: int) -> None:
        self.rng = rng
        self.locale = locale
        self.year = year
        unit = locale.unit_char
        national = unit == "国"
        depts = NATIONAL_DEPTS if national else tuple(unit + name for name in LOCAL_DEPTS)
        # Fixed words are computed once; random ones are drawn only when a slot asks for them.
        self._fixed: dict[str, str] = {
            "place": locale.unit_name,
            "all": "全国" if national else f"全{unit}",
            "u": unit,
            "fed": "中国残联" if national else f"{locale.unit_name}残联",
            "city": locale.city,
            "prov": locale.province,
            "year": str(year),
            "lastyear": str(year - 1),
            "paper": locale.newspaper,
            "health": "国家卫生健康委" if national else f"{unit}卫健局",
            "docyear": str(year),  # a year inside a document number: 〔2019〕12号 names no period
        }
        self._random: dict[str, Callable[[], str]] = {
            "town": lambda: rng.choice(locale.towns),
            "person": lambda: person(rng),
            "adv": lambda: rng.choice(ADVERBS),
            "verb": lambda: rng.choice(VERBS),
            "month": lambda: f"{rng.randint(1, 12)}月",
            "dept": lambda: rng.choice(depts),
            "depts": lambda: "、".join(rng.sample(depts, k=2)),
            "tel": lambda: f"0{rng.randint(510, 579)}-{rng.randint(80000000, 89999999)}",
        }
        self._chosen_programme = ""

    def fill(self, template: str) -> str:
        return self.fill_marked(template).text

    def fill_marked(self, template: str) -> Marked:
        """Fill ``template``; the same random draws, in the same order, as the text alone needs."""
        self._chosen_programme = ""
        chosen = _CHOICE.sub(self._choose, template)
        parts: list[str] = []
        marks: list[Mark] = []
        length, position = 0, 0
        for match in _SLOT.finditer(chosen):
            literal = chosen[position : match.start()]
            parts.append(literal)
            length += len(literal)
            value = self._slot(match)
            marks += self._marks(match, length, value)
            parts.append(value)
            length += len(value)
            position = match.end()
        parts.append(chosen[position:])
        return Marked("".join(parts), tuple(marks))

    def pick(self, options: Sequence[str]) -> str:
        return self.fill(self.rng.choice(options))

    def _choose(self, match: re.Match[str]) -> str:
        chosen: str = self.rng.choice(match.group(1).split("|"))
        wording, _, programme = chosen.partition("#")
        if programme:
            self._chosen_programme = programme
        return wording

    def _slot(self, match: re.Match[str]) -> str:
        name, low, high = match.group(1), match.group(2), match.group(3)
        if low is not None and high is not None:
            return self._number(name, int(low), int(high))
        if name == "rel":
            return match.group(4) or ""
        return self._word(name)

    def _marks(self, match: re.Match[str], start: int, value: str) -> list[Mark]:
        name, note = match.group(1), match.group(4)
        end = start + len(value)
        if name in _NUMBER_SLOTS and note:
            programme, _, measure = note.replace("~", "").strip().partition(" ")
            if programme == "#":
                programme = self._chosen_programme
            if programme in ("", "-"):
                return []
            return [Mark("figure", start, end, programme, measure.strip(), "~" in note)]
        if name in ("year", "lastyear"):
            return [Mark("period", start, end, f"year:{value}")]
        if name == "ym":
            year, month = value.removesuffix("月").split("年")
            return [Mark("period", start, end, f"month:{year}-{int(month):02d}")]
        if name == "rel":
            return [Mark("period", start, end, f"rel:{value}")]
        if name in _PLACE_SLOTS and not (name == "town" and value.endswith(_TOWN_SUFFIXES)):
            return [Mark("place", start, end, self._place_name(name, value))]
        return []

    def _place_name(self, name: str, value: str) -> str:
        if name == "town":
            return value
        if name in ("prov", "city"):
            return value
        return "全国" if self.locale.unit_char == "国" else self.locale.unit_name

    def _number(self, kind: str, low: int, high: int) -> str:
        rng = self.rng
        if kind == "m":  # money in 万元: two decimals, as the reports print them
            return f"{rng.uniform(low, high):.2f}"
        if kind in ("p", "d"):
            return f"{rng.uniform(low, high):.1f}"
        if kind == "ym":
            return f"{self.year}年{rng.randint(low, high)}月"
        value = rng.randint(low, high)
        if kind == "t":
            return str(value * 1000)
        if kind in _CHINESE_POWERS:
            return ("两" if value == 2 else _CN[value]) + _CHINESE_POWERS[kind]
        if kind == "c":  # 21-99: 二十一 ... 九十九
            tens, units = divmod(value, 10)
            return _CN[tens] + "十" + (_CN[units] if units else "")
        return str(value)

    def _word(self, name: str) -> str:
        if name in self._fixed:
            return self._fixed[name]
        if name in self._random:
            return self._random[name]()
        raise KeyError(f"unknown template slot {{{name}}}")
