"""Recognise anti-bot challenges (瑞数 412, 加速乐 521/512, Tencent EdgeOne, plain 403, captcha
interstitials served with a 200) and stop there.

Such responses are never archived and never retried in a loop: each is counted under `blocked/<status>`
(`blocked/captcha` for a captcha page), logged once per host, and after `CANLIAN_BLOCKED_LIMIT` of them
the crawl closes with reason "blocked", so an operator sees it in the run record. We do not try to defeat
them (see field-notes: doing so can break Chinese law).
"""

from __future__ import annotations

from typing import Self
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response

from crawler.interstitials import Interstitial, classify
from crawler.request_kinds import ATTACHMENT, KIND

CHALLENGE_STATUSES = frozenset({403, 412, 512, 521})
# Markers of challenge pages that may come with a 200: inline scripts that set clearance cookies.
CHALLENGE_MARKERS = (b"$_ts", b"__jsl_clearance", b"EO_Bot_Ssid", b"__tst_status", b"_waf_bd8ce2ce37")
MARKER_WINDOW = 8192  # challenge pages are small and put their script up front
SMALL_PAGE = 32 * 1024


class ChallengeBlocked(IgnoreRequest):
    pass


def is_challenge(status: int, body: bytes) -> bool:
    if status in CHALLENGE_STATUSES:
        return True
    head = body[:MARKER_WINDOW]
    return len(body) < SMALL_PAGE and any(marker in head for marker in CHALLENGE_MARKERS)


def challenge_kind(response: Response) -> str | None:
    """The stats suffix of a challenge (`412`, `captcha` ...), or None for an ordinary response."""
    if is_challenge(response.status, response.body):
        return str(response.status)
    if response.status != 200 or not isinstance(response, HtmlResponse):
        return None
    return "captcha" if classify(response.body, response.encoding) is Interstitial.CAPTCHA else None


class ChallengeDetector:
    def __init__(self, crawler: Crawler, limit: int) -> None:
        self.crawler = crawler
        self.limit = limit
        self.blocked = 0
        self.warned_hosts: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, crawler.settings.getint("CANLIAN_BLOCKED_LIMIT", 5))

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        kind = None if request.url.endswith("/robots.txt") else challenge_kind(response)
        if kind is None:
            return response
        if request.meta.get(KIND) == ATTACHMENT:
            # A HEAD for an attachment's size: many servers refuse HEAD with 403. Not a challenge to count
            # towards closing the crawl; the attachment pipeline records the size as unknown.
            return response
        stats = self.crawler.stats
        if stats is not None:
            stats.inc_value(f"blocked/{kind}")
            stats.inc_value("blocked/total")
        host = urlsplit(request.url).netloc
        if host not in self.warned_hosts and self.crawler.spider is not None:
            self.warned_hosts.add(host)
            self.crawler.spider.logger.warning(
                "%s answers with an anti-bot challenge or refusal (%s): not archived, not retried",
                host,
                "a captcha page" if kind == "captcha" else f"HTTP {kind}",
            )
        self.blocked += 1
        if self.blocked == self.limit and self.crawler.engine is not None:
            self.crawler.engine.close_spider(self.crawler.spider, reason="blocked")  # type: ignore[arg-type]
        raise ChallengeBlocked(f"challenge page at {request.url} ({kind})")
