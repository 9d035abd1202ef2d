"""Pagination traps: a 下一页 chain that keeps serving the same articles (a calendar, a broken pager).

On a first crawl no list page is "all known", so the incremental filter cannot stop such a chain; this
spider middleware does. It sees a list page's output before any other filter and counts, per list chain,
the pages in a row that add no article URL this crawl has not already seen. After
`CANLIAN_LIST_PAGES_WITHOUT_NEW` of them the chain's further pages are dropped, logged once and counted
(`listing/stopped_no_new`). Such a walk still counts as finished: what lies beyond is the trap.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any, Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

from crawler.request_kinds import ARTICLE, CHAIN, KIND, LIST

logger = logging.getLogger(__name__)


class PaginationTrapGuard:
    def __init__(self, crawler: Crawler, limit: int) -> None:
        self.crawler = crawler
        self.limit = max(1, limit)
        self.seen: set[str] = set()
        self.barren: dict[str, int] = {}  # chain -> list pages in a row that brought nothing new

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, crawler.settings.getint("CANLIAN_LIST_PAGES_WITHOUT_NEW", 3))

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        yield from self._guard(response, list(result))

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        for item in self._guard(response, [item async for item in result]):
            yield item

    def _guard(self, response: Response, output: list[Any]) -> list[Any]:
        if response.meta.get(KIND) != LIST:
            return output
        chain = str(response.meta.get(CHAIN, ""))
        urls = {r.url for r in output if isinstance(r, Request) and r.meta.get(KIND) == ARTICLE}
        fresh = urls - self.seen
        self.seen |= urls
        self.barren[chain] = 0 if fresh else self.barren.get(chain, 0) + 1
        if self.barren[chain] < self.limit:
            return output
        following = [r for r in output if isinstance(r, Request) and r.meta.get(KIND) == LIST]
        if following:
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("listing/stopped_no_new")
            logger.warning(
                "%s: %d list pages in a row brought no new article (a pagination trap?): not following %s",
                self.crawler.spider.name if self.crawler.spider else "?",
                self.barren[chain],
                following[0].url,
            )
        dropped = {id(r) for r in following}
        return [item for item in output if id(item) not in dropped]
