"""Incremental nights over the sample web: the second night fetches no article again, stores nothing new,
and an edited article is picked up by the revisit window as a new version."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import scrapy
from crawling import crawl
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawler.middlewares.incremental import IncrementalFilter, parse_since
from crawler.sites import parse_site
from crawler.spiderloader import spider_class_for
from sampleweb import SampleWeb, site_definitions, start, write_sites_toml
from storage.engine import create_archive_engine
from storage.models import Article, ArticleVersion, Fetch
from storage.urls import url_key


def counts(database_url: str) -> tuple[int, int, int]:
    engine = create_archive_engine(database_url)
    with Session(engine) as session:
        result = tuple(
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Article, Fetch, ArticleVersion)
        )
    engine.dispose()
    return result  # type: ignore[return-value]


@pytest.mark.e2e
def test_second_night_fetches_only_list_pages_and_revisits_catch_edits(
    sqlite_url: str, tmp_path: Path
) -> None:
    web = SampleWeb(seed=11, articles_per_site=25)  # 2 list pages per site
    with start(web) as running:
        sites_file = tmp_path / "sites.toml"
        write_sites_toml(site_definitions(running.base_urls), sites_file)
        keys = [site.key for site in web.sites]
        assert crawl(sqlite_url, sites_file, keys, tmp_path / "1.log").returncode == 0
        first = counts(sqlite_url)
        first_lists = running.counters.total("list")

        running.counters.reset()
        second = crawl(sqlite_url, sites_file, keys, tmp_path / "2.log")
        assert second.returncode == 0, second.stderr
        assert running.counters.total("article") == 0, "no article page fetched again"
        # Each list's first page; the JPaaS and iframe shells show no articles, so they are fetched plainly
        # (a 304 on a shell says nothing of the list behind it) and lead to that first page.
        shells = 2
        assert running.counters.total("list") <= len(keys) + shells < first_lists, "only each first page"
        assert counts(sqlite_url) == first, "nothing new stored"
        log = (tmp_path / "2.log").read_text()
        assert "incremental/list_not_modified" in log, "the lists answered 304 to conditional GET"

        edited = next(r for r in web.truth() if r.site == "sample-cdpf" and r.kind == "article")
        index = next(i for i in range(25) if web.entry("sample-cdpf", i).path == edited.path)
        web.edit("sample-cdpf", index, "更正：文中受益人数应为1860人。")
        running.counters.reset()
        revisit = ["CANLIAN_REVISIT_DAYS=100000", "CANLIAN_REVISIT_INTERVAL_HOURS=0"]
        third = crawl(sqlite_url, sites_file, keys, tmp_path / "3.log", extra=revisit)
        assert third.returncode == 0, third.stderr
        assert running.counters.total("article") == first[0], "every archived article revisited once"

    articles, fetches, versions = counts(sqlite_url)
    assert articles == first[0], "a revisit is not a new article"
    assert versions == first[2] + 1, "the edited article gained exactly one version"
    assert fetches == first[1] + first[0]
    engine = create_archive_engine(sqlite_url)
    with Session(engine) as session:
        article = session.scalars(select(Article).where(Article.body.contains("更正：文中受益人数"))).one()
        assert len(article.versions) == 2
        assert "更正" not in article.versions[0].body
    engine.dispose()


WALKED = datetime(2026, 11, 1, tzinfo=UTC)  # when the test list's last walk reached its end
BEFORE, AFTER = WALKED - timedelta(days=1), WALKED + timedelta(hours=1)
CHAIN_KEY = url_key("http://127.0.0.1:9/jsyw/index.shtml")


def build_filter(known: dict[str, datetime], since: str = "", walked: bool = True) -> IncrementalFilter:
    site = parse_site(
        {
            "key": "inc-test",
            "name": "t",
            "level": "news",
            "start_urls": ["http://127.0.0.1:9/jsyw/index.shtml"],
            "article_patterns": [r"\.shtml$"],
            "list_strategy": "trs_index",
        },
        "test",
    )
    cls = spider_class_for(site)
    crawler = get_crawler(cls, {"CANLIAN_SINCE": since, "CANLIAN_DATABASE_URL": "sqlite://"})
    crawler.spider = cls.from_crawler(crawler)
    middleware = IncrementalFilter(crawler)
    middleware.known = known
    middleware.walks = {CHAIN_KEY: WALKED} if walked else {}
    return middleware


def listing(*urls: str) -> tuple[HtmlResponse, list[Any]]:
    meta = {"canlian_kind": "list", "canlian_chain": CHAIN_KEY}
    request = scrapy.Request("http://127.0.0.1:9/jsyw/index.shtml", meta=meta)
    response = HtmlResponse(request.url, body=b"<html></html>", request=request)
    articles = [scrapy.Request(u, meta={"canlian_kind": "article"}) for u in urls]
    following = scrapy.Request("http://127.0.0.1:9/jsyw/index_1.shtml", meta={"canlian_kind": "list"})
    return response, [*articles, following]


OLD = "http://127.0.0.1:9/jsyw/201801/t20180105_1.shtml"
NEW = "http://127.0.0.1:9/jsyw/202611/t20261120_2.shtml"


def test_known_articles_dropped_and_paging_stops_where_a_finished_walk_looked() -> None:
    middleware = build_filter({url_key(OLD): BEFORE, url_key(NEW): BEFORE})
    response, output = listing(OLD, NEW)
    assert list(middleware.process_spider_output(response, output)) == []
    assert middleware.crawler.stats.get_value("incremental/paging_stopped") == 1


@pytest.mark.parametrize(
    ("archived", "walked"),
    [(AFTER, True), (BEFORE, False)],
    ids=["archived-after-the-last-finished-walk", "no-walk-ever-finished"],
)
def test_articles_of_an_unfinished_walk_do_not_stop_paging(archived: datetime, walked: bool) -> None:
    """A killed first crawl archived these, but never saw what lies beyond: page on."""
    middleware = build_filter({url_key(OLD): archived, url_key(NEW): archived}, walked=walked)
    response, output = listing(OLD, NEW)
    kept = [r.url for r in middleware.process_spider_output(response, output)]
    assert kept == ["http://127.0.0.1:9/jsyw/index_1.shtml"], "known articles dropped, the next page kept"
    assert middleware.crawler.stats.get_value("incremental/paging_past_unfinished_walk") == 1


def test_new_article_keeps_paging_going() -> None:
    middleware = build_filter({url_key(OLD): BEFORE})
    response, output = listing(OLD, NEW)
    kept = [r.url for r in middleware.process_spider_output(response, output)]
    assert kept == [NEW, "http://127.0.0.1:9/jsyw/index_1.shtml"]


def test_since_limits_the_backfill_by_url_date() -> None:
    middleware = build_filter({}, since="2020-01-01")
    response, output = listing(OLD, NEW)
    kept = [r.url for r in middleware.process_spider_output(response, output)]
    assert kept == [NEW, "http://127.0.0.1:9/jsyw/index_1.shtml"]
    response, output = listing(OLD)
    assert list(middleware.process_spider_output(response, output)) == [], "all older than --since: stop"


def test_since_must_be_a_date() -> None:
    with pytest.raises(ValueError, match="CANLIAN_SINCE"):
        parse_since("last tuesday")
