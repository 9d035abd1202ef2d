"""Byline and metadata lines, and splitting names (陈 曦 冯 姚 is two people)."""

from __future__ import annotations

import pytest

from crawler.extraction.bylines import closing_byline, dateline_byline, parse_byline
from crawler.extraction.names import split_names, split_tags


def test_xiuzhou_byline() -> None:
    byline = parse_byline("2019年1月25日 08:46 来源:嘉兴日报 撰文 陈 曦 冯 姚")
    assert byline.is_metadata
    assert byline.source == "嘉兴日报"
    assert byline.authors == ["陈曦", "冯姚"]
    assert byline.dates[0][1].raw == "2019年1月25日 08:46"


@pytest.mark.parametrize(
    ("line", "field", "values"),
    [
        ("标签:残联 责任编辑:平彩娟", "editors", ["平彩娟"]),
        ("标签:残联 责任编辑:平彩娟", "tags", ["残联"]),
        ("通讯员:李阳", "correspondents", ["李阳"]),
        ("编辑：浦琼月", "editors", ["浦琼月"]),
        ("责编:浦琼月", "editors", ["浦琼月"]),
        ("（记者 张三 通讯员 李四）", "authors", ["张三"]),
        ("（记者 张三 通讯员 李四）", "correspondents", ["李四"]),
        ("发布时间：2021-06-21来源：中国江苏网|作者：王 伟", "authors", ["王伟"]),
        ("文/图 张三", "authors", ["张三"]),
        ("(责编：陈琳、王倩)", "editors", ["陈琳", "王倩"]),
        ("【责任编辑：周琳】", "editors", ["周琳"]),
    ],
)
def test_fields(line: str, field: str, values: list[str]) -> None:
    byline = parse_byline(line)
    assert byline.is_metadata
    assert getattr(byline, field) == values


def test_empty_tags_line_means_no_tags() -> None:
    byline = parse_byline("标签:")
    assert byline.is_metadata and byline.tags_seen and byline.tags == []


def test_labelled_date_key() -> None:
    byline = parse_byline("发布时间：2019-01-25 信息来源：秀洲区残联 【字体：大 中 小】 【打印】")
    assert byline.is_metadata
    assert byline.source == "秀洲区残联"
    assert [key for key, _ in byline.dates] == ["date"]


def test_bare_publisher_after_date() -> None:
    byline = parse_byline("2021-06-18 15:30 中国残联")
    assert byline.is_metadata and byline.bare_source == "中国残联"


@pytest.mark.parametrize(
    "line",
    [
        "编辑部的同志们认为这是好事。",
        "来源：国家统计局的数据显示，今年增长了。",
        "记者从区残联获悉，今年以来全区新增就业岗位200个。",
        "当天下午，区残联走访慰问困难家庭，送去慰问金和生活用品。",
    ],
)
def test_sentences_are_not_metadata(line: str) -> None:
    assert not parse_byline(line).is_metadata


def test_original_title() -> None:
    assert parse_byline("原标题：助残日里暖人心").original_title == "助残日里暖人心"


def test_dateline_credit() -> None:
    byline = dateline_byline(
        "本报讯（记者 张敏 通讯员 钱晓峰）5月16日是第三十一次全国助残日，秀洲区残联开展活动。"
    )
    assert byline is not None
    assert (byline.authors, byline.correspondents) == (["张敏"], ["钱晓峰"])
    assert dateline_byline("5月16日（星期日）是全国助残日。") is None


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("陈 曦 冯 姚", ["陈曦", "冯姚"]),
        ("高 文", ["高文"]),
        ("陈晓峰 冯 姚", ["陈晓峰", "冯姚"]),
        ("王　伟", ["王伟"]),
        ("张三 摄", ["张三"]),
        ("文 张三", ["张三"]),
        ("张三、李四，王五", ["张三", "李四", "王五"]),
        ("董秀磊 王伟", ["董秀磊", "王伟"]),
        ("浦琼月 浦琼月", ["浦琼月"]),
        ("区残联", ["区残联"]),
    ],
)
def test_split_names(value: str, names: list[str]) -> None:
    assert split_names(value) == names


def test_split_tags() -> None:
    assert split_tags("残联, 助残日、残联；康复") == ["残联", "助残日", "康复"]


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("2024-04-15 文/李 静 图/赵刚", ["李静"]),
        ("来源：区融媒体中心 记者 王晓明", ["王晓明"]),
        ("作者：刘美远 Melinda Liu", ["刘美远", "Melinda Liu"]),
    ],
)
def test_author_shapes(line: str, authors: list[str]) -> None:
    byline = parse_byline(line)
    assert byline.is_metadata and byline.authors == authors


def test_credit_closing_the_body_and_dateline_credit_without_space() -> None:
    closing = closing_byline("……还可申请减免伙食费。（周雨桐）")
    assert closing is not None and closing.authors == ["周雨桐"]
    assert closing_byline("……未完。（待续）") is None
    assert closing_byline("……活动现场。（张三 摄）") is None
    credit = dateline_byline("人民网合肥11月8日电 （记者钱伟）安徽省司法厅日前出台……")
    assert credit is not None and credit.authors == ["钱伟"]


def test_trailing_toolbar_words_and_document_type_are_no_part_of_values() -> None:
    assert parse_byline("2020-07-04 11:33:46 来源: 央视新闻客户端 举报").source == "央视新闻客户端"
    assert parse_byline("发布时间：2025-06-03 来源：浙江监管局 文章类型：原创").source == "浙江监管局"
