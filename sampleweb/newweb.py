"""Routing and registry entries of the sites added for the later list strategies (jpaas, jsonapi, iframe)."""

from __future__ import annotations

import re
from typing import Any

from sampleweb import iframe, jpaas, jsonapi
from sampleweb import sites as S
from sampleweb.catalog import Catalog
from sampleweb.model import Entry
from sampleweb.newsites import JPAAS_COLUMN, NEW_SITES
from sampleweb.pages import Response, not_found

__all__ = ["ARTICLES", "LISTS", "NEW_SITES", "ROBOTS", "START", "STRATEGY", "article", "is_list", "other"]

_IFRAME_LIST = re.compile(r"^/xwzx/bmdt/list_(\d+)\.html$")

ROBOTS = {
    S.JPAAS: "User-agent: *\nDisallow: /manage/\n",
    S.JSONAPI: "User-agent: *\nDisallow: /admin/\n",
    S.IFRAME: "User-agent: *\nDisallow: /manage/\n",
}
START = {S.JPAAS: jpaas.COLUMN_PATH, S.JSONAPI: "/", S.IFRAME: iframe.SHELL_PATH}
ARTICLES = {
    S.JPAAS: [
        rf"/col/col{JPAAS_COLUMN}/art/\d{{4}}/art_[0-9a-f]{{32}}\.html$",
        rf"/art/\d{{4}}/\d{{1,2}}/\d{{1,2}}/art_{JPAAS_COLUMN}_\d+\.html$",
    ],
    S.JSONAPI: [r"/news/newDetail\?id=\d+$"],
    S.IFRAME: [r"/doc/\d{4}/\d{2}/\d{2}/\d+\.shtml$"],
}
LISTS = {
    S.JPAAS: [rf"/col/col{JPAAS_COLUMN}/index\.html$", re.escape(jpaas.UNIT_API) + r"\?.*$"],
    S.JSONAPI: [re.escape(jsonapi.LIST_API) + r"\?.*$"],
    # Broader than the column on purpose, as users write them: the strategy must keep to the column.
    S.IFRAME: [r"/xwzx/bmdt/index\.html$", r"/xwzx/\w+/list_\d+\.html$"],
}
STRATEGY = {S.JPAAS: "hanweb_jpaas", S.JSONAPI: "json_api", S.IFRAME: "iframe_shell"}


def options(site_key: str, base: str) -> dict[str, Any]:
    """Option tables of the registry entry (only the JSON-API site has one)."""
    if site_key != S.JSONAPI:
        return {}
    table = {
        "url": base + jsonapi.LIST_API + "?pageNum={page}&pageSize={size}",
        "records": "data.records",
        "detail_url": base + "/news/newDetail?id={id}",
        "page_size": 20,
        "total": "data.total",
    }
    return {"list_api": table}


def article(entry: Entry) -> Response:
    render = {S.JPAAS: jpaas.article, S.JSONAPI: jsonapi.article, S.IFRAME: iframe.article}[entry.site]
    return render(entry)


def other(catalog: Catalog, site_key: str, path: str, query: str) -> Response:
    if site_key == S.JPAAS:
        if path == jpaas.COLUMN_PATH:
            return jpaas.column_page()
        if path == jpaas.UNIT_API:
            return jpaas.unit(catalog, query)
    elif site_key == S.JSONAPI:
        if path == "/":
            return jsonapi.home()
        if path == jsonapi.LIST_API:
            return jsonapi.information_list(catalog, query)
    elif path == iframe.SHELL_PATH:
        return iframe.shell()
    elif match := _IFRAME_LIST.match(path):
        return iframe.list_page(catalog, int(match.group(1)))
    return not_found()


def is_list(site_key: str, path: str) -> bool:
    if site_key == S.JPAAS:
        return path in (jpaas.COLUMN_PATH, jpaas.UNIT_API)
    if site_key == S.JSONAPI:
        return path == jsonapi.LIST_API
    return path == iframe.SHELL_PATH or bool(_IFRAME_LIST.match(path))
