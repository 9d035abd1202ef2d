"""Quantities: numerals, 万/亿, money units, ranges, qualifiers, and the numbers that are no figures."""

from __future__ import annotations

import pytest

from crawler.figures import lexicon
from crawler.figures.numbers import chinese_number, find_quantities, quantity_pattern
from crawler.figures.text import normalise


def quantities(text: str) -> list[tuple[str, float, float | None, str, str | None]]:
    lex = lexicon()
    found = find_quantities(normalise(text), quantity_pattern(lex), lex)
    return [(text[q.start : q.end], q.value, q.value_max, q.unit, q.qualifier) for q in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("共计1064.62万元。", ("1064.62万元", 1064.62, None, "万元", None)),
        ("发放创业补贴20万余元", ("20万余元", 20.0, None, "万元", "more_than")),
        ("发放助学金两万余元", ("两万余元", 2.0, None, "万元", "more_than")),
        ("价值约四十万元", ("约四十万元", 40.0, None, "万元", "about")),
        ("月均发放资金3200余万元", ("3200余万元", 3200.0, None, "万元", "more_than")),
        ("合计1.95亿元", ("1.95亿元", 1.95, None, "亿元", None)),
        ("持证残疾人186.3万人", ("186.3万人", 1863000.0, None, "人", None)),
        ("观众近万人次", ("近万人次", 10000.0, None, "人次", "nearly")),
        ("逾千名残疾人", ("逾千名", 1000.0, None, "名", "more_than")),
        ("学员二十六名", ("二十六名", 26.0, None, "名", None)),
        ("为一千二百名重度残疾人", ("一千二百名", 1200.0, None, "名", None)),
        ("容纳学员80-100名", ("80-100名", 80.0, 100.0, "名", "range")),
        ("每户3000元至8000元", ("3000元至8000元", 3000.0, 8000.0, "元", "range")),
        ("每户补助1.5万元至2万元", ("1.5万元至2万元", 1.5, 2.0, "万元", "range")),
        ("覆盖率达１２.５％", ("１２.５％", 12.5, None, "%", None)),
        ("就业率达90%以上", ("90%以上", 90.0, None, "%", "more_than")),
        ("全国1214.0万困难残疾人", ("1214.0万", 12140000.0, None, "人", None)),
        ("累计出借护理床50件次", ("50件次", 50.0, None, "件次", None)),
        ("不少于20件", ("不少于20件", 20.0, None, "件", "at_least")),
    ],
)
def test_quantities(text: str, expected: tuple[str, float, float | None, str, str | None]) -> None:
    assert quantities(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "举报电话：0573-82721592",  # a phone number
        "浙ICP备09103386号-1 浙新办[2009]24号",  # chrome identifiers
        "（苏残发〔2019〕12号）",  # a document number
        "2019年1月25日 08:46",  # a date and a clock
        "8:30-17:00",
        "第三十次全国助残日",  # ordinals
        "第5届运动会，第3期培训班",
        "学制3个月，办理时限为20个工作日，提高5个百分点",  # 个 starting another word
        "“十三五”期间",
        "新当选主席本人是一名肢体残疾人，实行一次性奖励",  # the indefinite 一
        "一户多残",
        "全县两项补贴应发尽发",  # 两项补贴 is a programme
        "用“三个更加”概括",  # a slogan
        "组织数十名志愿者为上百名残疾人服务，千家万户",  # vague powers
        "身份证号码：330329199001012345",
        "0至6岁残疾儿童，平均年龄46岁，面积3000平方米",
        "元旦前夕，所有户籍",
        "项目编号CL2021-880",
    ],
)
def test_numbers_that_are_no_figures(text: str) -> None:
    assert quantities(text) == []


def test_a_sentence_with_several_quantities_keeps_their_offsets() -> None:
    text = "全区为1859人发放困难残疾人生活补贴、为3295人发放重度残疾人护理补贴，共计1064.62万元。"
    found = quantities(text)
    assert [f[0] for f in found] == ["1859人", "3295人", "1064.62万元"]


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("一千二百", 1200), ("两万", 20000), ("三十五", 35), ("十", 10), ("万", 10000), ("一千零五", 1005)],
)
def test_chinese_numerals(numeral: str, value: int) -> None:
    assert chinese_number(numeral) == value


@pytest.mark.parametrize("run", ["十三五", "二〇一九", "三五"])
def test_digit_runs_are_no_numbers(run: str) -> None:
    assert chinese_number(run) is None
