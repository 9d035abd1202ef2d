"""Dates from text, meta values and URLs; only full days count."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.extraction.dates import SHANGHAI, find_dates, parse_date, same_day, url_date


@pytest.mark.parametrize(
    ("text", "expected", "raw"),
    [
        (
            "2019年1月25日 08:46 来源:嘉兴日报",
            datetime(2019, 1, 25, 8, 46, tzinfo=SHANGHAI),
            "2019年1月25日 08:46",
        ),
        (
            "2021-06-21 16:57:00  来源:中国江苏网",
            datetime(2021, 6, 21, 16, 57, tzinfo=SHANGHAI),
            "2021-06-21 16:57:00",
        ),
        ("发布时间：2019年1月25日08:46", datetime(2019, 1, 25, 8, 46, tzinfo=SHANGHAI), "2019年1月25日08:46"),
        ("日期：2020.05.06", datetime(2020, 5, 6, tzinfo=SHANGHAI), "2020.05.06"),
        ("2021/6/21", datetime(2021, 6, 21, tzinfo=SHANGHAI), "2021/6/21"),
        ("二〇一九年三月二十五日", datetime(2019, 3, 25, tzinfo=SHANGHAI), "二〇一九年三月二十五日"),
        ("落款：二○二一年十二月十日印发", datetime(2021, 12, 10, tzinfo=SHANGHAI), "二○二一年十二月十日"),
        ("二〇二〇年十月三十一日", datetime(2020, 10, 31, tzinfo=SHANGHAI), "二〇二〇年十月三十一日"),
        ("二〇二〇年一月九日", datetime(2020, 1, 9, tzinfo=SHANGHAI), "二〇二〇年一月九日"),
    ],
)
def test_find_dates(text: str, expected: datetime, raw: str) -> None:
    found = find_dates(text)[0]
    assert (found.value, found.raw) == (expected, raw)


@pytest.mark.parametrize(
    "text",
    [
        "Copyright © 2009-2024 版权所有",
        "2009版权所有",
        "第2021期",
        "2021-13-01",
        "2021年2月30日",
        "1.2019.12",
        "二〇一九年",  # a year in running text
        "二〇一九年三月",
        "二〇二一年二月三十日",  # no such day
        "二〇二一年十三月一日",
        "二〇二一年三月十十日",
        "二〇二一年三月四十日",
    ],
)
def test_no_full_date(text: str) -> None:
    assert find_dates(text) == []


def test_explicit_offset_is_kept() -> None:
    found = parse_date("2021-06-21T08:57:00Z")
    assert found is not None
    assert found.value == datetime(2021, 6, 21, 8, 57, tzinfo=UTC)
    assert found.raw == "2021-06-21T08:57:00Z"


def test_times_without_offset_are_beijing_time() -> None:
    found = parse_date("2021-06-21 16:57")
    assert found is not None
    assert found.value.utcoffset() is not None
    assert found.value.isoformat() == "2021-06-21T16:57:00+08:00"


@pytest.mark.parametrize(
    ("url", "day", "raw"),
    [
        ("http://x.cn/jsyw/202106/t20210621_7100002.shtml", (2021, 6, 21), "t20210621"),
        ("http://x.cn/art/2019/1/25/art_1229410724_29837555.html", (2019, 1, 25), "art/2019/1/25"),
        ("http://www.news.cn/2021-06/21/c_1127584.htm", (2021, 6, 21), "2021-06/21"),
        ("http://henan.people.com.cn/n2/2018/1016/c351638-32163452.html", (2018, 10, 16), "2018/1016"),
        ("http://www.tjdpf.org.cn/system/2026/05/06/030098685.shtml", (2026, 5, 6), "2026/05/06"),
        ("http://js.news.cn/20210621/abc/c.html", (2021, 6, 21), "20210621"),
    ],
)
def test_url_date(url: str, day: tuple[int, int, int], raw: str) -> None:
    found = url_date(url)
    assert found is not None
    assert (found.value.year, found.value.month, found.value.day) == day
    assert found.raw == raw


@pytest.mark.parametrize(
    "url",
    [
        "http://www.cdpf.org.cn/xwzx/clyw2/5536a8ea20190125aa0123456789abcd.htm",  # digits inside a hex id
        "http://x.cn/zwgk/202106/abc.html",  # a month is not a day
        "http://x.cn/news/12345.html",
    ],
)
def test_no_url_date(url: str) -> None:
    assert url_date(url) is None


def test_same_day_compares_in_beijing_time() -> None:
    late_utc = datetime(2021, 6, 20, 17, 0, tzinfo=UTC)  # 01:00 on the 21st in Beijing
    assert same_day(late_utc, datetime(2021, 6, 21, tzinfo=SHANGHAI))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("更新：7/5/2005 9:23:57 PM", datetime(2005, 7, 5, 21, 23, 57, tzinfo=SHANGHAI)),
        ("12/31/2005 12:05:00 AM", datetime(2005, 12, 31, 0, 5, tzinfo=SHANGHAI)),
        ("25/12/2019", datetime(2019, 12, 25, tzinfo=SHANGHAI)),  # a first number over 12 is the day
        ("2022-02-13 00:00:00:0", datetime(2022, 2, 13, tzinfo=SHANGHAI)),
    ],
)
def test_us_and_odd_date_forms(text: str, expected: datetime) -> None:
    assert find_dates(text)[0].value == expected


def test_utc_and_beijing_offsets_are_shown_in_beijing_time_other_zones_kept() -> None:
    utc = find_dates("2024-02-02T23:40:00Z")[0].value
    assert utc.tzinfo is SHANGHAI and utc.isoformat() == "2024-02-03T07:40:00+08:00"
    assert find_dates("2024-02-03T07:40:00+08:00")[0].value.tzinfo is SHANGHAI
    tokyo = find_dates("2024-02-03T08:40:00+09:00")[0].value
    assert tokyo.isoformat() == "2024-02-03T08:40:00+09:00" and same_day(tokyo, utc)
