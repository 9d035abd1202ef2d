"""`canlian crawl --dry-run`: list pages are fetched (that is how article URLs are found) but article pages
are only listed, one URL per line on stdout, never downloaded or stored."""

from __future__ import annotations

import sys
from typing import Self

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler.request_kinds import ARTICLE, KIND


class WouldFetch(IgnoreRequest):
    pass


class DryRun:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("CANLIAN_DRY_RUN"):
            raise NotConfigured  # silently: the usual case
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if request.meta.get(KIND) != ARTICLE:
            return
        site = self.crawler.spider.name if self.crawler.spider else "?"
        revisit = " (revisit)" if request.meta.get("canlian_revisit") else ""
        print(f"{site}\t{request.url}{revisit}", file=sys.stdout, flush=True)
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("dryrun/would_fetch")
        raise WouldFetch(request.url)
