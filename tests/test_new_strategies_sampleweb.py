"""Each new list strategy against its sample-web emulation, over real HTTP on 127.0.0.1.

Lists are fetched with urllib and fed to the strategy, following its next pages until it stops (repeated
URLs skipped, as Scrapy's duplicate filter does); every article of the site must be discovered exactly once.
"""

from __future__ import annotations

import urllib.request
from collections import Counter
from collections.abc import Iterator

import pytest

from crawler.sites import Site, parse_site
from sampleweb import RunningSampleWeb, SampleWeb, site_definitions, start
from spiders.strategies import STRATEGIES, ListPage, ListRequest

ARTICLES = 40  # several list pages on every site
NEW_SITES = ("sample-jpaas", "sample-jsonapi", "sample-iframe")


@pytest.fixture(scope="module")
def running() -> Iterator[RunningSampleWeb]:
    with start(SampleWeb(seed=2026, articles_per_site=ARTICLES)) as served:
        yield served


def registry_site(running: RunningSampleWeb, key: str) -> Site:
    (definition,) = [d for d in site_definitions(running.base_urls) if d["key"] == key]
    return parse_site(definition, "sample web")


def fetch(request: ListRequest) -> ListPage:
    data = request.body.encode() if request.body is not None else None
    http = urllib.request.Request(
        request.url, data=data, method=request.method, headers=dict(request.headers)
    )
    with urllib.request.urlopen(http, timeout=5) as response:
        charset = response.headers.get_content_charset() or "utf-8"
        return ListPage(response.url, response.read().decode(charset), request.state)


def walk(site: Site) -> tuple[list[str], list[str]]:
    """(every article URL discovered, in order with repeats; every list URL fetched)."""
    strategy = STRATEGIES[site.list_strategy]
    queue = list(strategy.first_requests(site))
    fetched: list[str] = []
    articles: list[str] = []
    while queue:
        request = queue.pop(0)
        if request.url in fetched:
            continue
        fetched.append(request.url)
        listing = strategy.parse(site, fetch(request))
        articles += listing.article_urls
        queue += listing.next_pages
    return articles, fetched


def truth_urls(running: RunningSampleWeb, key: str) -> set[str]:
    base = running.base_urls[key]
    return {base + r.path for r in running.web.truth() if r.site == key and r.kind == "article"}


@pytest.mark.parametrize("key", NEW_SITES)
def test_every_article_is_discovered_exactly_once(running: RunningSampleWeb, key: str) -> None:
    site = registry_site(running, key)
    assert site.list_strategy in ("hanweb_jpaas", "json_api", "iframe_shell")
    articles, _ = walk(site)
    repeated = [url for url, count in Counter(articles).items() if count > 1]
    assert not repeated, repeated[:3]
    assert set(articles) == truth_urls(running, key)


def test_jpaas_reads_ids_from_the_page_and_pages_only_by_param_json(running: RunningSampleWeb) -> None:
    articles, fetched = walk(registry_site(running, "sample-jpaas"))
    assert fetched[0].endswith("/index.html")
    units = fetched[1:]
    assert all("paramJson=" in url and "webId=3365" in url for url in units)
    assert len(units) == -(-ARTICLES // 15) + 1, "one empty page past the last ends the list"
    layouts = {"/col/col" in url for url in articles}
    assert layouts == {True, False}, "the list mixes the JPaaS and the classic article layout"


def test_jsonapi_pages_sequentially_and_stops_at_the_short_page(running: RunningSampleWeb) -> None:
    _, fetched = walk(registry_site(running, "sample-jsonapi"))
    assert [url.split("?", 1)[1] for url in fetched] == ["pageNum=1&pageSize=20", "pageNum=2&pageSize=20"]


def test_iframe_follows_the_frame_and_never_leaks_into_other_columns(running: RunningSampleWeb) -> None:
    _, fetched = walk(registry_site(running, "sample-iframe"))
    paths = [url.split("/", 3)[3] for url in fetched]
    assert paths == ["xwzx/bmdt/index.html", *(f"xwzx/bmdt/list_{n}.html" for n in range(1, 4))]
    assert not running.counters.paths("sample-iframe").get("/xwzx/tzgg/list_2.html")
