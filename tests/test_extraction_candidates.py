"""The ensemble's cheap candidates: the densest block, link lists at the body's edges, the title anchor."""

from __future__ import annotations

from crawler.extraction.anchor import after_title, starts_far_from, title_index
from crawler.extraction.body import trim_link_lists
from crawler.extraction.candidates import densest_block
from crawler.extraction.dom import parse_html
from crawler.extraction.render import Block, render_page

BASE = "http://www.example.gov.cn/news/1.html"
SHORT = (
    "3月28日，街道残联为辖区8户重度残疾人家庭送去了新的护理床和防褥疮垫，并叮嘱家属注意使用安全。"
    "此次发放的辅具由区残联统一采购，下一步街道还将组织志愿者定期上门回访。"
)


def _page(body: str) -> tuple[list[Block], list[object]]:
    tree = parse_html(f"<html><body>{body}</body></html>")
    assert tree is not None
    blocks, elements = render_page(tree.find("body"), BASE)
    return blocks, list(elements)


def test_a_short_article_beats_the_wrapper_with_comments_and_related_links() -> None:
    comments = "".join(
        f"<p>网友{i}：这件事办得好，为残疾人家庭解决了实际困难，值得点赞，希望继续坚持。</p>"
        for i in range(3)
    )
    related = "".join(f"<li><a href='/{i}'>街道残联开展第{i}期残疾人技能培训活动</a></li>" for i in range(8))
    blocks, elements = _page(
        f"<div id='content'><div class='detail'><p>{SHORT}</p></div>"
        f"<div class='comments'>{comments}</div><ul class='related'>{related}</ul></div>"
    )
    found = densest_block(blocks, elements)  # type: ignore[arg-type]
    assert found is not None and found.element.get("class") == "detail"
    assert [b.text for b in found.blocks] == [SHORT]


def test_the_article_block_keeps_its_subheadings_and_short_lines() -> None:
    blocks, elements = _page(f"<div class='a'><p>{SHORT}</p><p><b>以下为名单：</b></p><p>张三 李四</p></div>")
    found = densest_block(blocks, elements)  # type: ignore[arg-type]
    assert found is not None and [b.text for b in found.blocks] == [SHORT, "以下为名单：", "张三 李四"]


def test_link_lists_at_the_edges_of_a_body_go_but_a_lone_attachment_stays() -> None:
    blocks = [
        Block("热点新闻一则标题", linked=8),
        Block("热点新闻二则标题", linked=8),
        Block(SHORT),
        Block("附件：名单.pdf", linked=6),
        Block("相关新闻标题第一条", linked=9),
        Block("相关新闻标题第二条", linked=9),
    ]
    assert [b.text for b in trim_link_lists(blocks)] == [SHORT, "附件：名单.pdf"]


def test_lines_under_the_title_down_to_the_first_chrome_line() -> None:
    blocks = [
        Block(t)
        for t in ("当前位置：首页 > 公示", "名单公示", "发布时间：2024-06-11", "序号", "姓名", "分享到：")
    ]
    at = title_index(blocks, "名单公示")
    assert at == 1
    assert [b.text for b in after_title(blocks, at)] == ["序号", "姓名"]
    far = [Block(f"第{i}行") for i in range(20)]
    assert starts_far_from([far[15]], far, 1) and not starts_far_from([far[3]], far, 1)
