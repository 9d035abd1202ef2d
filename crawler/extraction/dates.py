"""Publication dates from meta values, byline text and URLs.

Only full calendar days count: a year alone (a copyright footer's "2009") or a year and month (`/202106/`)
is no date, and returning None beats returning a wrong one. Times without an offset are Beijing time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
_EARLIEST_YEAR = 1990


@dataclass(frozen=True, slots=True)
class FoundDate:
    value: datetime  # timezone-aware
    raw: str  # the string as it stood on the page or in the URL


_TIME = r"(?:\s*(?:[T\s]|日)?\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?(?:\.\d+)?\s*秒?)?"
_OFFSET = r"(?:\s*(Z|[+-]\d{2}:?\d{2})(?![\d:]))?"
_DATE_PATTERNS = (
    re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?" + _TIME + _OFFSET),
    re.compile(r"(?<![\d.])((?:19|20)\d{2})([-/.])(\d{1,2})\2(\d{1,2})(?![\d.])" + _TIME + _OFFSET),
)
# Official documents and some bylines write the date in Chinese numerals: 二〇一九年三月二十五日. The 日 is
# required, so a bare 二〇一九年 (a year in running text) is never taken for a day.
_CN_DIGITS = {
    ch: n
    for n, chars in enumerate(("〇零○Ｏ", "一", "二", "三", "四", "五", "六", "七", "八", "九"))
    for ch in chars
}
_CN_DATE = re.compile(
    r"([〇零○Ｏ一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日"
)
# ASP.NET pages print the US form (M/d/yyyy h:mm:ss tt): 7/5/2005 9:23:57 PM. A first number over 12 can
# only be a day (5/7 ordering), so that reads D/M.
_US_DATE = re.compile(
    r"(?<![\d/.])(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})(?![\d/])"
    r"(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp][Mm]))?)?"
)
_URL_PATTERNS = (
    re.compile(r"[/_]t((?:19|20)\d{2})(\d{2})(\d{2})_"),  # TRS: /202106/t20210621_123.shtml
    re.compile(r"/art/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),  # Hanweb classic: /art/2019/1/25/
    re.compile(r"/((?:19|20)\d{2})-(\d{1,2})/(\d{1,2})/"),  # xinhuanet and e-papers: /2021-06/21/
    re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),  # /system/2015/06/15/
    re.compile(r"/((?:19|20)\d{2})/?(\d{2})(\d{2})/"),  # people.cn /2021/0621/, e-papers /202106/21/
    re.compile(r"[/_-]((?:19|20)\d{2})(\d{2})(\d{2})(?=[/_.-])"),  # /20210621/, content_20210621_
)
# Long hex ids (cdpf, Hanweb JPaaS) can contain runs of digits that look like dates.
_HEX_ID = re.compile(r"[0-9a-f]{16,}", re.I)


def _offset(value: str | None) -> timezone | ZoneInfo:
    if not value:
        return SHANGHAI
    if value == "Z":
        return UTC
    sign = 1 if value[0] == "+" else -1
    digits = value[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0)))


_BEIJING_OFFSET = timedelta(hours=8)


def in_page_zone(value: datetime) -> datetime:
    """The page's own zone: Asia/Shanghai for no offset, +08:00 and UTC (the same instant: Chinese CMSs
    write their local time out as UTC in machine metadata, and a reader expects Beijing time); any other
    stated offset is kept."""
    offset = value.utcoffset()
    if offset in (_BEIJING_OFFSET, timedelta(0)):
        return value.astimezone(SHANGHAI)
    return value


def make_date(
    year: int, month: int, day: int, clock: tuple[int, int, int] = (0, 0, 0), offset: str | None = None
) -> datetime | None:
    """A validated timezone-aware datetime, or None for impossible or implausible values."""
    latest = datetime.now(SHANGHAI).year + 1
    if not _EARLIEST_YEAR <= year <= latest:
        return None
    try:
        return in_page_zone(datetime(year, month, day, *clock, tzinfo=_offset(offset)))
    except ValueError:
        return None


def _clock(groups: tuple[str | None, ...]) -> tuple[int, int, int]:
    hour, minute, second = (int(g) if g else 0 for g in groups)
    return (hour, minute, second) if hour < 24 and minute < 60 and second < 60 else (0, 0, 0)


def find_dates(text: str) -> list[FoundDate]:
    """Every full date in a string, in order of appearance (2019年1月5日, 2019-01-05, 二〇一九年一月五日)."""
    found: list[tuple[int, FoundDate]] = []
    for index, pattern in enumerate(_DATE_PATTERNS):
        for match in pattern.finditer(text):
            groups = match.groups()
            if index == 0:
                year, month, day, rest = groups[0], groups[1], groups[2], groups[3:]
            else:
                year, month, day, rest = groups[0], groups[2], groups[3], groups[4:]
            value = make_date(int(year), int(month), int(day), _clock(rest[:3]), rest[3])
            if value is not None:
                found.append((match.start(), FoundDate(value, match.group(0).strip())))
    for match in _US_DATE.finditer(text):
        if (value := _us_date(match)) is not None:
            found.append((match.start(), FoundDate(value, match.group(0).strip())))
    for match in _CN_DATE.finditer(text):
        year = int("".join(str(_CN_DIGITS[ch]) for ch in match.group(1)))
        month, day = _cn_number(match.group(2)), _cn_number(match.group(3))
        value = make_date(year, month, day) if month and day else None
        if value is not None:
            found.append((match.start(), FoundDate(value, match.group(0))))
    return [date for _, date in sorted(found, key=lambda pair: pair[0])]


def _us_date(match: re.Match[str]) -> datetime | None:
    first, second, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
    month, day = (second, first) if first > 12 else (first, second)
    hour = int(match.group(4) or 0)
    meridiem = (match.group(7) or "").lower()
    if meridiem == "pm" and hour < 12:
        hour += 12
    elif meridiem == "am" and hour == 12:
        hour = 0
    clock = _clock((str(hour), match.group(5), match.group(6)))
    return make_date(year, month, day, clock)


def _cn_number(text: str) -> int | None:
    """一 .. 三十一 as written in dates (十, 十二, 二十, 二十五); None for anything else."""
    tens, _, units = text.rpartition("十")
    if "十" not in text:
        return _CN_DIGITS.get(text) if len(text) == 1 else None
    if len(tens) > 1 or len(units) > 1 or "十" in tens:
        return None
    value = (_CN_DIGITS.get(tens, -99) if tens else 1) * 10 + (_CN_DIGITS.get(units, -99) if units else 0)
    return value if value > 0 else None


def parse_date(text: str | None) -> FoundDate | None:
    """The first full date in a string such as a meta value, keeping the whole value as the raw string."""
    if not text:
        return None
    dates = find_dates(text)
    return FoundDate(dates[0].value, text.strip()) if dates else None


def url_date(url: str) -> FoundDate | None:
    """The day encoded in an article URL (TRS, Hanweb, e-paper conventions), if any."""
    path = _HEX_ID.sub("", url.split("?", 1)[0].split("#", 1)[0])
    for pattern in _URL_PATTERNS:
        match = pattern.search(path)
        if match:
            year, month, day = (int(g) for g in match.groups())
            value = make_date(year, month, day)
            if value is not None:
                return FoundDate(value, match.group(0).strip("/_-"))
    return None


def same_day(first: datetime, second: datetime) -> bool:
    """Calendar-day equality in Beijing time."""
    return first.astimezone(SHANGHAI).date() == second.astimezone(SHANGHAI).date()
