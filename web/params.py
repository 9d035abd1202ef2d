"""Query parameters of the pages and the API, validated into the values `storage/` takes.

Every parameter arrives as text (an HTML form sends empty fields as ``name=``, which means "not given"); a
value that cannot be used is a `BadParameter`, answered with 400 and a message naming the parameter.
The parsed request can write itself back as a query string, so every page's URL holds its whole query.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Annotated, get_args
from urllib.parse import urlencode

from fastapi import Query

from storage.matching import LEVELS, Filters, Sort
from storage.runs import RUN_STATUSES

MAX_PAGE = 50  # deeper than this, narrow the query: search loads every earlier result to find a page
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
_MAX_TEXT = {"q": 200, "site": 64, "region": 32, "source": 100}
_TRUE, _FALSE = ("1", "on", "true", "yes"), ("", "0", "off", "false", "no")
SORTS: tuple[str, ...] = get_args(Sort)


class BadParameter(ValueError):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name, self.message = name, message


def text_param(name: str, value: str) -> str | None:
    value = value.strip()
    limit = _MAX_TEXT.get(name, 64)
    if len(value) > limit:
        raise BadParameter(name, f"at most {limit} characters")
    return value or None


def date_param(name: str, value: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise BadParameter(name, f"{value!r} is not a date (YYYY-MM-DD)") from None


def choice_param(name: str, value: str, choices: tuple[str, ...], default: str | None = None) -> str | None:
    if not value:
        return default
    if value not in choices:
        raise BadParameter(name, f"{value!r} is not one of {', '.join(choices)}")
    return value


def flag_param(name: str, value: str) -> bool:
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise BadParameter(name, f"{value!r} is not a yes/no value (1 or 0)")


def int_param(name: str, value: str, default: int, low: int, high: int) -> int:
    if not value.strip():
        return default
    try:
        number = int(value)
    except ValueError:
        raise BadParameter(name, f"{value!r} is not a whole number") from None
    if not low <= number <= high:
        raise BadParameter(name, f"must be between {low} and {high}")
    return number


def query_string(values: dict[str, object]) -> str:
    """`?a=1&b=2` of the values that are set (None, False and "" are left out), or ""."""
    kept = {k: ("1" if v is True else str(v)) for k, v in values.items() if v not in (None, False, "")}
    return "?" + urlencode(kept) if kept else ""


@dataclass(frozen=True, slots=True)
class SearchRequest:
    query: str | None
    filters: Filters
    copies: bool = False
    sort: Sort = "newest"
    page: int = 1
    per_page: int = PAGE_SIZE

    def link(self, **changes: object) -> str:
        """This search's query string, with `changes` (e.g. another page)."""
        other = replace(self, **changes)  # type: ignore[arg-type]
        f = other.filters
        return query_string(
            {
                "q": other.query,
                "since": f.since,
                "until": f.until,
                "site": f.site,
                "region": f.region,
                "level": f.level,
                "source": f.source,
                "copies": other.copies,
                "sort": None if other.sort == "newest" else other.sort,
                "page": None if other.page == 1 else other.page,
                "per_page": None if other.per_page == PAGE_SIZE else other.per_page,
            }
        )


def _query(description: str) -> object:
    return Query(description=description)


async def search_params(
    q: Annotated[str, _query('words (ANDed), "a phrase", a OR b, NOT a / -a')] = "",
    since: Annotated[str, _query("published on or after, YYYY-MM-DD (China time)")] = "",
    until: Annotated[str, _query("published on or before, YYYY-MM-DD (China time)")] = "",
    site: Annotated[str, _query("site key")] = "",
    region: Annotated[
        str, _query("province, city or county (or its start), of the site or the article")
    ] = "",
    level: Annotated[str, _query(f"site level: {', '.join(LEVELS)}")] = "",
    source: Annotated[str, _query("part of the article's source line")] = "",
    copies: Annotated[str, _query("1: every copy; 0 (default): one result per story")] = "",
    sort: Annotated[str, _query(f"{' or '.join(SORTS)} (default newest)")] = "",
    page: Annotated[str, _query(f"page number, 1 to {MAX_PAGE}")] = "",
    per_page: Annotated[str, _query(f"results per page, 1 to {MAX_PAGE_SIZE} (default {PAGE_SIZE})")] = "",
) -> SearchRequest:
    since_day, until_day = date_param("since", since), date_param("until", until)
    if since_day and until_day and since_day > until_day:
        raise BadParameter("until", "is before since")
    filters = Filters(
        since_day,
        until_day,
        text_param("site", site),
        text_param("region", region),
        choice_param("level", level, LEVELS),
        text_param("source", source),
    )
    return SearchRequest(
        text_param("q", q),
        filters,
        flag_param("copies", copies),
        choice_param("sort", sort, SORTS, "newest"),  # type: ignore[arg-type]
        int_param("page", page, 1, 1, MAX_PAGE),
        int_param("per_page", per_page, PAGE_SIZE, 1, MAX_PAGE_SIZE),
    )


@dataclass(frozen=True, slots=True)
class RunsRequest:
    site: str | None
    status: str | None
    page: int

    def link(self, **changes: object) -> str:
        other = replace(self, **changes)  # type: ignore[arg-type]
        page = None if other.page == 1 else other.page
        return query_string({"site": other.site, "status": other.status, "page": page})


RUNS_PAGE_SIZE = 50
MAX_RUNS_PAGE = 10_000


async def runs_params(
    site: Annotated[str, _query("site key")] = "",
    status: Annotated[str, _query(f"run status: {', '.join(RUN_STATUSES)}")] = "",
    page: Annotated[str, _query(f"page number ({RUNS_PAGE_SIZE} runs a page)")] = "",
) -> RunsRequest:
    return RunsRequest(
        text_param("site", site),
        choice_param("status", status, RUN_STATUSES),
        int_param("page", page, 1, 1, MAX_RUNS_PAGE),
    )


@dataclass(frozen=True, slots=True)
class StatsRequest:
    site: str | None
    region: str | None


async def stats_params(
    site: Annotated[str, _query("only this site's articles")] = "",
    region: Annotated[str, _query("only sites whose province, city or county starts with this")] = "",
) -> StatsRequest:
    return StatsRequest(text_param("site", site), text_param("region", region))
