"""Attachment sizes (附件大小) for kept articles, without downloading a single attachment.

Extraction already read the sizes a page prints next to its links. For the others, `CANLIAN_ATTACHMENT_SIZES
= "head"` sends an HTTP HEAD request through the engine, so it passes the same downloader middlewares as a
page (robots.txt, the private-address guard, politeness and throttling, retries), and takes Content-Length.
`"text"` keeps only what the page says (no extra requests), `"off"` records no sizes at all. A HEAD that
fails, is refused or answers without a usable Content-Length leaves the size unknown: counted, never fatal.

An article's HEADs go one after another, and a host that refuses HEAD (403, 405, 501 or an anti-bot
challenge) is asked no more in this crawl: each refusal also counts towards the challenge detector's
`CANLIAN_BLOCKED_LIMIT`, and a burst of them must not close the crawl.

Stats, one per attachment of a kept article: `attachments/size_from_text`, `attachments/size_from_head` or
`attachments/size_unknown`; plus `attachments/head_failed` per HEAD that got no answer from the file and
`attachments/head_skipped` per HEAD not sent to a host that refused one.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Self
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

from crawler.extraction.model import Article, Attachment
from crawler.items import PageItem
from crawler.middlewares.challenges import ChallengeBlocked
from crawler.request_kinds import ATTACHMENT, KIND

MODES = ("head", "text", "off")
REFUSING_STATUSES = frozenset({403, 405, 501})
_HEAD_HEADERS = {
    "Accept": "*/*",
    # Without it a server may report the length of a gzip encoding it would send instead of the file's.
    "Accept-Encoding": "identity",
}


class AttachmentSizePipeline:
    def __init__(self, crawler: Crawler, mode: str, heads_per_article: int) -> None:
        if mode not in MODES:
            raise ValueError(f"CANLIAN_ATTACHMENT_SIZES must be one of {', '.join(MODES)}, not {mode!r}")
        self.crawler = crawler
        self.mode = mode
        self.heads_per_article = heads_per_article
        self.refusing_hosts: set[str] = set()
        self.accepting_hosts: set[str] = set()
        self.probing: dict[str, asyncio.Lock] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        return cls(
            crawler,
            str(settings.get("CANLIAN_ATTACHMENT_SIZES", "head")).strip().lower(),
            settings.getint("CANLIAN_ATTACHMENT_HEADS_PER_ARTICLE", 10),
        )

    async def process_item(self, item: PageItem) -> PageItem:
        article = item.extraction
        if not isinstance(article, Article) or not article.attachments:
            return item
        if self.mode == "off":
            unsized = tuple(replace(a, size=None) for a in article.attachments)
            item.extraction = replace(article, attachments=unsized)
            return item
        if not getattr(item.relevance, "relevant", False):
            return item  # not archived as an article: its attachments are nobody's concern
        attachments = list(article.attachments)
        self._inc("attachments/size_from_text", sum(a.size is not None for a in attachments))
        if self.mode == "head":
            attachments = await self._sizes_by_head(attachments)
        self._inc("attachments/size_unknown", sum(a.size is None for a in attachments))
        item.extraction = replace(article, attachments=tuple(attachments))
        return item

    async def _sizes_by_head(self, attachments: list[Attachment]) -> list[Attachment]:
        missing = [n for n, a in enumerate(attachments) if a.size is None][: self.heads_per_article]
        for n in missing:
            size = await self._head_size(attachments[n].url)
            if size is not None:
                attachments[n] = replace(attachments[n], size=size)
                self._inc("attachments/size_from_head")
        return attachments

    async def _head_size(self, url: str) -> int | None:
        host = urlsplit(url).netloc
        if host in self.accepting_hosts:
            return await self._head(url, host)
        # Until a host has answered one HEAD, its HEADs go one at a time: articles processed side by side
        # would otherwise each send a first HEAD to a host that refuses them all.
        async with self.probing.setdefault(host, asyncio.Lock()):
            if host in self.refusing_hosts:
                self._inc("attachments/head_skipped")
                return None
            return await self._head(url, host)

    async def _head(self, url: str, host: str) -> int | None:
        request = Request(url, method="HEAD", headers=_HEAD_HEADERS, meta=self._meta(), dont_filter=True)
        try:
            response = await self.crawler.engine.download_async(request)
        except Exception as error:  # refused (robots.txt, guard, challenge) or unreachable: size unknown
            self._inc("attachments/head_failed")
            self._debug("HEAD %s failed: %r", url, error)
            if isinstance(error, ChallengeBlocked):
                self.refusing_hosts.add(host)
            return None
        if not _is_the_file(response):
            self._inc("attachments/head_failed")
            self._debug("HEAD %s answered %d (%s)", url, response.status, _header(response, "Content-Type"))
            if response.status in REFUSING_STATUSES:
                self.refusing_hosts.add(host)
            return None
        self.accepting_hosts.add(host)
        return _content_length(response)

    def _meta(self) -> dict[str, str]:
        proxy_meta = getattr(self.crawler.spider, "proxy_meta", None)
        return {KIND: ATTACHMENT, "dont_retry": True, **(proxy_meta() if callable(proxy_meta) else {})}

    def _inc(self, key: str, count: int = 1) -> None:
        if count and self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, count)

    def _debug(self, message: str, *args: object) -> None:
        if self.crawler.spider is not None:
            self.crawler.spider.logger.debug(message, *args)


def _is_the_file(response: Response) -> bool:
    """A 200 that is not an HTML page: sites answer a missing file with an HTML error page, often with 200."""
    return response.status == 200 and "html" not in _header(response, "Content-Type").lower()


def _content_length(response: Response) -> int | None:
    value = _header(response, "Content-Length").strip()
    return int(value) if value.isdigit() and int(value) > 0 else None


def _header(response: Response, name: str) -> str:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else ""
