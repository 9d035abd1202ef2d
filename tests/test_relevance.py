"""Relevance filter: the sites.md §5.2 traps, real federation reports, and the labelled set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler import relevance
from crawler.relevance import RELEVANT_SCORE, assess, lead_length, parse_vocabulary

LABELLED = Path(__file__).parent / "data" / "relevance_labelled.jsonl"


def _labelled() -> list[dict[str, object]]:
    return [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line]


@pytest.mark.parametrize(
    ("title", "body"),
    [
        ("市场监管局开展蔬菜农药残留检测", "共抽检蔬菜样品320批次，农药残留合格率99.4%。"),
        ("失事客机残骸在山区被找到", "搜救人员在事发地山区发现飞机残骸。"),
        ("我区走访慰问伤残军人", "区退役军人事务局走访慰问辖区伤残军人等优抚对象，送去慰问金。"),
        ("工伤职工伤残鉴定办理指南", "职工发生工伤，经治疗伤情相对稳定后应当进行伤残鉴定。"),
        ("市第二人民医院康复医学科正式开诊", "康复医学科开展脑卒中、骨科术后康复治疗。"),
        ("海关推出便利措施 实现通关无障碍", "企业通关时间压缩至1小时内，真正实现通关无障碍。"),
        (
            "关于本网站完成信息无障碍改造的公告",
            "为方便老年人、残疾人等群体获取政府信息，本网站已完成信息无障碍改造。",
        ),
    ],
)
def test_traps_are_not_relevant(title: str, body: str) -> None:
    assert not assess(title, body).relevant


@pytest.mark.parametrize(
    ("title", "body", "term"),
    [
        ("秀洲区发放残疾人两项补贴1260余万元", "区残联累计发放困难残疾人生活补贴1260余万元。", "两项补贴"),
        ("金湖县开展全国助残日活动", "县残联在文化广场为残疾人提供辅具展示等服务。", "全国助残日"),
        ("王江泾镇残疾人之家正式启用", "可同时为40名残疾人提供日间照料。", "残疾人之家"),
        ("定点机构开展康复训练", "今年为56名残疾儿童提供康复训练服务。", "康复"),
    ],
)
def test_federation_reports_are_relevant(title: str, body: str, term: str) -> None:
    result = assess(title, body)
    assert result.relevant
    assert term in result.matched
    assert result.score >= RELEVANT_SCORE


def test_negative_context_swallows_the_term_inside_it() -> None:
    result = assess("残疾军人抚恤金标准提高", "由退役军人事务部门负责发放。")
    assert result.negatives == ("残疾军人",)
    assert result.matched == ()
    assert not result.relevant
    # A disability anchor beside it does not help: only a federation term outweighs it.
    anchored = assess("残疾军人评定残疾等级指南", "由退役军人事务部门审核。")
    assert anchored.matched == ("残疾",)
    assert anchored.reason == "negative context without federation term"


def test_only_negative_contexts() -> None:
    result = assess("工伤职工伤残鉴定办理指南", "伤残等级分为十级。")
    assert result == relevance.Relevance(False, 0.0, (), ("伤残鉴定", "伤残等级"), "only negative contexts")


def test_federation_term_outweighs_another_authoritys_vocabulary() -> None:
    result = assess("退役军人事务局与区残联联合服务伤残军人", "为伤残军人办理残疾人证。")
    assert result.relevant
    assert result.negatives == ("伤残军人",)
    assert {"区残联", "残疾人证"} <= set(result.matched)


def test_programme_term_outweighs_a_web_accessibility_phrase() -> None:
    body = "今年新建残疾人之家3家。信息无障碍方面，12个政务服务窗口提供手语服务。"
    assert assess("秀洲区召开残疾人工作会议", body).relevant
    assert not assess("网站完成信息无障碍改造", "方便残疾人浏览。").relevant


def test_masking_negative_does_not_veto_a_disability_story() -> None:
    result = assess("残疾人象棋残局邀请赛举行", "30名肢体残疾人棋手参加比赛。")
    assert result.relevant
    assert result.negatives == ("残局",)


def test_weak_term_needs_a_disability_anchor() -> None:
    assert assess("医院推出免费轮椅借用服务", "老年患者可免费借用。").reason == (
        "weak terms without disability anchor"
    )
    assert assess("轮椅上的追梦人", "王建华是一名肢体残疾人，开起网店。").relevant


def test_position_matters() -> None:
    filler = "区领导带队检查安全生产，强调压实主体责任，全面排查隐患。" * 5
    deep = assess("节前安全生产大检查", filler + "区残联等部门负责人参加。")
    assert not deep.relevant
    assert deep.reason == "score below threshold"
    assert assess("区残联参加节前安全生产大检查", filler).relevant
    assert assess("节前安全生产大检查", "区残联等部门负责人参加检查。" + filler).relevant


def test_lead_is_the_first_real_sentence() -> None:
    assert lead_length("本报讯。" + "一" * 40 + "。后文") == 45
    assert lead_length("无标点" * 100) == relevance.LEAD_MAX_CHARS


def test_federation_site_keeps_everything_but_still_scores() -> None:
    result = assess("机关党支部开展主题党日活动", "全体党员重温入党誓词。", federation_site=True)
    assert result.relevant
    assert result.reason == "federation site"
    assert result.score == 0.0
    scored = assess("助残日活动", "", federation_site=True)
    assert scored.matched == ("助残日",)
    assert scored.score == 1.0


def test_matched_terms_in_order_of_first_appearance_and_reason() -> None:
    result = assess("市残联召开会议", "研究两项补贴发放和残疾人之家建设，残联领导出席。")
    assert result.matched == ("市残联", "两项补贴", "残疾人之家", "残联")
    assert result.reason == "strong term in title"


def test_traditional_characters_and_full_width_digits() -> None:
    assert assess("秀洲區殘聯開展助殘日活動", "").relevant
    assert "12385" in assess("１２３８５熱線上線", "").matched


def test_vocabulary_rejects_a_term_both_positive_and_negative() -> None:
    data = {
        "tiers": {"t": {"weight": 1.0, "needs_anchor": False, "overrides": [], "terms": ["残渣"]}},
        "negatives": {"authority": ["残疾军人"], "notice": ["长者模式"], "mask": ["残渣"]},
        "normalise": {"traditional": "", "simplified": ""},
    }
    with pytest.raises(ValueError, match="both positive and negative"):
        parse_vocabulary(data)


def test_labelled_set_precision_and_recall() -> None:
    items = _labelled()
    assert len(items) >= 60
    assert sum(bool(item["relevant"]) for item in items) >= 30
    predicted = {item["id"]: assess(str(item["title"]), str(item["body"])).relevant for item in items}
    true_pos = sum(predicted[i["id"]] and bool(i["relevant"]) for i in items)
    false_pos = [i["id"] for i in items if predicted[i["id"]] and not i["relevant"]]
    false_neg = [i["id"] for i in items if not predicted[i["id"]] and i["relevant"]]
    assert true_pos / (true_pos + len(false_pos)) >= 0.98, false_pos
    assert true_pos / (true_pos + len(false_neg)) >= 0.98, false_neg


def test_sample_web_precision_and_recall() -> None:
    """Every sample-web article's ground-truth title and body against its `relevant` label."""
    from sampleweb import SampleWeb
    from sampleweb.sites import SITE_BY_KEY

    counts = {"tp": 0, "fp": 0, "fn": 0}
    for record in SampleWeb(seed=2026, articles_per_site=400).truth():
        if record.kind != "article":
            continue
        federation = SITE_BY_KEY[record.site].federation
        got = assess(record.title, "\n".join(record.body), federation_site=federation).relevant
        key = ("tp" if record.relevant else "fp") if got else ("fn" if record.relevant else "")
        if key:
            counts[key] += 1
    assert counts["tp"] / (counts["tp"] + counts["fp"]) >= 0.98, counts
    assert counts["tp"] / (counts["tp"] + counts["fn"]) >= 0.98, counts
