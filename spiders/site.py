"""The one generic spider. A registry `Site` says where lists are and what an article URL looks like;
the site's list strategy turns list pages into article URLs and further list pages. Article pages are
yielded raw as `PageItem`s: extraction, relevance and storage happen in the pipelines.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.items import PageItem
from crawler.middlewares.incremental import ListNotModified
from crawler.refusals import describe, refusal_kind
from crawler.request_kinds import (
    ARTICLE,
    CHAIN,
    CHAIN_START,
    GUESSED,
    KIND,
    LIST,
    LIST_ARTICLES,
    request_failed,
)
from crawler.sites import Site
from spiders.strategies import STRATEGIES, ListPage, ListRequest, ListStrategy
from storage.urls import url_key, without_session


class SiteSpider(scrapy.Spider):
    name = "site"
    site: ClassVar[Site]

    @property
    def strategy(self) -> ListStrategy:
        return STRATEGIES[self.site.list_strategy]

    async def start(self) -> AsyncIterator[Any]:
        for request in self.strategy.first_requests(self.site):
            first = self.list_request(request, chain_of(request))
            first.meta[CHAIN_START] = True
            yield first

    def list_request(self, request: ListRequest, chain: str) -> scrapy.Request:
        return scrapy.Request(
            without_session(request.url),
            method=request.method,
            body=request.body,
            headers=dict(request.headers) or None,
            callback=self.parse_listing,
            errback=self.request_failed,
            meta={
                "list_state": request.state,
                KIND: LIST,
                CHAIN: chain,
                GUESSED: request.guessed,
                **self.proxy_meta(),
            },
        )

    def article_request(self, url: str, revisit: bool = False) -> scrapy.Request:
        meta = {KIND: ARTICLE, "canlian_revisit": revisit, **self.proxy_meta()}
        return scrapy.Request(
            without_session(url), callback=self.parse_article_page, errback=self.request_failed, meta=meta
        )

    def request_failed(self, failure: Failure) -> None:
        """Count and log a request that failed for good (refusals as `refused/<kind>` at INFO, download
        errors at ERROR, HTTP error statuses at INFO), say so loudly when it was a start URL, and tell the
        crawl's components (the frontier above all)."""
        request = getattr(failure, "request", None)
        error = failure.value
        refused = refusal_kind(error)
        if refused is not None:
            self.count(f"refused/{refused}")
            self.logger.info("Refused %s: %s", request, describe(error))
        elif isinstance(error, HttpError):
            self.logger.info("Ignoring response %s: HTTP status code is not handled", error.response)
        elif not isinstance(error, IgnoreRequest):
            self.logger.error("Error downloading %s: %s", request, failure.getErrorMessage())
        if request is None:
            return
        if request.meta.get(CHAIN_START) and not isinstance(error, ListNotModified):
            self.count("listing/start_failed")
            self.logger.warning("start URL %s not fetched: %s", request.url, describe(error))
        self.crawler.signals.send_catch_log(signal=request_failed, request=request, failure=failure)

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
        response.meta[LIST_ARTICLES] = len(listing.article_urls)
        if not listing.article_urls:
            self.count("listing/empty")
        for url in listing.article_urls:
            yield self.article_request(url)
        chain = response.meta.get(CHAIN) or url_key(response.url)
        for next_page in listing.next_pages:
            yield self.list_request(next_page, chain)

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


def chain_of(request: ListRequest) -> str:
    """A list chain's identity: its first request's URL (scheme-less), plus a body digest for POST lists."""
    key = url_key(request.url)
    if request.body:
        key += "#" + hashlib.sha1(request.body.encode("utf-8")).hexdigest()[:12]
    return key
