"""List pages that are only a shell around a same-host `<iframe src=...>` holding the real list.

Seen on Changzhou and Huai'an district portals (docs: sites.md §3.5). The shell's iframes on the same host
are followed (never another host's: maps, counters, video players); inside the frame the list behaves like
`html_links`, except that further list pages must share the frame's path prefix: the frames carry tab bars
linking other columns' lists, and following those leaks the crawl into other columns. A page without a
same-host iframe is read as a plain list, so a template change away from frames degrades gracefully.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from lxml import html as lxml_html

from crawler.sites import Site
from spiders.strategies.base import Listing, ListPage, ListRequest, links, start_requests, unique
from spiders.strategies.html_links import NEXT_LINK_TEXTS


class IframeShell:
    name = "iframe_shell"

    def first_requests(self, site: Site) -> list[ListRequest]:
        return start_requests(site)

    def parse(self, site: Site, page: ListPage) -> Listing:
        depth = int(page.state.get("page", 0))
        if not page.state.get("frame"):
            frames = same_host_frames(page.url, page.text)
            if frames:
                if depth + 1 >= site.max_list_pages:
                    return Listing()
                state = {"page": depth + 1, "frame": True}
                return Listing((), tuple(ListRequest(url, state=state) for url in frames))
        return _frame_listing(site, page, depth)


def _frame_listing(site: Site, page: ListPage, depth: int) -> Listing:
    found = links(page.url, page.text)
    articles = unique(url for url, _ in found if site.is_article_url(url))
    if depth + 1 >= site.max_list_pages:
        return Listing(articles)
    prefix = column_prefix(page.url)
    following = unique(
        url
        for url, text in found
        if url != page.url
        and not site.is_article_url(url)
        and _within(url, prefix)
        and (site.is_list_url(url) or text.lower() in NEXT_LINK_TEXTS)
    )
    state = {"page": depth + 1, "frame": True}
    return Listing(articles, tuple(ListRequest(url, state=state) for url in following))


def same_host_frames(page_url: str, text: str) -> tuple[str, ...]:
    """Absolute URLs of the page's `<iframe>`s (and `<frame>`s) on the page's own host, in order."""
    try:
        root = lxml_html.fromstring(text) if text.strip() else None
    except (ValueError, lxml_html.etree.ParserError):
        return ()
    if root is None:
        return ()
    host = urlsplit(page_url).netloc.lower()
    found = []
    for element in root.iter("iframe", "frame"):
        src = (element.get("src") or "").strip()
        if not src or src.startswith(("javascript:", "about:", "data:")):
            continue
        url = urljoin(page_url, src).split("#", 1)[0]
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc.lower() == host:
            found.append(url)
    return unique(found)


def column_prefix(url: str) -> tuple[str, str]:
    """(host, directory) of a list page: `/xwzx/bmdt/list_2.html` -> `/xwzx/bmdt/`."""
    parts = urlsplit(url)
    return parts.netloc.lower(), parts.path.rsplit("/", 1)[0] + "/"


def _within(url: str, prefix: tuple[str, str]) -> bool:
    parts = urlsplit(url)
    return parts.netloc.lower() == prefix[0] and parts.path.startswith(prefix[1])
