"""Reading the archive: search, the records search and export share, and totals.

The unit is the story by default: a story matches when any of its copies matches the query and the filters,
and it is shown by its canonical copy with the number of copies. With `copies=True` every matching copy is
its own record. Search and export select through the same `storage.matching` statements (on PostgreSQL a
top-N search reaches the same rows by a cheaper route first), so a search can always be checked against an
export. Functions take a session the caller owns.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from storage.matching import (
    LEVELS,
    NO_FILTERS,
    Filters,
    Sort,
    matching,
    matching_newest,
    matching_rare,
    newest_window,
)
from storage.models import Article, Fetch, Page, SiteRecord, Story
from storage.search_tokens import parse_query
from storage.types import in_offset

__all__ = ["FIELDS", "LEVELS", "Filters", "Hit", "Record", "iter_records", "matching", "search"]

_LOAD_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Record:
    """One story (its canonical copy) or one copy: the unit of search results and export lines."""

    id: int  # the article id of the copy shown
    story_id: int | None
    title: str
    body: str
    published_at: datetime | None
    site: str
    url: str
    source: str | None
    region: str  # the publishing site's province/city/county
    regions: tuple[str, ...]  # places the article itself concerns
    level: str
    copies: int

    def to_dict(self) -> dict[str, Any]:
        values = {name: getattr(self, name) for name in FIELDS}
        values["published_at"] = self.published_at.isoformat() if self.published_at else None
        values["regions"] = list(self.regions)
        return values


FIELDS = tuple(Record.__dataclass_fields__)


@dataclass(frozen=True, slots=True)
class Hit:
    record: Record
    snippet: str

    # The attributes older callers (the demo summary) read straight off a hit.
    @property
    def id(self) -> int:
        return self.record.id

    @property
    def title(self) -> str:
        return self.record.title

    @property
    def site(self) -> str:
        return self.record.site

    @property
    def published_at(self) -> datetime | None:
        return self.record.published_at


def search(
    session: Session,
    query_text: str,
    filters: Filters = NO_FILTERS,
    *,
    copies: bool = False,
    limit: int = 20,
    sort: Sort = "newest",
    marks: tuple[str, str] = ("【", "】"),
) -> list[Hit]:
    """The first `limit` stories (or copies) matching `query_text` and `filters`."""
    query = parse_query(query_text)
    if query is None or limit <= 0:
        return []
    window = newest_window(session, limit) if sort == "newest" else None
    if window is None:
        shown = _first_units(session, matching(session, query, filters, sort), limit, copies)
    else:  # PostgreSQL: the newest rows first (what they hold are the first results), else every match
        shown = _first_units(session, matching_newest(session, query, filters, window), limit, copies)
        if len(shown) < limit:
            shown = _first_units(session, matching_rare(session, query, filters), limit, copies)
    records = _load(session, shown, copies)
    return [Hit(r, snippet(r.body, [p.text for p in query.positive], marks=marks)) for r in records]


def _first_units(
    session: Session, statement: Select[int, int | None], limit: int, copies: bool
) -> dict[tuple[str, int], int]:
    """The first `limit` stories (or copies) of `statement`'s rows: unit -> the article id that found it."""
    shown: dict[tuple[str, int], int] = {}
    # Fetch in chunks of `limit`: a bigger chunk makes FTS5 walk past the top `limit` matches for nothing,
    # which costs most under a selective filter (five index rows walked per row kept for a 1-in-5 site).
    result = session.execute(statement.execution_options(yield_per=limit))
    try:  # stop reading as soon as `limit` distinct units are found: FTS5 then stops too
        for article_id, story_id in result:
            unit = ("a", article_id) if copies or story_id is None else ("s", story_id)
            shown.setdefault(unit, article_id)
            if len(shown) >= limit:
                break
    finally:
        result.close()
    return shown


def search_articles(session: Session, query: str, limit: int = 20, site: str | None = None) -> list[Hit]:
    """Stories matching `query`, newest first (kept for the demo summary)."""
    return search(session, query, Filters(site=site), limit=limit)


def iter_records(
    session: Session, query_text: str | None, filters: Filters = NO_FILTERS, *, copies: bool = False
) -> Iterator[Record]:
    """Every record matching (all of them without a query), by article id, streamed in constant memory."""
    query = parse_query(query_text) if query_text else None
    if query_text and query is None:
        return
    statement = _records()
    if query is not None or filters != NO_FILTERS:
        found = matching(session, query, filters, None)
        if copies:
            statement = statement.where(Article.id.in_(found.with_only_columns(Article.id)))
        else:
            story_ids = found.with_only_columns(Article.story_id).where(Article.story_id.is_not(None))
            strays = found.with_only_columns(Article.id).where(Article.story_id.is_(None))
            statement = statement.where(or_(Article.story_id.in_(story_ids), Article.id.in_(strays)))
    if not copies:
        statement = statement.where(_is_story_representative())
    for row in session.execute(statement.order_by(Article.id).execution_options(yield_per=500)):
        yield _record(row)


