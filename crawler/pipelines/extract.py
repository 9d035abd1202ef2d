"""Extraction of each fetched page, off the reactor thread.

Extraction (tens of ms a page) would stall the downloader if run on the reactor thread, so it runs in the
crawl process's one worker pool (`CANLIAN_EXTRACT_WORKERS`, 0 = inline; crawler.extraction_pool) and the
pipeline awaits the result. In the workers each page has a hard time limit (`CANLIAN_EXTRACT_TIMEOUT`
seconds, 0 = none): a page over it becomes a NoArticle `extraction_timeout`, archived with its raw bytes
like every fetch, and the worker goes on with the next page.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Self

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from crawler.extraction import extract
from crawler.extraction.model import Article, NoArticle, NoArticleReason
from crawler.extraction_pool import ExtractionPool, run_limited
from crawler.items import PageItem

logger = logging.getLogger(__name__)
# Real pages take well under a second; twenty seconds is only reached by pathological input.
DEFAULT_TIMEOUT = 20.0


class ExtractPipeline:
    def __init__(self, workers: int, stats: StatsCollector | None, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.workers = workers
        self.stats = stats
        self.timeout = timeout
        self.pool: ExtractionPool | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        return cls(
            settings.getint("CANLIAN_EXTRACT_WORKERS", 0),
            crawler.stats,
            settings.getfloat("CANLIAN_EXTRACT_TIMEOUT", DEFAULT_TIMEOUT),
        )

    def open_spider(self) -> None:
        if self.workers > 0:
            self.pool = ExtractionPool.acquire(self.workers)

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.release()
            self.pool = None

    async def process_item(self, item: PageItem) -> PageItem:
        try:
            result = await self._extract(item)
        except Exception as error:
            # A page the extractor cannot handle (a bug, or a worker killed mid-page) is still archived with
            # its raw bytes, as a page without an article, so `canlian reextract` can retry it once fixed.
            logger.error("extraction of %s failed: %r", item.url, error, exc_info=error)
            result = NoArticle(NoArticleReason.EXTRACTION_FAILED, repr(error)[:500])
        item.extraction = result
        if self.stats is not None:
            key = "extract/ok" if isinstance(result, Article) else f"extract/{_reason(result)}"
            self.stats.inc_value(key)
        return item

    async def _extract(self, item: PageItem) -> Article | NoArticle:
        if self.pool is None:
            return extract(item.body, item.url, item.headers)
        future = self.pool.submit(run_limited, self.timeout, extract, item.body, item.url, item.headers)
        return await asyncio.wrap_future(future)


def _reason(result: NoArticle) -> str:
    return str(result.reason)
