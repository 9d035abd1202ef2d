"""Rendering blocks, captions next to images, and attachment links."""

from __future__ import annotations

from crawler.extraction.dom import parse_html, read_meta
from crawler.extraction.media import find_attachments, split_images
from crawler.extraction.render import render_blocks

BASE = "http://www.example.gov.cn/col/a/202106/t20210621_1.html"


def _tree(body: str):  # type: ignore[no-untyped-def]
    tree = parse_html(f"<html><head><title>t</title></head><body>{body}</body></html>")
    assert tree is not None
    return tree


def test_br_and_divs_make_lines_and_inline_tags_do_not() -> None:
    tree = _tree(
        "<div>第一段<b>加粗</b>文字<br>第二段<div>第三段</div><span>第</span><span>四段</span></div>"
    )
    assert [b.text for b in render_blocks(tree, BASE)] == ["第一段加粗文字", "第二段", "第三段", "第四段"]


def test_scripts_hidden_and_styles_are_skipped() -> None:
    tree = _tree(
        "<div>正文<script>var a=1</script><p style='display:none'>隐藏</p><style>p{}</style>结尾</div>"
    )
    assert [b.text for b in render_blocks(tree, BASE)] == ["正文结尾"]


def test_layout_cells_break_lines_data_cells_do_not() -> None:
    tree = _tree(
        "<table><tr><td><p>左栏</p></td><td><p>正文</p></td></tr><tr><td>姓名</td><td>人数</td></tr></table>"
    )
    assert [b.text for b in render_blocks(tree, BASE)] == ["左栏", "正文", "姓名 人数"]


def test_captions_leave_the_body() -> None:
    tree = _tree(
        "<p>正文一。</p><p align='center'><img src='a.jpg'></p><p align='center'>图为活动现场</p>"
        "<p><img src='b.jpg'><br>同段说明</p>"
        "<div class='pic'><img src='c.jpg'><p class='caption'>分类说明</p></div>"
        "<p><img src='d.jpg'></p><p>正文二，不是说明。</p><p><img src='/img/icon_pdf.gif'></p>"
        "<p><img src='/images/online_class.jpg'></p>"
    )
    lines, images = split_images(render_blocks(tree, BASE))
    assert lines == ["正文一。", "正文二，不是说明。"]
    assert [(i.src.rsplit("/", 1)[1], i.caption) for i in images] == [
        ("a.jpg", "图为活动现场"),
        ("b.jpg", "同段说明"),
        ("c.jpg", "分类说明"),
        ("d.jpg", ""),
        ("online_class.jpg", ""),
    ]


def test_bold_heading_after_image_is_not_a_caption() -> None:
    tree = _tree(
        "<p align='center'><img src='a.jpg'></p><p align='center'><strong>亮点二：康复服务</strong></p>"
    )
    lines, images = split_images(render_blocks(tree, BASE))
    assert lines == ["亮点二：康复服务"]
    assert images[0].caption == ""


def test_attachments_in_container_and_in_fujian_block() -> None:
    tree = _tree(
        "<div id='zoom'><p><a href='./P1.pdf'>名单.pdf</a></p><p><a href='/other.html'>链接</a></p></div>"
        "<div class='fj'>附件：<a href='P2.xlsx'>汇总表</a></div>"
        "<div class='footer'><a href='/privacy.pdf'>隐私政策</a></div>"
    )
    container = tree.xpath("//*[@id='zoom']")[0]
    found = [(a.name, a.url.rsplit("/", 1)[1]) for a in find_attachments(container, tree, BASE)]
    assert found == [("名单.pdf", "P1.pdf"), ("汇总表", "P2.xlsx")]


def test_meta_values_are_read_case_insensitively() -> None:
    html = (
        '<html><head><META NAME="PubDate" CONTENT="2021-06-21">'
        '<meta content="中国残联" name="ContentSource"></head></html>'
    )
    tree = parse_html(html)
    assert tree is not None
    meta = read_meta(tree, html)
    assert (meta["pubdate"], meta["contentsource"]) == ("2021-06-21", "中国残联")


def test_content_hidden_until_a_script_runs_is_kept_a_hidden_menu_is_not() -> None:
    article = "区残联举办残疾人电商直播技能培训班，来自全区各街道的学员参加培训。" * 8
    tree = _tree(
        f"<div style='visibility: hidden;'><p>{article}</p></div>"
        "<div style='display:none'><a href='/1'>首页</a><a href='/2'>新闻</a></div>"
    )
    assert [b.text for b in render_blocks(tree, BASE)] == [article]
