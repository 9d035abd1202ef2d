"""Hanweb (大汉) JPaaS column lists, rendered in the browser from a JSON "unit" API.

The column page is a shell: a `<script src=".../AuthorizedRead/unitbuild.js" url="..." queryData="{...}">`
names the unit (webId, pageId = column id, tplSetId, tagId); the records come from
`/api-gateway/jpaas-publish-server/front/page/build/unit?...&paramJson={"pageNo":N,"pageSize":15}` as
`{"data": {"html": "<ul>...</ul>"}}`. The ids are read from the page at run time because they differ per
site and change with template edits. Paging works only through `paramJson`; each page names the next, so an
incremental crawl can stop early. The gateway rate-limits bursts: JPaaS sites want a delay >= 0.5 s.

Zhejiang and Jiangsu sites migrate column by column, so a page without a unit script is read as what it
probably is instead: an older jpage column (its `<datastore>` records and dataproxy paging, handled as
`hanweb_datastore` does), or a home / parent page whose column links (`list_patterns`) lead to the lists;
that is how a site is crawled whose column ids are not known yet.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

from lxml import html as lxml_html

from crawler.sites import Site
from spiders.strategies.base import (
    Listing,
    ListPage,
    ListRequest,
    article_links,
    links,
    start_requests,
    unique,
)
from spiders.strategies.hanweb_datastore import RECORD, HanwebDatastore

UNIT_API = "/api-gateway/jpaas-publish-server/front/page/build/unit"
PAGE_SIZE = 15
_IDS = ("webId", "pageId", "tplSetId", "tagId")
_FIXED = {"parseType": "bulidstatic", "pageType": "column", "editType": "null"}  # sic: "bulid"
_COLUMN_ID = re.compile(r"/col/col(\d+)/")
_PAIR = re.compile(r"""['"]?(\w+)['"]?\s*:\s*(?:'([^']*)'|"([^"]*)"|([\w.-]+))""")


class HanwebJpaas:
    name = "hanweb_jpaas"

    def first_requests(self, site: Site) -> list[ListRequest]:
        return start_requests(site)

    def parse(self, site: Site, page: ListPage) -> Listing:
        unit = page.state.get("unit")
        if unit is None:
            return self._column(site, page)
        articles = article_links(site, page.url, _unit_html(page.text))
        number = int(page.state.get("page_no", 1))
        depth = int(page.state.get("page", 0))
        # An empty page ends the list; so does a page identical to the last one (a gateway that ignores
        # pageNo would otherwise be walked max_list_pages times).
        if (
            not articles
            or articles[:1] == tuple(page.state.get("previous", ()))
            or depth + 1 >= site.max_list_pages
        ):
            return Listing(articles)
        following = _unit_request(page.state["api"], unit, number + 1, depth + 1, articles[:1])
        return Listing(articles, (following,))

    def _column(self, site: Site, page: ListPage) -> Listing:
        units = find_units(page.url, page.text)
        depth = int(page.state.get("page", 0))
        if units:
            return Listing((), tuple(_unit_request(api, unit, 1, depth + 1, ()) for api, unit in units))
        if page.state.get("window") or RECORD.search(page.text):
            return HanwebDatastore().parse(site, page)
        return _plain(site, page, depth)


def _plain(site: Site, page: ListPage, depth: int) -> Listing:
    """A page that is no list of its own: its article links, and the column pages it links to."""
    found = links(page.url, page.text)
    articles = unique(url for url, _ in found if site.is_article_url(url))
    if depth + 1 >= site.max_list_pages:
        return Listing(articles)
    columns = unique(url for url, _ in found if url != page.url and site.is_list_url(url))
    return Listing(articles, tuple(ListRequest(url, state={"page": depth + 1}) for url in columns))


def _unit_request(
    api: str, unit: Mapping[str, str], page_no: int, depth: int, previous: tuple[str, ...]
) -> ListRequest:
    size = int(unit.get("pageSize") or PAGE_SIZE)
    ids = {name: unit[name] for name in _IDS}
    param = json.dumps({"pageNo": page_no, "pageSize": size}, separators=(",", ":"))
    query = urlencode({**_FIXED, **ids, "paramJson": param})
    state = {"page": depth, "page_no": page_no, "api": api, "unit": dict(unit), "previous": list(previous)}
    return ListRequest(f"{api}?{query}", state=state)


def find_units(page_url: str, text: str) -> list[tuple[str, dict[str, str]]]:
    """(unit API URL, ids) for every unitbuild.js script on a column page that names a complete unit."""
    try:
        root = lxml_html.fromstring(text) if text.strip() else None
    except (ValueError, lxml_html.etree.ParserError):
        return []
    if root is None:
        return []
    found = []
    for script in root.iter("script"):
        if "unitbuild.js" not in (script.get("src") or "").lower():
            continue
        # Templates put the ids in queryData, in separate attributes, or both (attribute names vary in case).
        attributes = {key.lower(): value for key, value in script.attrib.items()}
        ids = {name: attributes[name.lower()] for name in (*_IDS, "pageSize") if attributes.get(name.lower())}
        ids.update(parse_query_data(attributes.get("querydata", "")))
        if not ids.get("pageId") and (column := _COLUMN_ID.search(urlsplit(page_url).path)):
            ids["pageId"] = column.group(1)
        if all(ids.get(name) for name in _IDS):
            api = urljoin(page_url, (attributes.get("url") or UNIT_API).split("?", 1)[0])
            if (api, ids) not in found:
                found.append((api, ids))
    return found


def parse_query_data(value: str) -> dict[str, str]:
    """`{'webId':3350,'pageId':'1229567890',...}`: JavaScript object syntax, single quotes, as written."""
    pairs = {}
    for match in _PAIR.finditer(value):
        key, text = match.group(1), next(g for g in match.groups()[1:] if g is not None)
        if key in (*_IDS, "pageSize") and text:
            pairs[key] = text
    return pairs


def _unit_html(text: str) -> str:
    try:
        document: Any = json.loads(text)
    except ValueError:
        return ""
    data = document.get("data") if isinstance(document, dict) else None
    markup = data.get("html") if isinstance(data, dict) else None
    return markup if isinstance(markup, str) else ""