def _is_story_representative() -> ColumnElement[bool]:
    canonical = select(Story.canonical_article_id).where(Story.id == Article.story_id).scalar_subquery()
    return or_(Article.story_id.is_(None), Article.id == func.coalesce(canonical, Article.id))


@cache
def _records() -> Select[Any]:
    """The record columns (built once: constructing the aliased count costs milliseconds per query)."""
    copy = aliased(Article)
    copies = select(func.count()).where(copy.story_id == Article.story_id).scalar_subquery()
    return select(
        *(getattr(Article, name) for name in ("id", "story_id", "title", "body", "published_at")),
        Article.published_offset,
        Article.site_key,
        Article.url,
        Article.source,
        Article.regions,
        SiteRecord.province,
        SiteRecord.city,
        SiteRecord.county,
        SiteRecord.level,
        copies,
    ).join(SiteRecord, SiteRecord.key == Article.site_key)


def _record(row: Sequence[Any]) -> Record:
    (id_, story_id, title, body, published_at, offset, site, url, source, tags, province, city) = row[:12]
    county, level, copies = row[12], row[13], row[14]
    region = "/".join(p for p in (province, city, county) if p)
    return Record(
        id_,
        story_id,
        title,
        body,
        in_offset(published_at, offset),
        site,
        url,
        source,
        region,
        _tag_names(tags),
        level,
        copies or 1,
    )


def _tag_names(tags: Any) -> tuple[str, ...]:
    names = []
    for tag in tags or ():
        name = tag if isinstance(tag, str) else (tag.get("county") or tag.get("city") or tag.get("province"))
        if name:
            names.append(str(name))
    return tuple(names)


def _load(session: Session, shown: dict[tuple[str, int], int], copies: bool) -> list[Record]:
    """The records for `shown` units, in their order: a story is shown by its canonical copy."""
    story_ids = [unit_id for kind, unit_id in shown if kind == "s"]
    canonical: dict[int, int | None] = {}
    for start in range(0, len(story_ids), _LOAD_CHUNK):
        chunk = story_ids[start : start + _LOAD_CHUNK]
        statement = select(Story.id, Story.canonical_article_id).where(Story.id.in_(chunk))
        canonical.update((story_id, article_id) for story_id, article_id in session.execute(statement))
    wanted = [
        canonical.get(unit_id) or found if kind == "s" else found for (kind, unit_id), found in shown.items()
    ]
    rows: dict[int, Record] = {}
    for start in range(0, len(wanted), _LOAD_CHUNK):  # SQLite caps the bound parameters of one statement
        chunk = wanted[start : start + _LOAD_CHUNK]
        rows.update((r.id, r) for r in map(_record, session.execute(_records().where(Article.id.in_(chunk)))))
    return [rows[article_id] for article_id in wanted if article_id in rows]


def snippet(
    text_: str, terms: Sequence[str] = (), width: int = 60, marks: tuple[str, str] = ("【", "】")
) -> str:
    """A window of `text_` around the first term found, the term wrapped in `marks`."""
    flat = " ".join(text_.split())
    lowered = flat.lower()
    found = [(lowered.find(t.lower()), t) for t in terms if t and lowered.find(t.lower()) >= 0]
    if not found:
        return flat[:width] + ("…" if len(flat) > width else "")
    position, term = min(found)
    start = max(0, position - width // 3)
    end = min(len(flat), position + len(term) + width)
    marked = flat[position : position + len(term)]
    return (
        ("…" if start else "")
        + flat[start:position]
        + marks[0]
        + marked
        + marks[1]
        + flat[position + len(term) : end]
        + ("…" if end < len(flat) else "")
    )


@dataclass(frozen=True, slots=True)
class SiteTotals:
    site: str
    name: str
    pages: int
    articles: int
    fetches: int


def archive_totals(session: Session) -> list[SiteTotals]:
    articles = dict(session.execute(select(Article.site_key, func.count()).group_by(Article.site_key)).all())
    pages = dict(session.execute(select(Page.site_key, func.count()).group_by(Page.site_key)).all())
    fetches = dict(
        session.execute(
            select(Page.site_key, func.count()).join(Fetch, Fetch.page_id == Page.id).group_by(Page.site_key)
        ).all()
    )
    return [
        SiteTotals(key, name, pages.get(key, 0), articles.get(key, 0), fetches.get(key, 0))
        for key, name in session.execute(
            select(SiteRecord.key, SiteRecord.name).order_by(SiteRecord.key)
        ).all()
    ]
