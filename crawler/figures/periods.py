"""When a figure holds: the time named in its sentence, else the last one named earlier in its paragraph,
else the article's date.

Recognised: a day (2020年11月2日), a month (2019年10月, 截至11月底 in the article's year), a year
(2019年, 2019年底, 2021年度), a span (2016—2020年, “十三五”, 2016年以来), and 今年 / 去年 / 全年 relative to
the article's date (全年 in a January or February report is the year just ended). Comparisons are not
periods (比上年增长, 较去年同期). A year needs its 年: 〔2019〕12号 is a document number.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from crawler.figures.model import Period

_PLANS = {"十一": 2006, "十二": 2011, "十三": 2016, "十四": 2021, "十五": 2026}
_CN_MONTHS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_PATTERN = re.compile(
    r"(?=[十\d截到今本当年全去上])"  # the first characters of the alternatives: other positions skip fast
    r"(?:(?P<plan>十[一二三四五])五(?=”?(?:期间|时期|以来|规划|计划|末|时|”))"
    r"|(?P<ds>\d{4})年(?P<dm>\d{1,2})月(?P<dd>\d{1,2})日"
    r"|(?P<ss>\d{4})\s*年?\s*[-—–至到~]\s*(?P<se>\d{4})年"
    r"|(?P<ms>\d{4})年(?P<mm>\d{1,2})月"
    r"|(?P<since>\d{4})年以来"
    r"|(?P<year>\d{4})年"
    r"|(?:截至|截止|到)(?P<asof>\d{1,2}|十[一二]|[一二三四五六七八九十])月"
    r"|(?P<rel>今年|本年度|本年|当年|年内|全年|去年|上年度|上年|上一年))"
)
_COMPARISON_BEFORE = ("比", "较", "同比", "与")
_RELATIVE = {
    "今年": 0,
    "本年度": 0,
    "本年": 0,
    "当年": 0,
    "年内": 0,
    "全年": 0,
    "去年": -1,
    "上年度": -1,
    "上年": -1,
    "上一年": -1,
}


@dataclass(frozen=True, slots=True)
class PeriodMention:
    start: int
    end: int
    period: Period


def find_periods(text: str, published: date | None) -> list[PeriodMention]:
    """Every time expression of ``text`` that can be the period of a figure."""
    found = []
    for match in _PATTERN.finditer(text):
        period = _period(match, text, published)
        if period is not None:
            found.append(PeriodMention(match.start(), match.end(), period))
    return found


def _period(match: re.Match[str], text: str, published: date | None) -> Period | None:
    groups = match.groupdict()
    if groups["plan"]:
        first = _PLANS[groups["plan"]]
        return span(first, first + 4)
    if groups["ds"]:
        return day(int(groups["ds"]), int(groups["dm"]), int(groups["dd"]))
    if groups["ss"]:
        return span(int(groups["ss"]), int(groups["se"]))
    if groups["ms"]:
        return month(int(groups["ms"]), int(groups["mm"]))
    if groups["since"]:
        until = published.year if published else int(groups["since"])
        return span(int(groups["since"]), until)
    if groups["year"]:
        return year(int(groups["year"]))
    if published is None:
        return None
    if groups["asof"]:
        number = groups["asof"]
        return month(published.year, int(number) if number.isdigit() else _cn_month(number))
    return _relative(groups["rel"], match, text, published)


def _relative(word: str, match: re.Match[str], text: str, published: date) -> Period | None:
    if text[: match.start()].endswith(_COMPARISON_BEFORE) or text.startswith("同期", match.end()):
        return None
    shift = _RELATIVE[word]
    if word == "全年" and published.month <= 2:
        shift = -1  # a January report's 全年 is the year it reviews
    return year(published.year + shift)


def _cn_month(number: str) -> int:
    return 10 + _CN_MONTHS.get(number[1:], 0) if number.startswith("十") else _CN_MONTHS[number]


def _valid_year(value: int) -> bool:
    return 1949 <= value <= 2100


def year(value: int) -> Period | None:
    return Period(str(value), date(value, 1, 1), date(value, 12, 31)) if _valid_year(value) else None


def month(value: int, number: int) -> Period | None:
    if not _valid_year(value) or not 1 <= number <= 12:
        return None
    last = calendar.monthrange(value, number)[1]
    return Period(f"{value}-{number:02d}", date(value, number, 1), date(value, number, last))


def day(value: int, number: int, day_of_month: int) -> Period | None:
    try:
        when = date(value, number, day_of_month)
    except ValueError:
        return None
    return Period(when.isoformat(), when, when) if _valid_year(value) else None


def span(first: int, last: int) -> Period | None:
    if not (_valid_year(first) and _valid_year(last)) or last < first:
        return None
    if first == last:
        return year(first)
    return Period(f"{first}/{last}", date(first, 1, 1), date(last, 12, 31))


def published_period(published: date | None) -> Period | None:
    return day(published.year, published.month, published.day) if published else None
