"""Soft 404s: an HTTP 200 whose small page says the page does not exist (页面不存在, 您访问的页面不存在,
404 ...). Refused like a real 404 before anything is archived (counted as `refused/soft_404` by the
spider's errback, crawler.refusals); the frontier counts it as a failed attempt, so an article that
reappears is fetched on a later night.
"""

from __future__ import annotations

from typing import Self

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response

from crawler.interstitials import Interstitial, classify
from crawler.request_kinds import ARTICLE, KIND, LIST


class SoftNotFound(IgnoreRequest):
    pass


class SoftNotFoundFilter:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        if request.meta.get(KIND) not in (ARTICLE, LIST) or response.status != 200:
            return response
        if not isinstance(response, HtmlResponse):
            return response
        if classify(response.body, response.encoding) is not Interstitial.SOFT_404:
            return response
        raise SoftNotFound(f"{request.url} answers 200 with a page-not-found page")
