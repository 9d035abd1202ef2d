"""JSON list APIs with a field mapping from the site definition (`[site.list_api]`).

Example, the CDPF employment platform: `/api/app-jycy-consultation/getHomeInformationList?pageNum={page}
&pageSize={size}` answers `{"data": {"records": [{"id": ..., "title": ..., "createTime": ...}], "total": N}}`
and an article lives at `https://www.cdpee.org.cn/news/newDetail?id={id}`. Pages are requested one after
another: an empty or short page, the `total`, or `max_list_pages` ends the list.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin

from crawler.site_options import ListApi
from crawler.sites import Site
from spiders.strategies.base import Listing, ListPage, ListRequest, unique


class JsonApi:
    name = "json_api"

    def first_requests(self, site: Site) -> list[ListRequest]:
        options = _options(site)
        if options is None:
            return []
        return [_page_request(site, options, options.first_page, 0)]

    def parse(self, site: Site, page: ListPage) -> Listing:
        options = _options(site)
        document = _json(page.text)
        records = dig(document, options.records) if options else None
        if options is None or not isinstance(records, list):
            return Listing()
        urls = (record_url(options, page.url, record) for record in records if isinstance(record, Mapping))
        articles = unique(url for url in urls if url and site.is_article_url(url))
        number = int(page.state.get("number", options.first_page))
        depth = int(page.state.get("page", 0))
        seen = (number - options.first_page + 1) * options.page_size
        total = dig(document, options.total) if options.total else None
        if (
            len(records) < options.page_size  # the last page is short (an empty page included)
            or (isinstance(total, int | str) and str(total).isdigit() and seen >= int(total))
            or articles[:1] == tuple(page.state.get("previous", ()))  # an API that ignores the page number
            or depth + 1 >= site.max_list_pages
        ):
            return Listing(articles)
        following = _page_request(site, options, number + 1, depth + 1, articles[:1])
        return Listing(articles, (following,))


def _options(site: Site) -> ListApi | None:
    return site.list_api


def _page_request(
    site: Site, options: ListApi, number: int, depth: int, previous: tuple[str, ...] = ()
) -> ListRequest:
    url = urljoin(site.start_urls[0], options.url.format(page=number, size=options.page_size))
    return ListRequest(url, state={"page": depth, "number": number, "previous": list(previous)})


def record_url(options: ListApi, page_url: str, record: Mapping[str, Any]) -> str | None:
    """The article URL of one record, or None when the record lacks the mapped fields."""
    if options.url_field is not None:
        value = dig(record, options.url_field)
        return urljoin(page_url, value) if isinstance(value, str) and value.strip() else None
    assert options.detail_url is not None  # the registry guarantees one of the two
    scalars = {k: str(v) for k, v in record.items() if isinstance(v, str | int) and not isinstance(v, bool)}
    try:
        return urljoin(page_url, options.detail_url.format_map(scalars))
    except (KeyError, ValueError, IndexError):
        return None


def dig(document: Any, path: str) -> Any:
    """`data.records` -> document["data"]["records"]; None when any step is missing."""
    for step in path.split("."):
        if not isinstance(document, Mapping):
            return None
        document = document.get(step)
    return document


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None
