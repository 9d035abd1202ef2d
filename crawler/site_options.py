"""Per-strategy option tables of a site definition, e.g. `[site.list_api]` for `json_api`.

Kept apart from `crawler.sites` so the registry module stays small; errors still name the file, the site
and the field (`list_api.<key>`) through the error factory the registry passes in.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

ErrorFactory = Callable[[str, str], ValueError]
_DOTTED = re.compile(r"^[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*$")


@dataclass(frozen=True, slots=True)
class ListApi:
    """A JSON list API and how its records map to article URLs.

    `url` holds `{page}` (and optionally `{size}`); `records` is the dotted path to the record list
    (e.g. `data.records`). Each record gives its article URL either directly (`url_field`) or through
    `detail_url`, a template over the record's fields (e.g. `https://host/news/newDetail?id={id}`).
    Paging stops at an empty or short page, at `total` (dotted path to the record count) when given,
    or at the site's `max_list_pages`.
    """

    url: str
    records: str
    detail_url: str | None = None
    url_field: str | None = None
    page_size: int = 20
    first_page: int = 1
    total: str | None = None


_LIST_API_KEYS = {"url", "records", "detail_url", "url_field", "page_size", "first_page", "total"}


def template_fields(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]


def parse_list_api(value: Any, error: ErrorFactory) -> ListApi:
    if not isinstance(value, Mapping):
        raise error("list_api", "must be a table ([site.list_api])")
    unknown = sorted(set(value) - _LIST_API_KEYS)
    if unknown:
        raise error("list_api", f"unknown keys {unknown} (known: {', '.join(sorted(_LIST_API_KEYS))})")

    def text(name: str, required: bool) -> str | None:
        item = value.get(name)
        if item is None and not required:
            return None
        if not isinstance(item, str) or not item.strip():
            raise error(f"list_api.{name}", "must be a non-empty string")
        return item.strip()

    def number(name: str, default: int, low: int) -> int:
        item = value.get(name, default)
        if not isinstance(item, int) or isinstance(item, bool) or item < low:
            raise error(f"list_api.{name}", f"must be an integer >= {low}")
        return item

    url = text("url", True) or ""
    _check_template(url, {"page", "size"}, "url", error)
    if "page" not in template_fields(url):
        raise error("list_api.url", "must contain {page}")
    records = text("records", True) or ""
    total = text("total", False)
    for name, path in (("records", records), ("total", total)):
        if path is not None and not _DOTTED.match(path):
            raise error(f"list_api.{name}", f"{path!r} is not a dotted path such as data.records")
    detail_url, url_field = text("detail_url", False), text("url_field", False)
    if (detail_url is None) == (url_field is None):
        raise error("list_api", "give exactly one of detail_url (a template) or url_field")
    if detail_url is not None:
        _check_template(detail_url, None, "detail_url", error)
        if not template_fields(detail_url):
            raise error("list_api.detail_url", "must name a record field, e.g. {id}")
    return ListApi(
        url=url,
        records=records,
        detail_url=detail_url,
        url_field=url_field,
        page_size=number("page_size", 20, 1),
        first_page=number("first_page", 1, 0),
        total=total,
    )


def _check_template(template: str, allowed: set[str] | None, name: str, error: ErrorFactory) -> None:
    try:
        found = template_fields(template)
    except ValueError as problem:  # unbalanced braces
        raise error(f"list_api.{name}", f"bad template {template!r}: {problem}") from problem
    if any(not field or not field.isidentifier() for field in found):
        raise error(f"list_api.{name}", "placeholders must be plain names such as {page} or {id}")
    if allowed is not None and set(found) - allowed:
        raise error(f"list_api.{name}", f"only {sorted(allowed)} may appear, not {sorted(set(found))}")
    probe = urlsplit(template.replace("{", "").replace("}", ""))
    if probe.scheme not in ("http", "https", "") or (probe.scheme and not probe.netloc):
        raise error(f"list_api.{name}", "must be an http(s) URL or a path on the site's host")
