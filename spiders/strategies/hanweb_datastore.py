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
        records = "\n".join(RECORD.findall(page.text))
        articles = unique(url for url, _ in links(page.url, records) if site.is_article_url(url))
        if page.state.get("page", 0) != 0:
            return Listing(articles)
        return Listing(articles, self._following(site, page, first_count=len(RECORD.findall(page.text))))

    def _following(self, site: Site, page: ListPage, first_count: int) -> tuple[ListRequest, ...]:
        total = TOTAL_RECORDS.search(page.text)
        group = NEXTGROUP.search(page.text)
        href = HREF.search(group.group(1)) if group else None
        if not total or not href:
            return ()
        proxy = urlsplit(urljoin(page.url, html.unescape(href.group(1))))
        params = {k: v for k, v in parse_qsl(proxy.query) if k not in {"page", "startrecord", "endrecord"}}
        params.setdefault("col", "1")
        requests: list[ListRequest] = []
        start = first_count + 1
        while start <= int(total.group(1)) and len(requests) + 1 < site.max_list_pages:
            end = start + RECORDS_PER_REQUEST - 1
            window = {"startrecord": str(start), "endrecord": str(end), "perpage": str(PER_PAGE)}
            query = urlencode({**params, **window})
            url = proxy._replace(query=query, fragment="").geturl()
            requests.append(ListRequest(url, state={"page": len(requests) + 1}))
            start = end + 1
        return tuple(requests)
