"""Titles: ArticleTitle meta first, headings checked against <title>, site suffixes and 原创 removed."""

from __future__ import annotations

import pytest

from crawler.extraction.dom import parse_html, read_meta
from crawler.extraction.titles import clean_title, pick_title, title_from_first_line


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("金湖县残疾人事业发展回眸_中国江苏网", "金湖县残疾人事业发展回眸"),
        ("河南推出助残扶贫十项举措--时政--人民网", "河南推出助残扶贫十项举措"),
        ("习近平回信勉励残疾人朋友-新华网", "习近平回信勉励残疾人朋友"),
        ("秀洲区残联工作亮点纷呈_秀洲区人民政府", "秀洲区残联工作亮点纷呈"),
        ("残联要闻 | 全国助残日活动综述 - 中国残疾人联合会", "残联要闻 | 全国助残日活动综述"),
        ("【原创】河南推出助残扶贫十项举措", "河南推出助残扶贫十项举措"),
        ("原创 | 一位盲人按摩师的十年", "一位盲人按摩师的十年"),
        ("2021-2025年残疾人保障规划", "2021-2025年残疾人保障规划"),
        ("关注｜走进秀洲区残联", "关注｜走进秀洲区残联"),
        ("关于公布示范基地名单的通知_通知公告_宁夏残疾人联合会", "关于公布示范基地名单的通知"),
    ],
)
def test_clean_title(raw: str, title: str) -> None:
    assert clean_title(raw) == title


def test_site_name_meta_is_a_suffix() -> None:
    assert clean_title("残疾人之家简介_海安残联网站", ("海安残联网站",)) == "残疾人之家简介"


def _title(html: str) -> str:
    tree = parse_html(html)
    assert tree is not None
    return pick_title(tree, read_meta(tree, html))


def test_unescaped_quotes_in_meta_are_recovered() -> None:
    html = (
        '<html><head><meta name="ArticleTitle" content="金湖县"十三五"期间回眸"></head><body></body></html>'
    )
    assert _title(html) == '金湖县"十三五"期间回眸'


def test_logo_h1_loses_to_the_heading_inside_title() -> None:
    html = (
        "<html><head><title>区残联开展送康复上门服务_丽水市人民政府</title></head><body>"
        "<h1>丽水市人民政府</h1><div class='title'>区残联开展送康复上门服务</div></body></html>"
    )
    assert _title(html) == "区残联开展送康复上门服务"


def test_title_tag_is_the_last_resort() -> None:
    assert (
        _title("<html><head><title>残联工作简报-嘉兴在线</title></head><body><p>x</p></body></html>")
        == "残联工作简报"
    )


def test_column_segments_after_a_site_suffix_go_too() -> None:
    assert clean_title("曹方新碟发布会创意无限_大陆新闻_娱乐_腾讯网") == "曹方新碟发布会创意无限"
    assert clean_title("金湖县_十三五_期间") == "金湖县_十三五_期间"


def test_a_short_heading_that_opens_the_page_title_is_the_title() -> None:
    tree = parse_html(
        "<html><head><title>编者按_专题报道_某某市残联</title></head><body><h1>编者按</h1></body></html>"
    )
    assert tree is not None
    assert pick_title(tree, {}) == "编者按"


def test_a_page_without_any_title_takes_its_first_short_line() -> None:
    title, rest = title_from_first_line(
        ["县残联开展辅具适配上门服务", "3月12日上午，县残联组织康复专家上门评估。"]
    )
    assert (title, rest) == ("县残联开展辅具适配上门服务", ["3月12日上午，县残联组织康复专家上门评估。"])
    title, rest = title_from_first_line(["县残联组织康复专家上门评估。后续将定期回访。"])
    assert title == "县残联组织康复专家上门评估" and len(rest) == 1
