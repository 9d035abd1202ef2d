"""Running crawls in this process (the `canlian crawl` and `canlian demo` commands).

The Twisted reactor cannot be restarted in one process: call `run_crawls` once per process. Scheduled
crawls therefore run as child processes (see scheduler.py).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings

SETTINGS_MODULE = "crawler.settings"


@dataclass(frozen=True, slots=True)
class CrawlResult:
    site_key: str
    run_id: int | None
    finish_reason: str
    stats: Mapping[str, Any]

    @property
    def ok(self) -> bool:
        """Finished, recorded, and every start URL was fetched (a site whose lists could not be reached
        did nothing, however cleanly it closed)."""
        started = not self.stats.get("listing/start_failed")
        return self.finish_reason == "finished" and self.run_id is not None and started


def project_settings(overrides: Mapping[str, Any] | None = None) -> Settings:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", SETTINGS_MODULE)
    settings = get_project_settings()
    settings.setdict(dict(overrides or {}), priority="cmdline")
    return settings


def run_crawls(site_keys: Sequence[str], settings: Settings) -> list[CrawlResult]:
    """Crawl the given sites concurrently in this process; returns when all have finished."""
    process = CrawlerProcess(settings)
    crawlers: list[Crawler] = []
    for key in site_keys:
        crawler = process.create_crawler(key)
        crawlers.append(crawler)
        process.crawl(crawler)
    process.start()
    return [_result(key, crawler) for key, crawler in zip(site_keys, crawlers, strict=True)]


def _result(key: str, crawler: Crawler) -> CrawlResult:
    stats = crawler.stats.get_stats() if crawler.stats is not None else {}
    run_id = stats.get("archive/run_id")
    return CrawlResult(
        key,
        int(run_id) if run_id is not None else None,
        str(stats.get("finish_reason", "not started")),
        stats,
    )
