"""The one generic spider. A registry `Site` says where lists are and what an article URL looks like;
the site's list strategy turns list pages into article URLs and further list pages. Article pages are
yielded raw as `PageItem`s: extraction, relevance and storage happen in the pipelines.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar

import scrapy
from scrapy.http import Response, TextResponse

from crawler.items import PageItem
from crawler.request_kinds import ARTICLE, KIND, LIST
from crawler.sites import Site
from spiders.strategies import STRATEGIES, ListPage, ListRequest, ListStrategy


class SiteSpider(scrapy.Spider):
    name = "site"
    site: ClassVar[Site]

    @property
    def strategy(self) -> ListStrategy:
        return STRATEGIES[self.site.list_strategy]

    async def start(self) -> AsyncIterator[Any]:
        for request in self.strategy.first_requests(self.site):
            yield self.list_request(request)

    def list_request(self, request: ListRequest) -> scrapy.Request:
        return scrapy.Request(
            request.url,
            method=request.method,
            body=request.body,
            headers=dict(request.headers) or None,
            callback=self.parse_listing,
            meta={"list_state": request.state, KIND: LIST, **self.proxy_meta()},
        )

    def article_request(self, url: str, revisit: bool = False) -> scrapy.Request:
        meta = {KIND: ARTICLE, "canlian_revisit": revisit, **self.proxy_meta()}
        return scrapy.Request(url, callback=self.parse_article_page, meta=meta)

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        self.count("listing/pages")
        if not isinstance(response, TextResponse):
            self.count("listing/not_text")
            self.logger.warning(
                "list page %s is not text (%s)", response.url, response.headers.get("Content-Type")
            )
            return
        state = response.meta.get("list_state", {})
        listing = self.strategy.parse(self.site, ListPage(response.url, response.text, state))
        if not listing.article_urls:
            self.count("listing/empty")
        for url in listing.article_urls:
            yield self.article_request(url)
        for next_page in listing.next_pages:
            yield self.list_request(next_page)

    def parse_article_page(self, response: Response) -> Iterator[PageItem]:
        yield PageItem(
            site_key=self.site.key,
            requested_url=response.request.url if response.request else response.url,
            url=response.url,
            status=response.status,
            headers=decoded_headers(response),
            body=response.body,
            fetched_at=datetime.now(UTC),
        )

    def proxy_meta(self) -> dict[str, str]:
        return {"proxy": self.site.politeness.proxy} if self.site.politeness.proxy else {}

    def count(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)


def decoded_headers(response: Response) -> dict[str, str]:
    """Headers as text (latin-1 keeps every byte; values are ASCII in practice), last value wins."""
    return {
        key.decode("latin-1"): values[-1].decode("latin-1")
        for key, values in response.headers.items()
        if values
    }
