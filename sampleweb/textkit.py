"""A tiny template filler for generated Chinese news text.

Templates hold alternatives ``[甲|乙]`` and slots such as ``{town}``, ``{n:20-300}`` (an integer),
``{m:5-90}`` (an amount in 万元 with two decimals) or ``{p:60-99}`` (a percentage). Slots are dense
on purpose: the fixed text between them is short, so two stories built from the same templates share
few character 5-grams and near-duplicate detection can tell them apart, while the boilerplate between
slots still gives dedup something to chew on."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

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


_SLOT = re.compile(r"\{(\w+)(?::(\d+)-(\d+))?\}")
_CHOICE = re.compile(r"\[([^\[\]]*)\]")  # [甲|乙|丙]: pick one wording


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
        }
        self._random: dict[str, Callable[[], str]] = {
            "town": lambda: rng.choice(locale.towns),
            "person": lambda: person(rng),
            "adv": lambda: rng.choice(ADVERBS),
            "verb": lambda: rng.choice(VERBS),
            "month": lambda: f"{rng.randint(1, 12)}月",
            "dept": lambda: rng.choice(depts),
            "depts": lambda: "、".join(rng.sample(depts, k=2)),
        }

    def fill(self, template: str) -> str:
        chosen = _CHOICE.sub(lambda m: self.rng.choice(m.group(1).split("|")), template)
        return _SLOT.sub(self._slot, chosen)

    def pick(self, options: Sequence[str]) -> str:
        return self.fill(self.rng.choice(options))

    def _slot(self, match: re.Match[str]) -> str:
        name, low, high = match.group(1), match.group(2), match.group(3)
        if low is not None and high is not None:
            return self._number(name, int(low), int(high))
        return self._word(name)

    def _number(self, kind: str, low: int, high: int) -> str:
        rng = self.rng
        if kind == "m":  # money in 万元: two decimals, as the reports print them
            return f"{rng.uniform(low, high):.2f}"
        if kind == "p":
            return f"{rng.uniform(low, high):.1f}"
        return str(rng.randint(low, high))

    def _word(self, name: str) -> str:
        if name in self._fixed:
            return self._fixed[name]
        if name in self._random:
            return self._random[name]()
        raise KeyError(f"unknown template slot {{{name}}}")
