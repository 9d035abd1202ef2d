"""Gazetteer: full and short names, parents, ambiguous names, federation levels."""

from __future__ import annotations

import pytest

from crawler.gazetteer import Region, find_regions, gazetteer, levels_mentioned, parse_gazetteer

XIUZHOU = Region("浙江省", "嘉兴市", "秀洲区", "county")
JINHU = Region("江苏省", "淮安市", "金湖县", "county")


def test_full_names_give_the_most_specific_region() -> None:
    assert find_regions("浙江省嘉兴市秀洲区残联开展助残日活动") == (XIUZHOU,)


def test_short_forms() -> None:
    assert find_regions("嘉兴秀洲") == (XIUZHOU,)
    assert find_regions("金湖") == (JINHU,)
    assert find_regions("浙江") == (Region("浙江省", None, None, "province"),)


def test_jinhu_has_its_parents() -> None:
    (region,) = find_regions("金湖县残联开展助残日活动")
    assert (region.province, region.city, region.name) == ("江苏省", "淮安市", "金湖县")


def test_distinct_regions_in_order_of_first_appearance() -> None:
    regions = find_regions("杭州市、嘉兴市秀洲区和江苏省金湖县的残联负责人，在杭州交流。")
    assert [r.name for r in regions] == ["杭州市", "秀洲区", "金湖县"]


@pytest.mark.parametrize("text", ["鼓楼区残联开展活动", "朝阳区温馨家园", "江苏省鼓楼区"])
def test_ambiguous_names_without_context_are_skipped(text: str) -> None:
    assert all(r.level != "county" for r in find_regions(text))


def test_ambiguous_names_resolve_with_their_parent() -> None:
    assert find_regions("南京市鼓楼区")[0] == Region("江苏省", "南京市", "鼓楼区", "county")
    assert find_regions("徐州鼓楼区")[0].city == "徐州市"
    assert find_regions("北京朝阳区温馨家园") == (Region("北京市", None, "朝阳区", "county"),)
    assert find_regions("长春市朝阳区")[0].province == "吉林省"


def test_short_form_shared_by_levels_goes_to_the_higher_level() -> None:
    assert find_regions("淮安") == (Region("江苏省", "淮安市", None, "city"),)
    assert find_regions("淮安区") == (Region("江苏省", "淮安市", "淮安区", "county"),)
    assert find_regions("吉林")[0].level == "province"


@pytest.mark.parametrize("text", ["江山如画", "天台上晾衣服", "和平发展", "长治久安", "各位来宾"])
def test_common_words_are_not_places(text: str) -> None:
    assert find_regions(text) == ()


def test_longest_name_wins() -> None:
    assert [r.name for r in find_regions("雨花台烈士陵园")] == ["雨花台区"]
    assert [r.name for r in find_regions("上海宁波两地")] == ["上海市", "宁波市"]


def test_coverage() -> None:
    regions = {r for candidates in gazetteer().names.values() for r in candidates}
    by_level = {level: [r for r in regions if r.level == level] for level in ("province", "city")}
    assert len(by_level["province"]) == 34
    assert len(by_level["city"]) == 333
    counties = [r for r in regions if r.level == "county"]
    assert sum(r.province == "浙江省" for r in counties) == 90
    assert sum(r.province == "江苏省" for r in counties) == 95
    assert all(r.city for r in counties if r.province in ("浙江省", "江苏省"))


def test_levels_mentioned() -> None:
    assert levels_mentioned("中国残联召开主席团会议") == {"national"}
    assert levels_mentioned("全国助残日") == {"national"}
    assert levels_mentioned("省残联和市残联联合调研") == {"province", "city"}
    assert levels_mentioned("嘉兴市残联、秀洲区残联、金湖县残联") == {"city", "county"}
    # 海宁市 is a county-level city, 北京市 a province-level municipality.
    assert levels_mentioned("海宁市残联") == {"county"}
    assert levels_mentioned("北京市残疾人联合会") == {"province"}
    assert levels_mentioned("广西壮族自治区残联") == {"province"}
    assert levels_mentioned("残联") == set()


def test_parse_errors_name_the_line() -> None:
    with pytest.raises(ValueError, match=r"gazetteer.txt:2: cannot read line"):
        parse_gazetteer(["P 浙江省", "Q 什么"])
    with pytest.raises(ValueError, match=r":1:"):
        parse_gazetteer(["D 秀洲区"])
