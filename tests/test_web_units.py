"""The web app's pure parts: parameter validation, display helpers, charts and side-by-side diffs."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest

from storage.versions import VersionView
from web.charts import bar_chart, month_range, monthly_series
from web.diffs import side_by_side
from web.display import MARK_END, MARK_START, highlight, iso_time, show_size, show_time
from web.params import BadParameter, SearchRequest
from web.params import search_params as search_dependency


def search_params(**values: str) -> SearchRequest:
    return asyncio.run(search_dependency(**values))


def test_search_params_parse_an_html_form_and_write_it_back() -> None:
    query = search_params(q=" 两项补贴 ", since="2024-01-01", until="", level="county", copies="1", page="3")
    assert query.query == "两项补贴" and query.filters.since == date(2024, 1, 1)
    assert query.filters.until is None and query.filters.site is None, "empty form fields mean not given"
    assert query.copies and query.page == 3 and query.sort == "newest"
    assert (
        query.link(page=4)
        == "?q=%E4%B8%A4%E9%A1%B9%E8%A1%A5%E8%B4%B4&since=2024-01-01&level=county&copies=1&page=4"
    )
    assert search_params().link() == "", "defaults are left out of URLs"


@pytest.mark.parametrize(
    ("values", "name"),
    [
        ({"since": "2024-02-30"}, "since"),
        ({"level": "village"}, "level"),
        ({"copies": "perhaps"}, "copies"),
        ({"page": "0"}, "page"),
        ({"per_page": "x"}, "per_page"),
        ({"region": "省" * 33}, "region"),
    ],
)
def test_search_params_name_the_bad_one(values: dict[str, str], name: str) -> None:
    with pytest.raises(BadParameter) as raised:
        search_params(**values)
    assert raised.value.name == name and str(raised.value).startswith(f"{name}: ")


def test_times_are_shown_in_china() -> None:
    late_utc = datetime(2024, 1, 31, 16, 30, tzinfo=UTC)
    assert show_time(late_utc) == "2024-02-01 00:30"
    assert show_time(late_utc, with_time=False) == "2024-02-01"
    assert iso_time(late_utc) == "2024-02-01T00:30+08:00"
    assert show_time(None) == "" and iso_time(None) == ""


def test_highlight_escapes_and_marks_only_its_own_markers() -> None:
    marked = highlight(f"<b>a</b>{MARK_START}残联{MARK_END}<script>")
    assert str(marked) == "&lt;b&gt;a&lt;/b&gt;<mark>残联</mark>&lt;script&gt;"
    forged = highlight(f"x{MARK_END}<i>{MARK_START}y{MARK_START}")  # markers out of order, or too many
    assert "<mark>" not in str(forged) and "&lt;i&gt;" in str(forged)


def test_sizes_read_like_the_pages_print_them() -> None:
    assert (show_size(None), show_size(900), show_size(356 * 1024), show_size(3 * 1024**2)) == (
        "未知",
        "900 B",
        "356.0 KB",
        "3.0 MB",
    )


def test_months_are_filled_and_charted_with_a_text_alternative() -> None:
    assert month_range("2023-11", "2024-02") == ["2023-11", "2023-12", "2024-01", "2024-02"]
    series = monthly_series({"2023-12": 2, "2024-03": 4, "undated": 9})
    assert series == [("2023-12", 2), ("2024-01", 0), ("2024-02", 0), ("2024-03", 4)]
    chart = bar_chart(series, width=400, height=100)
    assert [bar.height for bar in chart.bars] == [49.0, 0.0, 0.0, 98.0]
    assert chart.summary == "每月文章数柱状图：2023-12 至 2024-03，共 6 篇，最多的月份是 2024-03（4 篇）。"
    assert bar_chart([]).summary == "没有带日期的文章。"


def version(number: int, body: str) -> VersionView:
    return VersionView(number, number, number, datetime(2024, 1, number, tzinfo=UTC), "标题", body)


def test_side_by_side_marks_the_changed_figure_and_folds_unchanged_runs() -> None:
    same = "".join(f"第{n}句没有变。" for n in range(10))
    older = version(1, f"{same}\n共有1680人受益。")
    newer = version(2, f"{same}\n共有1860人受益。\n更正：人数有误。")
    rows = side_by_side(older, newer).rows
    assert [row.kind for row in rows] == ["skipped", "same", "same", "changed", "added"]
    assert rows[0].skipped == 9, "the title and the first eight sentences, unchanged, fold into one row"
    changed = rows[3]
    assert "".join(s.text for s in changed.left) == "共有1680人受益。"
    for side in (changed.left, changed.right):  # only the figure is marked, never the sentence around it
        marked = "".join(s.text for s in side if s.changed)
        assert marked and set(marked) <= set("68")
        assert "".join(s.text for s in side if not s.changed).startswith("共有1")
    assert rows[4].right[0].text == "更正：人数有误。" and rows[4].left == ()
