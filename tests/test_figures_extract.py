"""Figures of report text: programme, measure, region and period, and the offsets back to the sentence."""

from __future__ import annotations

from datetime import date

import pytest

from crawler.figures import NATIONAL, Context, Figure, extract_figures, place_named

XIUZHOU = Context(place_named("秀洲区"), date(2019, 1, 25))


def keys(text: str, context: Context = XIUZHOU) -> list[tuple[str, str, float, str, str, str]]:
    return [
        (
            f.text,
            f.programme,
            f.measure,
            f.value,
            f.region.name if f.region else "",
            f.period.label if f.period else "",
        )
        for f in extract_figures(text, context)
    ]


def test_the_issue_examples() -> None:
    text = (
        "全区为1859人发放困难残疾人生活补贴、为3295人发放重度残疾人护理补贴,共计1064.62万元。\n"
        "走访慰问困难残疾人家庭1393户，送上慰问品和慰问金总计74.5万元。\n"
        "建成1家阳光残疾人辅助性就业中心和17家'残疾人之家'，帮助386名残疾人实现就近就便辅助性就业。\n"
        "举办培训班28期，累计培训735人次。\n"
        "全县2693名建档立卡低收入残疾人于2019年底全部实现脱贫。"
    )
    assert keys(text) == [
        ("1859人", "困难残疾人生活补贴", "people", 1859.0, "秀洲区", "2019-01-25"),
        ("3295人", "重度残疾人护理补贴", "people", 3295.0, "秀洲区", "2019-01-25"),
        ("1064.62万元", "两项补贴", "money", 1064.62, "秀洲区", "2019-01-25"),  # the total of both
        ("1393户", "慰问", "households", 1393.0, "秀洲区", "2019-01-25"),
        ("74.5万元", "慰问", "money", 74.5, "秀洲区", "2019-01-25"),
        ("1家", "辅助性就业", "institutions", 1.0, "秀洲区", "2019-01-25"),
        ("17家", "残疾人之家", "institutions", 17.0, "秀洲区", "2019-01-25"),
        ("386名", "辅助性就业", "people", 386.0, "秀洲区", "2019-01-25"),
        ("28期", "就业培训", "sessions", 28.0, "秀洲区", "2019-01-25"),
        ("735人次", "就业培训", "person_times", 735.0, "秀洲区", "2019-01-25"),
        ("2693名", "脱贫", "people", 2693.0, "秀洲区", "2019"),
    ]


def test_every_figure_points_at_its_text_and_sentence() -> None:
    body = (
        "亮点一：民生保障\n"
        "2018年，全区为1859人发放困难残疾人生活补贴，共计300万元。两项补贴标准提高到每人每月190元。"
    )
    figures = extract_figures(body, XIUZHOU)
    assert len(figures) == 3
    for figure in figures:
        assert body[figure.span[0] : figure.span[1]] == figure.text
        assert body[figure.sentence_span[0] : figure.sentence_span[1]] == figure.sentence
        assert figure.sentence_span[0] <= figure.span[0] < figure.span[1] <= figure.sentence_span[1]
    assert [f.measure for f in figures] == ["people", "money", "standard"]
    assert [f.period.label for f in figures if f.period] == ["2018", "2018", "2018"], (
        "a year carries on in its paragraph"
    )
    assert figures[1].value_normalised == 3_000_000


def test_a_number_about_no_programme_is_no_figure() -> None:
    assert keys("会上表彰了12个先进集体和30名先进个人，与会人员共200人。") == []


def test_chrome_lines_give_no_figures() -> None:
    body = (
        "区残联为120户困难残疾人家庭送去慰问金。\n"
        "分享到：微信 微博\n"
        "版权所有 残联 累计慰问100户 浙ICP备09103386号-1"
    )
    assert [f.text for f in extract_figures(body, XIUZHOU)] == ["120户"]


