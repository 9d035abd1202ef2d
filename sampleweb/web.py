"""`SampleWeb`: the whole generated web behind one pure function, ``respond``, plus its ground truth."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from urllib.parse import urlsplit

from sampleweb import attachments, cdpf, citynews, hanweb, newweb, trs
from sampleweb import sites as S
from sampleweb.catalog import Catalog
from sampleweb.model import Entry, Para, SiteInfo, TruthRecord
from sampleweb.pages import PIXEL, Response, not_found, text_response

_PORTAL_LIST = re.compile(r"^/jsyw/index(?:_(\d+))?\.shtml$")
_CDPF_LIST = re.compile(r"^/xwzx/clyw2/index(\d*)\.htm$")
_CITY_LIST = re.compile(r"^/news/list_(\d+)\.html$")
_PRIVATE = re.compile(r"^/private/draft_(\d+)\.html$")
_DATAPROXY = "/module/web/jpage/dataproxy.jsp"
ROBOTS = {
    S.COUNTY: "User-agent: *\nDisallow: /manage/\n",
    S.PORTAL: "User-agent: *\nDisallow: /was5/\n",
    S.CDPF: "User-agent: *\nAllow: /\n",
    S.CITY: "User-agent: *\nDisallow: /private/\n",
    **newweb.ROBOTS,
}


class SampleWeb:
    """The fake sites generated from ``seed``; each has ``articles_per_site`` articles."""

    def __init__(self, seed: int = 2026, articles_per_site: int = 30) -> None:
        if articles_per_site < 1:
            raise ValueError("articles_per_site must be at least 1")
        self.seed = seed
        self.articles_per_site = articles_per_site
        self.catalog = Catalog(seed, articles_per_site)
        self.sites: tuple[SiteInfo, ...] = S.SITES
        self.edits: dict[tuple[str, int], str] = {}
        self.failures: dict[tuple[str, int], int] = {}  # (site, index) -> 503 answers still to give

    def publish(self, count: int) -> None:
        """Publish only the oldest `count` articles of every site from now on (lists and article pages):
        a later call with a larger count is new articles appearing overnight. URLs never change."""
        if not 1 <= count <= self.articles_per_site:
            raise ValueError(f"count must be between 1 and {self.articles_per_site}")
        self.catalog.listed = count

    def fail_next(self, site_key: str, index: int, times: int) -> None:
        """Answer the next `times` requests for one article with 503, as an overloaded server does."""
        self.failures[(site_key, index)] = times

    def edit(self, site_key: str, index: int, paragraph: str) -> None:
        """Append `paragraph` to one article from now on, as an editor correcting a published page does."""
        self.edits[(site_key, index)] = paragraph

    # -- HTTP ---------------------------------------------------------------------------------
    def respond(
        self, site_key: str, method: str, path_with_query: str, body: bytes | None = None, base_url: str = ""
    ) -> Response:
        """Answer one request. ``base_url`` (scheme://host:port) is only used for absolute links in
        robots.txt, sitemap.xml and rss.xml; it defaults to a placeholder host."""
        if site_key not in S.SITE_BY_KEY:
            raise KeyError(f"unknown sample site {site_key!r}")
        if method not in ("GET", "HEAD", "POST"):
            return 405, {"Content-Type": "text/plain; charset=utf-8", "Allow": "GET, HEAD, POST"}, b""
        parts = urlsplit(path_with_query)
        base = base_url.rstrip("/") or f"http://{site_key}.invalid"
        if parts.path == "/robots.txt":
            return text_response(self._robots(site_key, base))
        if parts.path.endswith(".jpg"):
            return 200, {"Content-Type": "image/gif"}, PIXEL
        attachment_of = attachments.index_in_path(site_key, parts.path)
        if attachment_of is not None:
            return self._attachment(site_key, attachment_of, parts.path)
        found = self.catalog.index_of(site_key, _article_key(site_key, parts.path, parts.query))
        if found is not None:
            return self._article_or_failure(site_key, *found)
        if site_key in newweb.NEW_SITES:
            return newweb.other(self.catalog, site_key, parts.path, parts.query)
        return self._other(site_key, parts.path, parts.query, body, base)

    def _article_or_failure(self, site_key: str, index: int, mobile: bool) -> Response:
        if index >= self.catalog.listed:
            return not_found()  # not published yet
        left = self.failures.get((site_key, index), 0)
        if left > 0:
            self.failures[(site_key, index)] = left - 1
            return 503, {"Content-Type": "text/plain; charset=utf-8", "Retry-After": "1"}, b"busy"
        return self._article(site_key, index, mobile)

    def _robots(self, site_key: str, base: str) -> str:
        text = ROBOTS[site_key]
        return text + f"Sitemap: {base}/sitemap.xml\n" if site_key == S.CDPF else text

    def _entry(self, site_key: str, index: int) -> Entry:
        entry = self.catalog.entry(site_key, index)
        added = self.edits.get((site_key, index))
        if added is None:
            return entry
        story = replace(entry.story, paragraphs=(*entry.story.paragraphs, Para(added)))
        return replace(entry, story=story)

    def _article(self, site_key: str, index: int, mobile: bool) -> Response:
        entry = self._entry(site_key, index)
        if site_key in newweb.NEW_SITES:
            return newweb.article(entry)
        if site_key == S.COUNTY:
            return hanweb.article(entry)
        if site_key == S.PORTAL:
            return trs.article(self.catalog, entry)
        if site_key == S.CDPF:
            return cdpf.mobile_article(entry) if mobile else cdpf.article(entry)
        return citynews.article(entry)

    def _attachment(self, site_key: str, index: int, path: str) -> Response:
        if not 0 <= index < self.articles_per_site:
            return not_found()
        published = self.catalog.published(site_key, index)
        return attachments.file_response(self.seed, site_key, index, published, path) or not_found()

    def _other(self, site_key: str, path: str, query: str, body: bytes | None, base: str) -> Response:
        catalog = self.catalog
        if site_key == S.COUNTY:
            if path == hanweb.COLUMN_PATH:
                return hanweb.column_page(catalog)
            if path == _DATAPROXY:
                return hanweb.dataproxy(catalog, query, body)
        elif site_key == S.PORTAL:
            if path == "/rss.xml":
                return trs.rss(catalog, base)
            if match := _PORTAL_LIST.match(path):
                return trs.list_page(catalog, int(match.group(1) or 0))
        elif site_key == S.CDPF:
            if path == "/sitemap.xml":
                return cdpf.sitemap(catalog, base)
            if match := _CDPF_LIST.match(path):
                return cdpf.list_page(catalog, int(match.group(1) or 0))
        elif match := _CITY_LIST.match(path):
            return citynews.list_page(catalog, int(match.group(1)))
        elif match := _PRIVATE.match(path):
            return citynews.private_page(match.group(1))
        return not_found()

    def classify(self, site_key: str, path_with_query: str) -> str:
        """The counter bucket of a request: list / article / robots / private / other."""
        parts = urlsplit(path_with_query)
        path = parts.path
        if path == "/robots.txt":
            return "robots"
        if path.startswith("/private/"):
            return "private"
        if attachments.index_in_path(site_key, path) is not None:
            return "attachment"
        if self.catalog.index_of(site_key, _article_key(site_key, path, parts.query)) is not None:
            return "article"
        if site_key in newweb.NEW_SITES:
            return "list" if newweb.is_list(site_key, path) else "other"
        lists = (_PORTAL_LIST, _CDPF_LIST, _CITY_LIST)
        if path in (hanweb.COLUMN_PATH, _DATAPROXY) or any(p.match(path) for p in lists):
            return "list"
        return "other"

    # -- ground truth -------------------------------------------------------------------------
    def truth(self) -> Iterator[TruthRecord]:
        """Every published article page of every site, mobile twins right after their desktop page."""
        for site in self.sites:
            for index in range(self.catalog.listed):
                entry = self._entry(site.key, index)
                yield _record(entry)
                if site.key == S.CDPF:
                    yield _record(entry, mobile=True)

    def truth_by_path(self, site: str, path: str) -> TruthRecord | None:
        parts = urlsplit(path)
        found = (
            self.catalog.index_of(site, _article_key(site, parts.path, parts.query))
            if site in S.SITE_BY_KEY
            else None
        )
        if found is None:
            return None
        index, mobile = found
        return _record(self._entry(site, index), mobile=mobile)

    def entry(self, site: str, index: int) -> Entry:
        """The generator's full view of one article (for tests and benchmarks)."""
        return self._entry(site, index)


def _article_key(site_key: str, path: str, query: str) -> str:
    """What identifies an article: the path, and for the JSON-API site's detail pages the query too."""
    return f"{path}?{query}" if site_key == S.JSONAPI and query else path


def _record(entry: Entry, mobile: bool = False) -> TruthRecord:
    story = entry.story
    precision = "seconds" if entry.show_seconds else "minutes"
    path = entry.path.removesuffix(".htm") + "_mobile.htm" if mobile else entry.path
    return TruthRecord(
        site=entry.site,
        path=path,
        kind="mobile_twin" if mobile else "article",
        title=story.title,
        published_at=entry.published.isoformat(timespec=precision),
        source=entry.source,
        authors=entry.authors,
        editors=entry.editors,
        correspondents=entry.correspondents,
        tags=story.tags,
        body=tuple(p.text for p in story.paragraphs),
        images=entry.images,
        relevant=story.relevant,
        story_id=entry.story_id,
        republishes=entry.republishes,
        canonical=entry.path if mobile else None,
        attachments=entry.attachments,
    )
