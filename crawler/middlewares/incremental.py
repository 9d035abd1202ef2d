"""Incremental nights: fetch what is new, not what the archive already holds.

- Article URLs already in the archive are not requested again, except recent articles inside the revisit
  window (`CANLIAN_REVISIT_DAYS`, at most once per `CANLIAN_REVISIT_INTERVAL_HOURS`), fetched to catch
  edits.
- A list page whose articles are all known (or all older than `CANLIAN_SINCE`) ends the paging there.
- List pages are fetched with conditional GET (ETag / Last-Modified from the last 200); a 304 ends that list.
Each component reads what it needs from the archive once, when the spider opens; `CANLIAN_INCREMENTAL =
False` turns all of this off (a full re-crawl).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any, Self

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from sqlalchemy.orm import Session

from crawler.archive_writer import ArchiveWriter
from crawler.extraction.dates import SHANGHAI, url_date
from crawler.request_kinds import ARTICLE, KIND, LIST
from storage.incremental import due_revisits, known_page_keys, list_validators, remember_list_page
from storage.urls import url_key


class ListNotModified(IgnoreRequest):
    pass


def parse_since(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError as error:
        raise ValueError(f"CANLIAN_SINCE must be a date such as 2018-01-01, not {value!r}") from error


class _ArchiveReader:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.database_url: str = crawler.settings.get("CANLIAN_DATABASE_URL")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("CANLIAN_INCREMENTAL", True):
            raise NotConfigured("CANLIAN_INCREMENTAL is off")
        component = cls(crawler)
        crawler.signals.connect(component.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(component.spider_closed, signal=signals.spider_closed)
        return component

    def spider_opened(self, spider: Spider) -> None:
        # One read at open through the process's archive engine (created and upgraded once per process;
        # a WAL reader never waits for the writer).
        writer = ArchiveWriter.acquire(self.database_url)
        try:
            with Session(writer.engine) as session:
                self.load(session, spider.name)
        finally:
            writer.release()

    async def spider_closed(self, spider: Spider) -> None:
        """Nothing to do by default; ConditionalGet writes what it learnt."""

    def load(self, session: Session, site_key: str) -> None:
        raise NotImplementedError

    def inc(self, key: str, value: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, value)


class IncrementalFilter(_ArchiveReader):
    """Spider middleware: drops discovered requests for known articles, stops paging at a list page with
    nothing new, and adds the revisits due to the start requests."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        self.revisit_window = timedelta(days=settings.getfloat("CANLIAN_REVISIT_DAYS", 14))
        self.revisit_interval = timedelta(hours=settings.getfloat("CANLIAN_REVISIT_INTERVAL_HOURS", 20))
        self.since = parse_since(settings.get("CANLIAN_SINCE"))
        self.known: set[str] = set()
        self.revisits: list[str] = []

    def load(self, session: Session, site_key: str) -> None:
        now = datetime.now(UTC)
        self.known = known_page_keys(session, site_key)
        due = due_revisits(session, site_key, now, self.revisit_window, self.revisit_interval)
        self.revisits = [r.url for r in due]
        self.inc("incremental/known_pages", len(self.known))

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for request in start:
            yield request
        spider = self.crawler.spider
        for url in self.revisits:
            self.inc("incremental/revisits")
            yield spider.article_request(url, revisit=True)  # type: ignore[union-attr]

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        yield from self._filter(list(result))

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        for item in self._filter([item async for item in result]):
            yield item

    def _filter(self, output: list[Any]) -> list[Any]:
        """The callback's output without known articles, and without further list pages when nothing on
        this one was new."""
        articles = [r for r in output if isinstance(r, Request) and r.meta.get(KIND) == ARTICLE]
        fresh = {id(r) for r in articles if self._wanted(r)}
        stop_paging = bool(articles) and not fresh
        if stop_paging:
            self.inc("incremental/paging_stopped")
        kept = []
        for item in output:
            kind = item.meta.get(KIND) if isinstance(item, Request) else None
            if (kind == "article" and id(item) not in fresh) or (kind == "list" and stop_paging):
                continue
            kept.append(item)
        return kept

    def _wanted(self, request: Request) -> bool:
        if url_key(request.url) in self.known:
            self.inc("incremental/skipped_known")
            return False
        if self.since is not None:
            found = url_date(request.url)
            if found is not None and found.value.astimezone(SHANGHAI).date() < self.since:
                self.inc("incremental/skipped_before_since")
                return False
        return True


class ConditionalGet(_ArchiveReader):
    """Downloader middleware: If-None-Match / If-Modified-Since on list pages; a 304 ends that list.

    New validators are kept in memory and written once, when the spider closes: a write per list page on
    the reactor thread would wait for the archive writer's lock and stall every download meanwhile. A
    crawl killed before then only loses validators, and the next crawl makes plain GETs.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.site_key = ""
        self.validators: dict[str, tuple[str | None, str | None]] = {}
        self.seen: dict[str, tuple[str | None, str | None]] = {}  # url -> validators of this crawl

    def load(self, session: Session, site_key: str) -> None:
        self.site_key = site_key
        self.validators = list_validators(session, site_key)

    async def spider_closed(self, spider: Spider) -> None:
        if not self.seen:
            return
        now, site_key, seen = datetime.now(UTC), self.site_key, self.seen

        def remember_all(session: Session) -> None:
            for url, (etag, modified) in seen.items():
                remember_list_page(session, site_key, url, etag, modified, now)

        writer = ArchiveWriter.acquire(self.database_url)
        try:
            await writer.run(remember_all)
        finally:
            writer.release()

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if request.meta.get(KIND) != LIST:
            return
        etag, modified = self.validators.get(url_key(request.url), (None, None))
        if etag:
            request.headers.setdefault("If-None-Match", etag)
        if modified:
            request.headers.setdefault("If-Modified-Since", modified)

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        if request.meta.get(KIND) != LIST:
            return response
        if response.status == 304:
            self.inc("incremental/list_not_modified")
            raise ListNotModified(f"{request.url} unchanged since the last crawl")
        etag, modified = _header(response, "ETag"), _header(response, "Last-Modified")
        if response.status == 200 and (etag or modified):
            self.seen[response.url] = (etag, modified)
        return response


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
