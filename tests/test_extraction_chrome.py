"""The chrome profile: what goes, what stays, and what metadata lines carry."""

from __future__ import annotations

import pytest

from crawler.extraction.chrome import is_chrome_anywhere, strip_chrome

PARA = "全年为1859人发放困难残疾人生活补贴，为3295人发放重度残疾人护理补贴，两项补贴共计1064.62万元。"
PARA2 = "春节期间走访慰问困难残疾人家庭1393户，发放慰问金74.5万元；助残日期间走访198户。"


@pytest.mark.parametrize(
    "line",
    [
        "您当前的位置:秀洲首页 > 新闻中心 > 聚焦秀洲",
        "当前位置：首页 > 残联要闻",
        "您现在的位置：首页 » 新闻动态",
        "所在位置：首页",
        "分享到:",
        "扫一扫在手机打开当前页",
        "听新闻",
        "【字体：大 中 小】",
        "【打印本页】【关闭窗口】",
        "[打印] [关闭] [返回顶部]",
        "上一篇：淮安市召开残疾人工作推进会",
        "下一篇",
        "相关新闻",
        "秀洲区新闻网络信息中心 - copyright © 2009版权所有",
        "浙ICP备09103386号-1 浙新办[2009]24号",
        "网站标识码：3304110001",
        "举报电话:0573-82721592",
        "关于我们 | 广告服务 | 联系方式 | 法律声明",
        "请先登录后发表评论",
    ],
)
def test_chrome_lines(line: str) -> None:
    assert is_chrome_anywhere(line)


@pytest.mark.parametrize(
    "line",
    [
        "市民扫一扫就能查到产地，49家超市已接入追溯平台。",
        "主办单位：秀洲区残联",  # only chrome after the last paragraph
        "位置：区全民健身中心",
        "编辑部记者注意到，不少家庭已经用上了政府补贴的智能助行器。",
        PARA,
    ],
)
def test_not_chrome_anywhere(line: str) -> None:
    assert not is_chrome_anywhere(line)


def test_strip_keeps_body_and_harvests_metadata() -> None:
    lines = [
        "您当前的位置:秀洲首页 > 新闻中心",
        "用行动温暖2018 秀洲区残联工作亮点纷呈",
        "2019年1月25日 08:46 来源:嘉兴日报 撰文 陈 曦 冯 姚",
        "1",
        "听新闻",
        PARA,
        "亮点一:残疾人民生保障更完善",
        PARA2,
        "通讯员:李阳",
        "编辑:浦琼月",
        "标签:",
        "责编:浦琼月",
        "上一篇",
        "下一篇",
    ]
    result = strip_chrome(lines, "用行动温暖2018 秀洲区残联工作亮点纷呈")
    assert result.lines == [PARA, "亮点一:残疾人民生保障更完善", PARA2]
    assert [b.source for b in result.bylines if b.source] == ["嘉兴日报"]
    assert [name for b in result.bylines for name in b.editors] == ["浦琼月", "浦琼月"]
    assert [name for b in result.bylines for name in b.correspondents] == ["李阳"]


def test_related_list_after_end_marker_is_cut() -> None:
    lines = [
        PARA,
        PARA2,
        "相关新闻",
        "秀洲区残联召开年度工作会议",
        "全区残疾人运动会开幕",
        "主办单位：秀洲区人民政府",
    ]
    assert strip_chrome(lines).lines == [PARA, PARA2]


def test_end_marker_followed_by_real_paragraphs_only_drops_itself() -> None:
    lines = [PARA, "分享到：微信 微博", PARA2]
    assert strip_chrome(lines).lines == [PARA, PARA2]


def test_signature_date_and_notice_lines_stay() -> None:
    lines = [
        "各市、县（区）残联：",
        PARA,
        "时间：2019年5月17日上午9:00",
        PARA2,
        "宁夏残疾人联合会",
        "2022年12月20日",
    ]
    assert strip_chrome(lines).lines == lines


def test_leading_dateline_stays() -> None:
    lead = "中国江苏网讯 金湖县残联认真贯彻落实《残疾人保障法》，残疾人事业取得长足发展。"
    assert strip_chrome([lead, PARA]).lines == [lead, PARA]
