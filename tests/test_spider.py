"""Spider callbacks on responses built from saved files (no network)."""

from __future__ import annotations

from typing import Any

import scrapy
from conftest import FIXTURES
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from crawler.items import PageItem
from crawler.sites import parse_site
from crawler.spiderloader import spider_class_for
from spiders.site import SiteSpider

BASE = "http://127.0.0.1:9"


def build_spider(**fields: Any) -> SiteSpider:
    entry: dict[str, Any] = {
        "key": "sample-county",
        "name": "county",
        "level": "county",
        "province": "浙江省",
    }
    entry.update(fields)
    cls = spider_class_for(parse_site(entry, "test"))
    crawler = get_crawler(cls)
    spider = cls.from_crawler(crawler)
    crawler.spider = spider
    return spider


def response_from_file(name: str, url: str, state: dict[str, Any] | None = None, **kwargs: Any) -> Response:
    request = scrapy.Request(url, meta={"list_state": state or {"page": 0}})
    body = (FIXTURES / "listings" / name).read_bytes()
    return HtmlResponse(url=url, body=body, request=request, **kwargs)


def test_spider_class_carries_site_and_politeness() -> None:
    spider = build_spider(
        start_urls=[f"{BASE}/col/col1/index.html"],
        article_patterns=[r"/art_\d+_\d+\.html$"],
        list_strategy="hanweb_datastore",
        politeness={"download_delay": 5, "concurrent_requests_per_domain": 1},
    )
    assert spider.name == "sample-county"
    assert spider.custom_settings == {"DOWNLOAD_DELAY": 5.0, "CONCURRENT_REQUESTS_PER_DOMAIN": 1}


def test_parse_listing_yields_articles_then_list_pages() -> None:
    spider = build_spider(
        start_urls=[f"{BASE}/col/col1229410724/index.html"],
        article_patterns=[r"^http://127\.0\.0\.1:9/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$"],
        list_strategy="hanweb_datastore",
    )
    response = response_from_file(
        "hanweb_column.html", f"{BASE}/col/col1229410724/index.html", encoding="utf-8"
    )
    requests = list(spider.parse_listing(response))
    articles = [r for r in requests if r.callback == spider.parse_article_page]
    lists = [r for r in requests if r.callback == spider.parse_listing]
    assert len(articles) == 3 and len(lists) == 1
    assert "dataproxy.jsp" in lists[0].url and lists[0].meta["list_state"]["page"] == 1


def test_parse_listing_counts_empty_and_non_text_pages() -> None:
    spider = build_spider(
        start_urls=[f"{BASE}/xwzx/clyw2/index.htm"],
        article_patterns=[r"[0-9a-f]{32}\.htm$"],
        list_strategy="cdpf_index",
    )
    empty = response_from_file(
        "cdpf_empty.htm", f"{BASE}/xwzx/clyw2/index9.htm", {"page": 9}, encoding="utf-8"
    )
    assert list(spider.parse_listing(empty)) == []
    binary = Response(f"{BASE}/xwzx/clyw2/index.htm", body=b"%PDF-1.4", request=scrapy.Request(f"{BASE}/x"))
    assert list(spider.parse_listing(binary)) == []
    stats = spider.crawler.stats
    assert stats is not None
    assert stats.get_value("listing/empty") == 1 and stats.get_value("listing/not_text") == 1


def test_article_page_becomes_raw_page_item() -> None:
    spider = build_spider(
        start_urls=[f"{BASE}/col/col1/index.html"],
        article_patterns=[r"/art_"],
        list_strategy="hanweb_datastore",
    )
    raw = "<html><meta charset=gb2312><title>残联</title></html>".encode("gb18030")
    url = f"{BASE}/art/2019/1/25/art_1_2.html"
    response = HtmlResponse(url, body=raw, headers={"Content-Type": "text/html"}, request=scrapy.Request(url))
    (item,) = list(spider.parse_article_page(response))
    assert isinstance(item, PageItem)
    assert item.body == raw, "raw bytes are kept as fetched, never re-encoded"
    assert item.headers["Content-Type"] == "text/html"
    assert item.site_key == "sample-county" and item.fetched_at.tzinfo is not None
