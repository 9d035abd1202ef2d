"""Every list strategy on saved list pages: pure functions, no network, no Scrapy."""

from __future__ import annotations

import itertools
from typing import Any
from urllib.parse import parse_qs, urlsplit

from conftest import FIXTURES

from crawler.sites import Site, parse_site
from spiders.strategies import STRATEGIES, ListPage

LISTINGS = FIXTURES / "listings"


def make_site(**fields: Any) -> Site:
    entry: dict[str, Any] = {
        "key": "test-site",
        "name": "t",
        "level": "county",
        "start_urls": ["http://127.0.0.1:9/"],
    }
    entry.update(fields)
    return parse_site(entry, "test")


def page(name: str, url: str, **state: Any) -> ListPage:
    return ListPage(url, (LISTINGS / name).read_text(encoding="utf-8"), state or {"page": 0})


def test_hanweb_first_page_unwraps_cdata_then_walks_dataproxy_windows_in_order() -> None:
    site = make_site(
        list_strategy="hanweb_datastore",
        article_patterns=[r"^http://127\.0\.0\.1:9/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$"],
    )
    strategy = STRATEGIES["hanweb_datastore"]
    listing = strategy.parse(
        site, page("hanweb_column.html", "http://127.0.0.1:9/col/col1229410724/index.html")
    )
    assert listing.article_urls == (
        "http://127.0.0.1:9/art/2019/1/25/art_1229410724_41234.html",
        "http://127.0.0.1:9/art/2019/1/24/art_1229410724_41200.html",
        "http://127.0.0.1:9/art/2019/1/3/art_1229410724_41001.html",
    ), "nav links and off-site links are not articles; the CDATA records are"
    windows = []
    request = listing.next_pages[0]
    while True:
        assert urlsplit(request.url).path == "/module/web/jpage/dataproxy.jsp"
        query = parse_qs(urlsplit(request.url).query)
        assert query["columnid"] == ["1229410724"] and query["unitid"] == ["7650715"] and "page" not in query
        windows.append((int(query["startrecord"][0]), int(query["endrecord"][0])))
        proxy_page = ListPage(
            request.url, (LISTINGS / "hanweb_dataproxy.xml").read_text(encoding="utf-8"), request.state
        )
        following = strategy.parse(site, proxy_page).next_pages
        if not following:
            break
        request = following[0]
    assert windows[0][0] == 4, "the column page itself held records 1-3"
    assert windows[-1][1] >= 250, "every record up to <totalrecord> is asked for"
    assert all(b[0] == a[1] + 1 for a, b in itertools.pairwise(windows))


def test_hanweb_dataproxy_page_yields_records_only() -> None:
    site = make_site(list_strategy="hanweb_datastore", article_patterns=[r"/art_\d+_\d+\.html$"])
    proxy_url = "http://127.0.0.1:9/module/web/jpage/dataproxy.jsp?startrecord=4&endrecord=123"
    listing = STRATEGIES["hanweb_datastore"].parse(site, page("hanweb_dataproxy.xml", proxy_url, page=1))
    assert len(listing.article_urls) == 2 and not listing.next_pages


def test_trs_index_reads_page_count_and_resolves_relative_links() -> None:
    site = make_site(
        list_strategy="trs_index", article_patterns=[r"^http://127\.0\.0\.1:9/jsyw/\d{6}/t\d{8}_\d+\.shtml$"]
    )
    strategy = STRATEGIES["trs_index"]
    listing = strategy.parse(site, page("trs_index.shtml", "http://127.0.0.1:9/jsyw/index.shtml"))
    assert listing.article_urls == (
        "http://127.0.0.1:9/jsyw/202106/t20210621_7112345.shtml",
        "http://127.0.0.1:9/jsyw/202106/t20210620_7112001.shtml",
    )
    assert [r.url for r in listing.next_pages] == ["http://127.0.0.1:9/jsyw/index_1.shtml"]
    last = strategy.parse(site, page("trs_index.shtml", "http://127.0.0.1:9/jsyw/index_6.shtml", page=6))
    assert last.next_pages == (), "createPageHTML says 7 pages: index_6 is the last"


