"""Extraction of each fetched page, off the reactor thread.

Extraction (tens of ms a page) would stall the downloader if run on the reactor thread, so it runs in the
crawl process's one worker pool (`CANLIAN_EXTRACT_WORKERS`, 0 = inline; crawler.extraction_pool) and the
pipeline awaits the result.
"""

from __future__ import annotations

import asyncio
from typing import Self

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from crawler.extraction import extract
from crawler.extraction.model import Article, NoArticle
from crawler.extraction_pool import ExtractionPool
from crawler.items import PageItem


class ExtractPipeline:
    def __init__(self, workers: int, stats: StatsCollector | None) -> None:
        self.workers = workers
        self.stats = stats
        self.pool: ExtractionPool | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.settings.getint("CANLIAN_EXTRACT_WORKERS", 0), crawler.stats)

    def open_spider(self) -> None:
        if self.workers > 0:
            self.pool = ExtractionPool.acquire(self.workers)

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.release()
            self.pool = None

    async def process_item(self, item: PageItem) -> PageItem:
        if self.pool is None:
            result = extract(item.body, item.url, item.headers)
        else:
            result = await asyncio.wrap_future(self.pool.submit(extract, item.body, item.url, item.headers))
        item.extraction = result
        if self.stats is not None:
            key = "extract/ok" if isinstance(result, Article) else f"extract/{_reason(result)}"
            self.stats.inc_value(key)
        return item


def _reason(result: NoArticle) -> str:
    return str(result.reason)
