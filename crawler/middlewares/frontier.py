"""The crawl frontier: nothing a list showed is lost to a kill, a full disk or a flaky server.

A spider middleware that keeps the archive's record of the site's crawl (storage.frontier) as the crawl goes:
- every article URL that leaves a list page (after the incremental filter) is written to the frontier as
  pending; the archive removes it in the transaction that stores the page, so whatever a killed crawl did
  not archive is still there;
- a download that fails for good (after retries), an HTTP error status or a refusal counts an attempt
  against its URL; the next crawl of the site requests every pending URL first (`frontier/resumed`), up to
  `CANLIAN_FRONTIER_MAX_ATTEMPTS` attempts;
- a list chain (a start URL and the pages it leads to) whose every list page was fetched (or answered 304)
  is recorded as walked to its end, with the validators of its list pages that showed articles, but only
  when the crawl closes as "finished". The incremental filter stops paging early only at articles archived
  before a chain's last finished walk, and conditional GET uses only validators a finished walk saved: an
  interrupted walk is simply walked again.
With `--dry-run` the frontier is read (pending URLs are listed) but nothing is written.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any, Self

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider
from scrapy.http import Response
from sqlalchemy.orm import Session
from twisted.python.failure import Failure

from crawler.archive_writer import ArchiveWriter
from crawler.middlewares.dry_run import WouldFetch
from crawler.middlewares.incremental import ListNotModified, header_text
from crawler.refusals import describe
from crawler.request_kinds import ARTICLE, CHAIN, GUESSED, KIND, LIST, LIST_ARTICLES, request_failed
from storage.errors import ArchiveUnavailable
from storage.frontier import (
    MAX_ATTEMPTS,
    add_pending,
    complete_walks,
    frontier_counts,
    pending_urls,
    record_failure,
)
from storage.transactions import WriteFailed

logger = logging.getLogger(__name__)
Validators = tuple[str, str | None, str | None]  # chain, ETag, Last-Modified


class CrawlFrontier:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.database_url: str = settings.get("CANLIAN_DATABASE_URL")
        self.read_only = settings.getbool("CANLIAN_DRY_RUN")
        self.max_attempts = settings.getint("CANLIAN_FRONTIER_MAX_ATTEMPTS", MAX_ATTEMPTS)
        self.writer: ArchiveWriter | None = None
        self.site_key = ""
        self.resume: list[str] = []
        self.chains: set[str] = set()
        self.failed_chains: dict[str, str] = {}
        self.validators: dict[str, Validators] = {}
        self.writes: set[asyncio.Future[Any]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        component = cls(crawler)
        crawler.signals.connect(component.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(component.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(component.request_failed, signal=request_failed)
        return component

    def spider_opened(self, spider: Spider) -> None:
        self.site_key = spider.name
        try:
            self.writer = ArchiveWriter.acquire(self.database_url)
            with Session(self.writer.engine) as session:
                self.resume = pending_urls(session, self.site_key, self.max_attempts)
        except ArchiveUnavailable as error:
            raise CloseSpider("archive_unavailable") from error
        self.inc("frontier/pending_at_start", len(self.resume))

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for request in start:
            if isinstance(request, Request) and request.meta.get(KIND) == LIST:
                self.chains.add(request.meta[CHAIN])
            yield request
        spider = self.crawler.spider
        for url in self.resume:
            self.inc("frontier/resumed")
            yield spider.article_request(url)  # type: ignore[union-attr]

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        output = list(result)
        self._discovered(response, output)
        yield from output

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        output = [item async for item in result]
        self._discovered(response, output)
        for item in output:
            yield item

    def _note_validators(self, response: Response) -> None:
        """Keep a list page's validators, if it showed articles (a 304 on a shell page proves nothing)."""
        if response.status != 200 or not response.meta.get(LIST_ARTICLES):
            return
        etag, modified = header_text(response, "ETag"), header_text(response, "Last-Modified")
        if etag or modified:
            self.validators[response.url] = (response.meta.get(CHAIN, ""), etag, modified)

    def _discovered(self, response: Response, output: list[Any]) -> None:
        if response.meta.get(KIND) == LIST:
            self._note_validators(response)
        urls = [
            r.url
            for r in output
            if isinstance(r, Request) and r.meta.get(KIND) == ARTICLE and not r.meta.get("canlian_revisit")
        ]
        if urls and not self.read_only:
            self._write(add_pending, self.site_key, urls, datetime.now(UTC))

    def request_failed(self, request: Request, failure: Failure) -> None:
        kind = request.meta.get(KIND)
        if kind == LIST and not _ends_the_list(request, failure):
            self.failed_chains.setdefault(request.meta.get(CHAIN, ""), describe(failure.value))
            self.inc("listing/failed")
        elif kind == ARTICLE and not self.read_only and not isinstance(failure.value, WouldFetch):
            why = describe(failure.value)
            self._write(record_failure, self.site_key, request.url, why, datetime.now(UTC))
            self.inc("frontier/failed_attempts")

    async def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.writer is None:
            return
        try:
            if self.writes:
                await asyncio.gather(*self.writes, return_exceptions=True)
            if reason == "finished" and not self.read_only:
                await self._complete_walks()
            self._report_unfinished(reason)
            with Session(self.writer.engine) as session:
                counts = frontier_counts(session, self.site_key, self.max_attempts)
            self.inc("frontier/pending_left", counts["pending"])
            self.inc("frontier/abandoned", counts["abandoned"])
        except (ArchiveUnavailable, WriteFailed) as error:
            logger.error("could not record the frontier of %s at close: %s", self.site_key, error)
        finally:
            self.writer.release()

    async def _complete_walks(self) -> None:
        assert self.writer is not None
        done = self.chains - set(self.failed_chains)
        validators = {
            url: (etag, mod) for url, (chain, etag, mod) in self.validators.items() if chain in done
        }
        run_id = self.crawler.stats.get_value("archive/run_id") if self.crawler.stats else None
        await self.writer.call(complete_walks, self.site_key, done, validators, datetime.now(UTC), run_id)
        self.inc("listing/walks_finished", len(done))

    def _report_unfinished(self, reason: str) -> None:
        if reason != "finished" and self.chains:
            logger.warning(
                "%s: crawl closed as %r: its list walk is unfinished and the next crawl walks it again",
                self.site_key,
                reason,
            )
        for chain, why in sorted(self.failed_chains.items()):
            logger.warning(
                "%s: list %s not walked to its end (%s); walked again next time", self.site_key, chain, why
            )

    def _write(self, function: Callable[..., Any], *args: Any) -> None:
        if self.writer is None:
            return
        future = asyncio.ensure_future(self.writer.call(function, *args))
        self.writes.add(future)
        future.add_done_callback(self._written)

    def _written(self, future: asyncio.Future[Any]) -> None:
        self.writes.discard(future)
        error = None if future.cancelled() else future.exception()
        if error is not None and not isinstance(error, WriteFailed):
            logger.warning("frontier write for %s failed: %s", self.site_key, error)

    def inc(self, key: str, value: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, value)


def _ends_the_list(request: Request, failure: Failure) -> bool:
    """A 304 (nothing new since a finished walk), a dry run's refusal, or a guessed page that is not there."""
    if isinstance(failure.value, ListNotModified | WouldFetch):
        return True
    response = getattr(failure.value, "response", None)
    return bool(request.meta.get(GUESSED)) and response is not None and response.status in (404, 410)
