"""Hanweb (大汉) jpage lists.

The first column page hides its records in `<script type="text/xml"><datastore>` as CDATA, invisible to an
HTML link extractor; later pages come from `/module/web/jpage/dataproxy.jsp` with `startrecord`,
`endrecord` and `perpage`, whose ids (columnid, unitid, webid ...) we read from the page's `<nextgroup>`
link at run time rather than hard-coding them. `perpage` above ~300 is truncated by real servers.
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from crawler.sites import Site
from spiders.strategies.base import Listing, ListPage, ListRequest, links, start_requests, unique

RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>", re.S)
TOTAL_RECORDS = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>")
HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""")
RECORDS_PER_REQUEST = 120
PER_PAGE = 15  # the column's own page size; dataproxy wants it alongside the record window


class HanwebDatastore:
    name = "hanweb_datastore"

    def first_requests(self, site: Site) -> list[ListRequest]:
        return start_requests(site)

    def parse(self, site: Site, page: ListPage) -> Listing:
        records = RECORD.findall(page.text)
        articles = unique(url for url, _ in links(page.url, "\n".join(records)) if site.is_article_url(url))
        number = int(page.state.get("page", 0))
        window = _first_window(page, first_count=len(records)) if number == 0 else page.state.get("window")
        if not window or number + 1 >= site.max_list_pages or (number > 0 and not records):
            return Listing(articles)
        proxy_url, params, start, total = window
        if start > total:
            return Listing(articles)
        end = start + RECORDS_PER_REQUEST - 1
        query = urlencode(
            {**params, "startrecord": str(start), "endrecord": str(end), "perpage": str(PER_PAGE)}
        )
        state = {"page": number + 1, "window": (proxy_url, params, end + 1, total)}
        return Listing(articles, (ListRequest(f"{proxy_url}?{query}", state=state),))


def _first_window(page: ListPage, first_count: int) -> tuple[str, dict[str, str], int, int] | None:
    """(dataproxy URL, its fixed parameters, first record not on the column page, total records)."""
    total = TOTAL_RECORDS.search(page.text)
    group = NEXTGROUP.search(page.text)
    href = HREF.search(group.group(1)) if group else None
    if not total or not href:
        return None
    proxy = urlsplit(urljoin(page.url, html.unescape(href.group(1))))
    params = {k: v for k, v in parse_qsl(proxy.query) if k not in {"page", "startrecord", "endrecord"}}
    params.setdefault("col", "1")
    proxy_url = proxy._replace(query="", fragment="").geturl()
    return proxy_url, params, first_count + 1, int(total.group(1))
