"""Incremental nights: fetch what is new, not what the archive already holds.

- Article URLs already in the archive are not requested again, except recent articles inside the revisit
  window (`CANLIAN_REVISIT_DAYS`, at most once per `CANLIAN_REVISIT_INTERVAL_HOURS`), fetched to catch
  edits.
- A list page whose articles were all archived before the last walk of its list chain that reached its end
  (or are all older than `CANLIAN_SINCE`) ends the paging there: beyond it, that walk has already looked.
  Articles archived by an unfinished walk (a killed or interrupted crawl) do not stop paging: the next crawl
  walks on past them until it reaches what a finished walk covered, or the end of the list.
- List pages are fetched with conditional GET, with the validators a finished walk saved
  (crawler/middlewares/frontier.py); a 304 ends that list.
Each component reads what it needs from the archive once, when the spider opens; `CANLIAN_INCREMENTAL =
False` turns all of this off (a full re-crawl).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from typing import Any, Self

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, IgnoreRequest, NotConfigured
from scrapy.http import Response
from sqlalchemy.orm import Session

from crawler.archive_writer import ArchiveWriter
from crawler.extraction.dates import SHANGHAI, url_date
from crawler.request_kinds import ARTICLE, CHAIN, KIND, LIST
from storage.errors import ArchiveUnavailable
from storage.frontier import walk_completions
from storage.incremental import due_revisits, known_pages, list_validators
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
        return component

    def spider_opened(self, spider: Spider) -> None:
        # One read at open through the process's archive engine (created and upgraded once per process;
        # a WAL reader never waits for the writer).
        try:
            writer = ArchiveWriter.acquire(self.database_url)
        except ArchiveUnavailable as error:
            raise CloseSpider("archive_unavailable") from error
        try:
            with Session(writer.engine) as session:
                self.load(session, spider.name)
        finally:
            writer.release()

    def load(self, session: Session, site_key: str) -> None:
        raise NotImplementedError

    def inc(self, key: str, value: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, value)


class Seen(Enum):
    """What the archive knows of an article URL a list page shows."""

    NEW = "new"
    BEFORE_SINCE = "before_since"  # older than --since: not wanted, and a reason to stop paging
    COVERED = "covered"  # archived before the list chain's last finished walk
    UNCOVERED = "uncovered"  # archived, but by a walk that did not finish: look further


class IncrementalFilter(_ArchiveReader):
    """Spider middleware: drops discovered requests for known articles, stops paging at a list page that
    a finished walk already covered, and adds the revisits due to the start requests."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        self.revisit_window = timedelta(days=settings.getfloat("CANLIAN_REVISIT_DAYS", 14))
        self.revisit_interval = timedelta(hours=settings.getfloat("CANLIAN_REVISIT_INTERVAL_HOURS", 20))
        self.since = parse_since(settings.get("CANLIAN_SINCE"))
        self.known: dict[str, datetime] = {}
        self.walks: dict[str, datetime] = {}  # chain -> when a walk of it last reached its end
        self.revisits: list[str] = []

    def load(self, session: Session, site_key: str) -> None:
        now = datetime.now(UTC)
        self.known = known_pages(session, site_key)
        self.walks = walk_completions(session, site_key)
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
        yield from self._filter(list(result), response.meta.get(CHAIN))

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        for item in self._filter([item async for item in result], response.meta.get(CHAIN)):
            yield item

    def _filter(self, output: list[Any], chain: str | None) -> list[Any]:
        """The callback's output without known articles, and without further list pages when a finished
        walk of this chain already looked beyond this page."""
        articles = [r for r in output if isinstance(r, Request) and r.meta.get(KIND) == ARTICLE]
        finished = self.walks.get(chain) if chain else None
        seen = {id(r): self._seen(r, finished) for r in articles}
        stop_paging = bool(articles) and all(v in (Seen.COVERED, Seen.BEFORE_SINCE) for v in seen.values())
        if stop_paging:
            self.inc("incremental/paging_stopped")
        elif articles and Seen.NEW not in seen.values():
            self.inc("incremental/paging_past_unfinished_walk")
        kept = []
        for item in output:
            kind = item.meta.get(KIND) if isinstance(item, Request) else None
            if (kind == ARTICLE and seen[id(item)] is not Seen.NEW) or (kind == LIST and stop_paging):
                continue
            kept.append(item)
        return kept

    def _seen(self, request: Request, finished: datetime | None) -> Seen:
        archived = self.known.get(url_key(request.url))
        if archived is not None:
            self.inc("incremental/skipped_known")
            return Seen.COVERED if finished is not None and archived <= finished else Seen.UNCOVERED
        if self.since is not None:
            found = url_date(request.url)
            if found is not None and found.value.astimezone(SHANGHAI).date() < self.since:
                self.inc("incremental/skipped_before_since")
                return Seen.BEFORE_SINCE
        return Seen.NEW


class ConditionalGet(_ArchiveReader):
    """Downloader middleware: If-None-Match / If-Modified-Since on list pages; a 304 ends that list.

    The validators are those a finished walk saved (the frontier writes them when a walk reaches its end):
    a 304 then means the page holds nothing that walk did not see. An unfinished walk saves none.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.validators: dict[str, tuple[str | None, str | None]] = {}

    def load(self, session: Session, site_key: str) -> None:
        self.validators = list_validators(session, site_key)

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
        return response


def header_text(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