@pytest.mark.parametrize(
    ("text", "programme"),
    [
        (
            "对持证残疾人参加城乡居民医保实行个人缴费全额资助，共资助3000人。",
            "医疗保险代缴",
        ),  # weak 资助 yields
        ("全县持证残疾人15862人，其中视力残疾1822人。", "持证残疾人"),  # a weak term alone counts
        ("县残联联合县人社局举办盲人按摩培训班2期。", "就业培训"),  # 培训班 refines 就业 (盲人按摩)
        ("新建残疾人扶贫基地5个，培训残疾人354人次。", "脱贫"),  # 培训 does not: the sentence is 脱贫's
        ("王店镇康复站配备康复器材79件。", "精准康复"),  # 康复 (general) yields to 康复站
        ("辅助性就业机构达到16家，安置残疾人就业396名。", "辅助性就业"),  # the general word refers back
        ("为526名重度残疾人代缴城乡居民医疗保险和养老保险。", "社会保险代缴"),  # named together
        ("为60名残疾学生和残疾人家庭子女发放助学金。", "教育资助"),  # the specific one after
        ("县残联会同县教育局为120户困难残疾人家庭送去慰问金。", "慰问"),  # 教育局 is an office
        ("助残日期间又走访198户，发放慰问金13.7万元。", "慰问"),  # 助残日期间 is a time
    ],
)
def test_which_programme(text: str, programme: str) -> None:
    assert extract_figures(text, XIUZHOU)[0].programme == programme


def test_lists_after_qizhong_keep_their_own_programmes() -> None:
    text = "全县残疾人就业人数达2150人，其中按比例就业安置386人、辅助性就业127人、个体就业543人。"
    assert [f.programme for f in extract_figures(text, XIUZHOU)] == [
        "就业",
        "按比例就业",
        "辅助性就业",
        "就业",
    ]


def test_regions() -> None:
    portal = Context(place_named("江苏省"), date(2021, 6, 21))
    assert keys("金湖县新建残疾人之家3家。", portal)[0][4] == "金湖县"  # named in the sentence
    assert keys("全市已建成残疾人之家12家。", XIUZHOU)[0][4] == "嘉兴市"  # 全市 from a district site
    assert keys("黎城街道残疾人之家现有学员20名。", Context(place_named("金湖县")))[0][4] == "金湖县"
    assert keys("市残联在南湖区、秀洲区新建残疾人之家6家。", XIUZHOU)[0][4] == "嘉兴市"  # listed together
    national = Context(NATIONAL, date(2020, 5, 17))
    assert keys("第三十次全国助残日期间，各地组织志愿者82万人次。", national)[0][4] == "全国"
    haining = Context(place_named("海宁市"), date(2020, 5, 17))
    assert keys("第三十次全国助残日当天，志愿者120余人走进社区。", haining)[0][4] == "海宁市"


def test_the_article_region_for_sentences_that_name_none() -> None:
    portal = Context(place_named("江苏省"), date(2021, 6, 21), title="金湖县“十三五”残疾人事业发展回眸")
    body = "中国江苏网讯 县残联坚持以人民为中心。\n举办培训班28期，累计培训735人次。"
    assert {f.region.name for f in extract_figures(body, portal) if f.region} == {"金湖县"}
    sichuan = Context(NATIONAL, date(2021, 6, 21), title="潍坊市社区康复站投入使用")
    body = "临沂市居民说。\n日照市康复站配备康复器材85件。\n全省残疾人事业取得新进展。\n新建残疾人之家3家。"
    assert [f.region.name for f in extract_figures(body, sichuan) if f.region] == ["日照市", "山东省"]


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("截至2020年10月底，全县残疾人就业人数达2150人。", "2020-10"),
        ("“十三五”期间，全县建成残疾人之家17家。", "2016/2020"),
        ("2016年以来，全县建成残疾人之家17家。", "2016/2019"),
        ("今年以来，已为214名残疾人适配轮椅。", "2019"),
        ("全年完成辅助器具适配评估163人次。", "2018"),  # a January report's 全年 is last year
        ("截至11月底，全县完成无障碍改造2300户。", "2019-11"),
        ("于2019年10月起，3126名残疾人免申即享两项补贴。", "2019-10"),
        ("全县随班就读残疾学生126人，比上年增加21人。", "2019-01-25"),  # 比上年 is no period
        ("（苏残发〔2019〕12号）将护理补贴标准提高至每人每月150元。", "2019-01-25"),
    ],
)
def test_periods(text: str, period: str) -> None:
    figures = extract_figures(text, XIUZHOU)
    assert figures and all(f.period is not None and f.period.label == period for f in figures)


def test_figure_dict_is_json_ready() -> None:
    figure: Figure = extract_figures("全区为1859人发放困难残疾人生活补贴。", XIUZHOU)[0]
    record = figure.to_dict()
    assert record["region"] == "秀洲区" and record["county"] == "秀洲区" and record["city"] == "嘉兴市"
    assert record["span"] == [3, 8] and record["period_start"] == "2019-01-25"


def test_no_context_still_finds_figures_without_region_or_period() -> None:
    figures = extract_figures("为1859人发放困难残疾人生活补贴。")
    assert [(f.value, f.region, f.period) for f in figures] == [(1859.0, None, None)]
