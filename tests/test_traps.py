"""The pagination-trap guard: a 下一页 chain that keeps showing the same articles is not followed for ever."""

from __future__ import annotations

from typing import Any

import scrapy
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.middlewares.traps import PaginationTrapGuard
from crawler.request_kinds import ARTICLE, CHAIN, KIND, LIST


def page(number: int, articles: list[str], chain: str = "//t/list") -> tuple[HtmlResponse, list[Any]]:
    url = f"http://t.test/list_{number}.html"
    request = scrapy.Request(url, meta={KIND: LIST, CHAIN: chain})
    response = HtmlResponse(url, body=b"<html></html>", request=request)
    output = [scrapy.Request(f"http://t.test/{a}.html", meta={KIND: ARTICLE}) for a in articles]
    output.append(scrapy.Request(f"http://t.test/list_{number + 1}.html", meta={KIND: LIST, CHAIN: chain}))
    return response, output


def follows(guard: PaginationTrapGuard, number: int, articles: list[str], chain: str = "//t/list") -> bool:
    response, output = page(number, articles, chain)
    kept = list(guard.process_spider_output(response, output))
    assert [r.url for r in kept if r.meta[KIND] == ARTICLE] == [r.url for r in output[:-1]], "articles kept"
    return any(r.meta[KIND] == LIST for r in kept)


def test_a_chain_serving_the_same_articles_stops_after_the_limit() -> None:
    crawler = get_crawler(settings_dict={"CANLIAN_LIST_PAGES_WITHOUT_NEW": 3})
    guard = PaginationTrapGuard.from_crawler(crawler)
    assert follows(guard, 1, ["a", "b"])
    assert follows(guard, 2, ["a", "b"]) and follows(guard, 3, ["b", "a"])  # two barren pages: go on
    assert not follows(guard, 4, ["a"]), "the third page in a row with nothing new ends the chain"
    assert crawler.stats.get_value("listing/stopped_no_new") == 1


def test_a_new_article_resets_the_count_and_chains_are_counted_apart() -> None:
    crawler = get_crawler(settings_dict={"CANLIAN_LIST_PAGES_WITHOUT_NEW": 2})
    guard = PaginationTrapGuard.from_crawler(crawler)
    assert follows(guard, 1, ["a"]) and follows(guard, 2, ["a"])
    assert follows(guard, 3, ["c"]), "a new article: the count starts again"
    assert follows(guard, 4, ["c"])
    assert follows(guard, 1, ["d"], chain="//t/other"), "another chain keeps its own count"
    assert not follows(guard, 5, ["c"])