def test_trs_index_respects_max_list_pages() -> None:
    site = make_site(list_strategy="trs_index", article_patterns=[r"t\d{8}_\d+\.shtml$"], max_list_pages=3)
    strategy = STRATEGIES["trs_index"]
    second = strategy.parse(site, page("trs_index.shtml", "http://127.0.0.1:9/jsyw/index_1.shtml", page=1))
    assert [r.url for r in second.next_pages] == ["http://127.0.0.1:9/jsyw/index_2.shtml"]
    third = strategy.parse(site, page("trs_index.shtml", "http://127.0.0.1:9/jsyw/index_2.shtml", page=2))
    assert third.next_pages == ()


def test_cdpf_index_pages_until_an_empty_page() -> None:
    site = make_site(
        list_strategy="cdpf_index", article_patterns=[r"/xwzx/clyw2/[0-9a-f]{32}(?:_mobile)?\.htm$"]
    )
    strategy = STRATEGIES["cdpf_index"]
    first = strategy.parse(site, page("cdpf_index.htm", "http://127.0.0.1:9/xwzx/clyw2/index.htm"))
    assert len(first.article_urls) == 3
    assert [r.url for r in first.next_pages] == ["http://127.0.0.1:9/xwzx/clyw2/index1.htm"]
    second = strategy.parse(site, page("cdpf_index.htm", "http://127.0.0.1:9/xwzx/clyw2/index1.htm", page=1))
    assert [r.url for r in second.next_pages] == ["http://127.0.0.1:9/xwzx/clyw2/index2.htm"]
    empty = strategy.parse(site, page("cdpf_empty.htm", "http://127.0.0.1:9/xwzx/clyw2/index2.htm", page=2))
    assert empty.article_urls == () and empty.next_pages == ()


def test_html_links_follows_next_link_and_list_patterns_not_chrome() -> None:
    site = make_site(
        list_strategy="html_links",
        article_patterns=[r"^http://127\.0\.0\.1:9/news/\d{4}-\d{2}/\d{2}/content_\d+\.htm$"],
        list_patterns=[r"^http://127\.0\.0\.1:9/news/list_\d+\.html$"],
    )
    listing = STRATEGIES["html_links"].parse(
        site, page("citynews_list.html", "http://127.0.0.1:9/news/list_2.html")
    )
    assert len(listing.article_urls) == 2
    following = {r.url for r in listing.next_pages}
    assert following == {f"http://127.0.0.1:9/news/list_{n}.html" for n in (1, 3, 9)}
    assert all(r.state["page"] == 1 for r in listing.next_pages)


def test_sitemap_and_sitemap_index() -> None:
    site = make_site(list_strategy="sitemap", article_patterns=[r"/xwzx/clyw2/[0-9a-f]{32}\.htm$"])
    urlset = STRATEGIES["sitemap"].parse(site, page("sitemap.xml", "http://127.0.0.1:9/sitemap.xml"))
    assert urlset.article_urls == ("http://127.0.0.1:9/xwzx/clyw2/5536a8ea0c8b4b2c9d1e2f3a4b5c6d7e.htm",)
    index = STRATEGIES["sitemap"].parse(site, page("sitemap_index.xml", "http://127.0.0.1:9/sitemap.xml"))
    assert [r.url for r in index.next_pages] == ["http://127.0.0.1:9/sitemap-2026.xml"]


def test_rss_feed_links_filtered_by_article_patterns() -> None:
    site = make_site(list_strategy="rss", article_patterns=[r"/jsyw/\d{6}/t\d{8}_\d+\.shtml$"])
    listing = STRATEGIES["rss"].parse(site, page("rss.xml", "http://127.0.0.1:9/rss.xml"))
    assert listing.article_urls == ("http://127.0.0.1:9/jsyw/202106/t20210620_7112001.shtml",)


def test_broken_input_gives_empty_listing_not_an_exception() -> None:
    site = make_site(list_strategy="html_links", article_patterns=[r"x"])
    for name in STRATEGIES:
        assert (
            STRATEGIES[name]
            .parse(site, ListPage("http://127.0.0.1:9/", "\x00<<<not html", {"page": 0}))
            .article_urls
            == ()
        )
