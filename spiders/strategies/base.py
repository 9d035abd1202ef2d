"""What a list strategy sees and returns. Strategies are pure: text in, URLs out, no Scrapy."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urljoin

from lxml import html as lxml_html

from crawler.sites import Site
from storage.urls import without_session


@dataclass(frozen=True, slots=True)
class ListRequest:
    url: str
    method: str = "GET"
    body: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    state: dict[str, Any] = field(default_factory=dict)  # carried to parse() with the response
    # A next page the strategy guessed (cdpf's index{N}.htm has no page count): a 404 there ends the list
    # instead of leaving its walk unfinished.
    guessed: bool = False


@dataclass(frozen=True, slots=True)
class ListPage:
    url: str
    text: str
    state: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Listing:
    article_urls: tuple[str, ...] = ()
    next_pages: tuple[ListRequest, ...] = ()


class ListStrategy(Protocol):
    name: str

    def first_requests(self, site: Site) -> list[ListRequest]: ...

    def parse(self, site: Site, page: ListPage) -> Listing: ...


def start_requests(site: Site) -> list[ListRequest]:
    return [ListRequest(url, state={"page": 0}) for url in site.start_urls]


def links(page_url: str, text: str) -> list[tuple[str, str]]:
    """Absolute (url, anchor text) for every <a href> on the page, in document order."""
    if not text.strip():
        return []
    try:
        root = lxml_html.fromstring(text)
    except (ValueError, lxml_html.etree.ParserError):
        return []
    found = []
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if href and not href.startswith(("javascript:", "mailto:", "#")):
            # Session ids and tracking parameters off: one article linked three ways is one URL.
            found.append((without_session(urljoin(page_url, href)), anchor.text_content().strip()))
    return found


def article_links(site: Site, page_url: str, text: str) -> tuple[str, ...]:
    return unique(url for url, _ in links(page_url, text) if site.is_article_url(url))


def unique(urls: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(urls))
