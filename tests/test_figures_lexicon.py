"""The lexicon is data, validated once: errors name the file and the field."""

from __future__ import annotations

from typing import Any

import pytest

from crawler.figures import LexiconError, lexicon
from crawler.figures.lexicon import MEASURES, parse_lexicon

MINIMAL: dict[str, Any] = {
    "units": {"人": "people"},
    "measures": {"people": ["人数"]},
    "programme": [{"name": "两项补贴", "terms": ["两项补贴"]}],
}


def with_programmes(*entries: dict[str, Any]) -> dict[str, Any]:
    return {**MINIMAL, "programme": list(entries)}


def test_the_packaged_lexicon_loads_with_the_issue_programmes() -> None:
    lex = lexicon()
    named = "困难残疾人生活补贴 重度残疾人护理补贴 辅助器具适配 辅助性就业 残疾人之家 无障碍改造 危房改造"
    named += " 医疗保险代缴 养老保险代缴 持证残疾人 慰问 脱贫 残保金 就业培训 创业补贴 教育资助"
    for name in named.split():
        assert name in lex.programmes
    assert lex.ancestors("困难残疾人生活补贴") == ("困难残疾人生活补贴", "两项补贴")
    assert set(lex.descendants("两项补贴")) == {"两项补贴", "困难残疾人生活补贴", "重度残疾人护理补贴"}
    assert lex.common_ancestor(["医疗保险代缴", "养老保险代缴"]) == "社会保险代缴"
    assert lex.common_ancestor(["慰问", "脱贫"]) is None
    assert set(lex.units.values()) <= set(MEASURES)
    assert lex.measure("人数") == "people" and lex.measure("money") == "money"
    with pytest.raises(KeyError, match="unknown measure"):
        lex.measure("weight")


def test_longest_term_wins() -> None:
    lex = lexicon()
    matched = [m.group() for m in lex.term_pattern.finditer("残疾人就业保障金和辅助性就业")]
    assert matched == ["残疾人就业保障金", "辅助性就业"]
    assert lex.terms["残疾人就业保障金"].programme == "残保金"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({**MINIMAL, "units": {}}, r"lexicon.toml: \[units\] missing or empty"),
        ({**MINIMAL, "units": {"人": "weight"}}, r"units.人: 'weight' is not one of"),
        ({**MINIMAL, "measures": {"weight": []}}, r"measures.weight is not a measure"),
        (with_programmes({"terms": ["x"]}), r"programme #1 has no name"),
        (with_programmes({"name": "甲", "terms": []}), r"programme '甲', field 'terms'"),
        (with_programmes({"name": "甲", "terms": ["甲"], "parent": "乙"}), r"'乙' is not a programme"),
        (
            with_programmes({"name": "甲", "terms": ["甲"]}, {"name": "乙", "terms": ["甲"]}),
            r"term '甲' names both '甲' and '乙'",
        ),
        (
            with_programmes(
                {"name": "甲", "terms": ["甲"], "parent": "乙"},
                {"name": "乙", "terms": ["乙"], "parent": "甲"},
            ),
            r"parents form a cycle",
        ),
        (with_programmes({"name": "甲", "terms": ["甲"]}, {"name": "甲", "terms": ["乙"]}), r"defined twice"),
    ],
)
def test_errors_name_the_file_and_field(data: dict[str, Any], message: str) -> None:
    with pytest.raises(LexiconError, match=message):
        parse_lexicon(data)
