"""Prose runs and link lists, the fallback when no container matches and trafilatura's choice is doubtful."""

from __future__ import annotations

from crawler.extraction.density import is_prose, looks_like_list, prose_run
from crawler.extraction.render import Block

PROSE = "2月9日，扬州市残联召开2023年度理事会，审议通过市残联2022年工作报告和2023年工作要点。"


def _link(text: str) -> Block:
    return Block(text=f"{text} 2023-02-09", linked=len(text))


def test_prose_and_links() -> None:
    assert is_prose(Block(text=PROSE))
    assert not is_prose(_link("扬州市残联召开2023年度理事会审议通过工作报告"))
    assert not is_prose(Block(text="网站首页"))


def test_list_of_headlines_is_a_list() -> None:
    assert looks_like_list([_link(f"第{i}次残疾人工作推进会召开") for i in range(10)])


def test_article_with_a_related_list_is_not_a_list() -> None:
    blocks = [Block(text=PROSE)] * 3 + [_link(f"相关标题{i}号文章") for i in range(6)]
    assert not looks_like_list(blocks)


def test_prose_run_takes_the_article_and_keeps_short_headings_inside() -> None:
    sidebar = [_link(f"第{i}次残疾人工作推进会召开") for i in range(40)]
    article = [Block(text=PROSE), Block(text="一、就业帮扶"), Block(text=PROSE + "二")]
    footer = [Block(text="版权所有"), Block(text="苏ICP备10200000号")]
    assert prose_run([*sidebar, Block(text="标题"), *article, *footer]) == article


def test_no_prose_no_run() -> None:
    assert prose_run([_link("一条链接标题很长很长") for _ in range(5)]) == []
