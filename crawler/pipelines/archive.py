"""Writing every fetched page into the archive and recording the crawl run.

Every fetch is stored (raw bytes included) before anything is dropped, so a page that was not relevant or
held no article can be re-examined later; the named `DropItem` subclasses then count why in the stats.
A write that fails on a locked database or a uniqueness race is retried, then raised (Scrapy logs and
counts it as an item error).

The run: opened (or adopted from the scheduler) with this process as its owner, together with the site's
lock (a second crawl of the same site closes at once as `site_busy`, its run `skipped`); its counters are
checkpointed every `CANLIAN_RUN_CHECKPOINT_SECONDS`, so a killed crawl still shows what it did; closed at
the end with Scrapy's stats. An archive that cannot take writes (disk full, read-only ...) stops the crawl
with one clear ERROR line (`archive_unavailable`); what was not archived stays in the frontier.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime
from typing import Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider
from scrapy.statscollectors import StatsCollector

from crawler.archive_writer import ArchiveWriter
from crawler.extraction.model import NoArticle, NoArticleReason
from crawler.items import PageItem
from crawler.pipelines.batching import WriteBatcher
from crawler.pipelines.drops import ArchiveRefused, ChallengePage, NoMainContent, NotRelevant
from storage.archive import Assessment, FetchedPage, Outcome, Stored, record_pages
from storage.crawl_session import begin_crawl, checkpoint_crawl, end_crawl
from storage.errors import ArchiveUnavailable
from storage.liveness import ProcessIdentity
from storage.runs import SiteInfo
from storage.transactions import WriteFailed

logger = logging.getLogger(__name__)
UNAVAILABLE_STAT = "archive/unavailable"


class ArchivePipeline:
    def __init__(self, crawler: Crawler, database_url: str, trigger: str) -> None:
        self.crawler = crawler
        self.database_url = database_url
        self.trigger = trigger
        self.process = str(ProcessIdentity.current())
        self.writer: ArchiveWriter | None = None
        self.run_id: int | None = None
        self.locked = False
        self.busy_note = ""
        self.failure: ArchiveUnavailable | None = None
        self.batcher: WriteBatcher[tuple[FetchedPage, Any, Assessment | None], Stored] | None = None
        self.checkpoints: asyncio.Task[None] | None = None
        self.closing: asyncio.Future[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        pipeline = cls(
            crawler,
            crawler.settings.get("CANLIAN_DATABASE_URL"),
            crawler.settings.get("CANLIAN_RUN_TRIGGER", "manual"),
        )
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    @property
    def stats(self) -> StatsCollector:
        assert self.crawler.stats is not None
        return self.crawler.stats

    @property
    def site_key(self) -> str:
        return str(self.crawler.spider.site.key)  # type: ignore[union-attr]

    async def open_spider(self) -> None:
        site = self.crawler.spider.site  # type: ignore[union-attr]
        info = SiteInfo(
            site.key, site.name, site.level, site.province, site.city, site.county, site.federation
        )
        # A scheduler creates the run row itself (trigger, start, log path) and passes its id down.
        adopted = self.crawler.settings.getint("CANLIAN_RUN_ID") or None
        try:
            self.writer = ArchiveWriter.acquire(self.database_url)
            self.run_id, holder = await self.writer.call(
                begin_crawl, info, self.trigger, self.process, adopted, datetime.now(UTC)
            )
        except ArchiveUnavailable as error:
            self._unavailable(error)
            raise CloseSpider("archive_unavailable") from error
        self.stats.set_value("archive/run_id", self.run_id)
        if holder is not None:
            self.busy_note = f"site {self.site_key} is being crawled by {holder}"
            logger.warning("%s: not crawling it twice at once", self.busy_note)
            raise CloseSpider("site_busy")
        self.locked = True
        self.writer.hurry_when(self._stopping)
        settings = self.crawler.settings
        self.batcher = WriteBatcher(
            self.writer,
            record_pages,
            (self.run_id,),
            settings.getint("CANLIAN_WRITE_BATCH", 50),
            settings.getfloat("CANLIAN_WRITE_BATCH_SECONDS", 1.0),
        )
        interval = settings.getfloat("CANLIAN_RUN_CHECKPOINT_SECONDS", 10.0)
        self.checkpoints = asyncio.ensure_future(self._checkpoint_every(interval))

    def _stopping(self) -> bool:
        return not self.crawler.crawling

    async def close_spider(self) -> None:
        if not self.crawler.crawling and self.writer is not None:
            self.writer.stop()  # a shutdown: give up on lock waits instead of holding the exit up
        if self.batcher is not None:
            await self.batcher.drain()

    async def process_item(self, item: PageItem) -> PageItem:
        assert item.extraction is not None, "ExtractPipeline must run first"
        if self.batcher is None or self.failure is not None:
            raise ArchiveRefused("the archive is not taking writes; the page stays in the frontier")
        page = FetchedPage(
            item.site_key, item.requested_url, item.url, item.status, item.headers, item.body, item.fetched_at
        )
        try:
            stored = await self.batcher.submit((page, item.extraction, _assessment(item)))
        except ArchiveUnavailable as error:
            self._unavailable(error)
            raise ArchiveRefused(str(error)) from error
        except WriteFailed as error:
            self.stats.inc_value("archive/not_written")
            level = logging.WARNING if self.stats.get_value("archive/not_written") == 1 else logging.DEBUG
            logger.log(level, "%s not archived (%s); the next crawl fetches it again", item.url, error)
            raise ArchiveRefused(str(error)) from error
        self.stats.inc_value("archive/pages")
        self.stats.inc_value(f"archive/{stored.outcome}")
        _raise_drop(stored, item.extraction)
        return item

    async def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.checkpoints is not None:
            self.checkpoints.cancel()
        if self.writer is None:
            return
        try:
            await self._finish(reason)
        except (ArchiveUnavailable, WriteFailed) as error:
            logger.error("could not record the end of run %s: %s", self.run_id, error)
        finally:
            self.writer.forget(self._stopping)
            self.writer.release()

    async def _finish(self, reason: str) -> None:
        assert self.writer is not None
        if self.run_id is None:
            return
        self.stats.set_value("errors/total", count_errors(self.stats.get_stats()))
        run_id, stats, now = self.run_id, dict(self.stats.get_stats()), datetime.now(UTC)
        note = self.busy_note or (str(self.failure) if self.failure else "")
        lock = (self.site_key, self.process) if self.locked else None
        await self.writer.call(end_crawl, run_id, reason, stats, now, note, lock)

    async def _checkpoint_every(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            with contextlib.suppress(WriteFailed):
                await self._checkpoint()

    async def _checkpoint(self) -> None:
        assert self.writer is not None and self.run_id is not None
        stats, now, site_key = dict(self.stats.get_stats()), datetime.now(UTC), self.site_key
        try:
            still_ours = await self.writer.call(
                checkpoint_crawl, self.run_id, site_key, self.process, stats, now
            )
        except ArchiveUnavailable as error:
            self._unavailable(error)
            return
        if not still_ours:
            logger.error("site %s: another process took over its lock; stopping this crawl", site_key)
            self.locked = False
            self._close("lock_lost")

    def _unavailable(self, error: ArchiveUnavailable) -> None:
        """Say it once, clearly, and stop the crawl: nothing more can be archived."""
        if self.failure is not None:
            return
        self.failure = error
        self.stats.set_value(UNAVAILABLE_STAT, str(error))
        logger.error("%s: the crawl stops; what was not archived stays in the frontier", error)
        self._close("archive_unavailable")

    def _close(self, reason: str) -> None:
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None and self.closing is None:
            self.closing = asyncio.ensure_future(engine.close_spider_async(reason=reason))


def _assessment(item: PageItem) -> Assessment | None:
    relevance = item.relevance
    if relevance is None:
        return None
    return Assessment(
        relevant=relevance.relevant,
        score=relevance.score,
        terms=tuple(relevance.matched),
        regions=item.regions,
        reason=relevance.reason,
    )


def _raise_drop(stored: Stored, extraction: Any) -> None:
    if stored.outcome is Outcome.NOT_RELEVANT:
        raise NotRelevant(stored.detail)
    if stored.outcome is Outcome.NO_ARTICLE and isinstance(extraction, NoArticle):
        if extraction.reason is NoArticleReason.CHALLENGE_PAGE:
            raise ChallengePage(stored.detail)
        raise NoMainContent(stored.detail)


def count_errors(stats: dict[str, Any]) -> int:
    """Everything Scrapy logged at ERROR: downloads given up on, spider and pipeline exceptions.

    Deliberate refusals (robots.txt, the private-address guard, challenge pages, unchanged lists) are not
    logged as errors and have their own stats keys.
    """
    return int(stats.get("log_count/ERROR", 0))
