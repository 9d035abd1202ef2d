"""Writing every fetched page into the archive and recording the crawl run.

Every fetch is stored (raw bytes included) before anything is dropped, so a page that was not relevant or
held no article can be re-examined later; the named `DropItem` subclasses then count why in the stats.
A write that fails on a locked database or a uniqueness race is retried, then raised (Scrapy logs and
counts it as an item error).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from sqlalchemy.orm import Session

from crawler.archive_writer import ArchiveWriter
from crawler.extraction.model import NoArticle, NoArticleReason
from crawler.items import PageItem
from crawler.pipelines.batching import WriteBatcher
from crawler.pipelines.drops import ChallengePage, NoMainContent, NotRelevant
from storage.archive import Assessment, FetchedPage, Outcome, Stored, record_fetch
from storage.runs import SiteInfo, adopt_run, finish_run, start_run, upsert_site


class ArchivePipeline:
    def __init__(self, crawler: Crawler, database_url: str, trigger: str) -> None:
        self.crawler = crawler
        self.database_url = database_url
        self.trigger = trigger
        self.writer: ArchiveWriter | None = None
        self.run_id: int | None = None
        self.batcher: WriteBatcher[tuple[FetchedPage, Any, Assessment | None], Stored] | None = None

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

    async def open_spider(self) -> None:
        self.writer = ArchiveWriter.acquire(self.database_url)
        site = self.crawler.spider.site  # type: ignore[union-attr]
        info = SiteInfo(
            site.key, site.name, site.level, site.province, site.city, site.county, site.federation
        )
        # A scheduler creates the run row itself (trigger, start, log path) and passes its id down.
        adopted = self.crawler.settings.getint("CANLIAN_RUN_ID")
        trigger, now = self.trigger, datetime.now(UTC)

        def begin(session: Session) -> int:
            upsert_site(session, info, now)
            run = adopt_run(session, adopted, site.key) if adopted else None
            return (run or start_run(session, site.key, trigger, now)).id

        self.run_id = await self.writer.run(begin)
        self.stats.set_value("archive/run_id", self.run_id)
        settings = self.crawler.settings
        self.batcher = WriteBatcher(
            self.writer,
            self._record,
            settings.getint("CANLIAN_WRITE_BATCH", 50),
            settings.getfloat("CANLIAN_WRITE_BATCH_SECONDS", 1.0),
        )

    async def close_spider(self) -> None:
        if self.batcher is not None:
            await self.batcher.drain()

    async def process_item(self, item: PageItem) -> PageItem:
        assert item.extraction is not None, "ExtractPipeline must run first"
        assert self.batcher is not None
        page = FetchedPage(
            item.site_key, item.requested_url, item.url, item.status, item.headers, item.body, item.fetched_at
        )
        stored = await self.batcher.submit((page, item.extraction, _assessment(item)))
        self.stats.inc_value("archive/pages")
        self.stats.inc_value(f"archive/{stored.outcome}")
        _raise_drop(stored, item.extraction)
        return item

    async def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.writer is None:
            return
        if self.run_id is not None:
            self.stats.set_value("errors/total", count_errors(self.stats.get_stats()))
            run_id, stats, now = self.run_id, dict(self.stats.get_stats()), datetime.now(UTC)
            await self.writer.run(lambda session: finish_run(session, run_id, reason, stats, now))
        self.writer.release()

    def _record(self, session: Session, job: tuple[FetchedPage, Any, Assessment | None]) -> Stored:
        page, extraction, assessment = job
        return record_fetch(session, page, extraction, assessment, self.run_id)


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
