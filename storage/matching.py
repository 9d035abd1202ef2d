"""Which articles match a search: the statements `storage.queries` runs, one per backend.

- SQLite: the FTS5 MATCH carries the text query and the site, level and region filters (facet terms); its
  rowid carries the publication minute, so date ranges and "newest first" are rowid ranges and order.
- PostgreSQL: the tsvector match, a containment test on the index row's facets, and the index row's own
  publication time with a newest-first b-tree; `newest_window` works around the planner's estimate of
  phrases (see there).
- No text query: plain filters on the articles and their sites.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any, Literal

from sqlalchemy import (
    Float,
    Integer,
    Select,
    Text,
    and_,
    bindparam,
    cast,
    column,
    func,
    not_,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from storage.models import Article, SiteRecord
from storage.search import FTS_TABLE, PG_TABLE, key_floor
from storage.search_tokens import Query, facet_match, filter_facets

# Dates given on the command line are days in China, where the archive's articles are published.
ARCHIVE_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")
LEVELS = ("national", "province", "city", "county", "news")
Sort = Literal["newest", "best"]
_ID_MASK = (1 << 32) - 1
_MIN_WINDOW = 500
_PG_INDEX = table(
    PG_TABLE,
    column("article_id", Integer),
    column("doc"),
    column("long"),
    column("published_at"),
    column("facets", ARRAY(Text)),
)


@dataclass(frozen=True, slots=True)
class Filters:
    since: date | None = None  # inclusive
    until: date | None = None  # inclusive
    site: str | None = None
    region: str | None = None  # province, city or county name (or its start: 浙江 finds 浙江省)
    level: str | None = None
    source: str | None = None  # part of the source line


NO_FILTERS = Filters()


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def matching(
    session: Session, query: Query | None, filters: Filters, sort: Sort | None
) -> Select[int, int | None]:
    """`(article id, story id)` of every copy matching, in `sort` order (unordered when None)."""
    if query is not None:
        if session.get_bind().dialect.name == "sqlite":
            return _fts5_matching(session, query, filters, sort)
        return _tsvector_matching(session, query, filters, sort)
    statement = select(Article.id, Article.story_id)
    if filters.level or filters.region:
        statement = statement.join(SiteRecord, SiteRecord.key == Article.site_key)
    statement = statement.where(*_filter_clauses(session, filters))
    return (
        statement.order_by(Article.published_at.desc().nulls_last(), Article.id.desc()) if sort else statement
    )


def newest_window(session: Session, limit: int) -> int | None:
    """PostgreSQL: how many of the newest index rows a top-`limit` search tries first (None on SQLite).

    PostgreSQL estimates a phrase of bigrams as if its pairs were independent, so a phrase in a fifth of the
    archive is estimated at a handful of rows: the planner then rechecks every match found through the GIN
    index and sorts them all (hundreds of ms), where walking the newest-first b-tree would have stopped
    after a few dozen rows. Trying the newest rows first costs at most the window; falling back after it
    costs what the bitmap plan costs for a phrase rarer than `limit / window`. A window of sqrt(limit x
    rows) balances the two, so neither kind of query pays more than about twice its best plan.
    """
    if session.get_bind().dialect.name != "postgresql":
        return None
    rows = session.execute(
        text("SELECT reltuples FROM pg_class WHERE oid = to_regclass(:t)"), {"t": PG_TABLE}
    )
    estimate = max(0.0, float(rows.scalar() or 0))  # -1 before the table was first analysed
    return max(_MIN_WINDOW, int(math.sqrt(limit * estimate)))


def _tsvector_matching(
    session: Session, query: Query, filters: Filters, sort: Sort | None
) -> Select[int, int | None]:
    """PostgreSQL: site, level and region filters are a containment test on the index row's facets."""
    statement = _text_matching(session, query, filters, _PG_INDEX).where(*_pg_narrowing(filters))
    if sort == "best":
        tsquery = _tsquery(query)
        return statement.order_by(func.ts_rank(_PG_INDEX.c.doc, tsquery).desc(), Article.id.desc())
    # The index table's own copy of the date: its "newest first" b-tree lets a top-20 stop early.
    return statement.order_by(*_newest(_PG_INDEX)) if sort else statement


def matching_newest(session: Session, query: Query, filters: Filters, window: int) -> Select[int, int | None]:
    """PostgreSQL: `matching` newest first, among only the `window` newest index rows passing the filters.

    Its rows are the first rows of `matching(..., "newest")`: if they hold enough results, those are the
    results; if not, the matches are rarer than `limit / window` and `matching_rare` finds them cheaper.
    """
    recent = _PG_INDEX.select().where(*_pg_narrowing(filters)).order_by(*_newest(_PG_INDEX))
    found = recent.limit(window).subquery("recent")  # LIMIT fences it: the text match is tested after
    return _text_matching(session, query, filters, found).order_by(*_newest(found))


def matching_rare(session: Session, query: Query, filters: Filters) -> Select[int, int | None]:
    """PostgreSQL: `matching` newest first, every match collected through the GIN index, then sorted.

    For a query `matching_newest` found rare: the planner, misjudging a phrase, may otherwise walk the
    newest-first b-tree past thousands of rows for a word in a few dozen documents.
    """
    index = _PG_INDEX.c
    hits = (
        select(index.article_id, index.published_at, index.long)
        .where(*_pg_narrowing(filters), or_(_indexed_match(_PG_INDEX, query), index.long))
        .cte("hits")
        .prefix_with("MATERIALIZED")  # computed whole, so no ordered index walk can be planned into it
    )
    statement = _copies_of(session, filters, hits).where(or_(not_(hits.c.long), _like(query)))
    return statement.order_by(*_newest(hits))


def _text_matching(session: Session, query: Query, filters: Filters, found: Any) -> Select[int, int | None]:
    """Articles joined to the index rows `found` whose text matches (LIKE for documents too long to index)."""
    return _copies_of(session, filters, found).where(
        or_(_indexed_match(found, query), and_(found.c.long, _like(query)))
    )


def _copies_of(session: Session, filters: Filters, found: Any) -> Select[int, int | None]:
    """`(article id, story id)` of the index rows `found`, with the filters the index does not hold."""
    statement = select(Article.id, Article.story_id).join(found, found.c.article_id == Article.id)
    return statement.where(*_filter_clauses(session, filters, facets_in_index=True))


def _indexed_match(found: Any, query: Query) -> ColumnElement[bool]:
    """The index row's tsvector matches (rows flagged `long` hold no full document: matched by LIKE)."""
    return and_(not_(found.c.long), found.c.doc.op("@@")(_tsquery(query)))


def _pg_narrowing(filters: Filters) -> list[ColumnElement[bool]]:
    """Filters tested on the index row itself: its facets, and its own copy of the date."""
    clauses = []
    facets = _facets(filters)
    if facets:  # a cheap test on the index row, before the text match detoasts its document
        clauses.append(_PG_INDEX.c.facets.contains(facets))
    if filters.since:  # UTC without a zone, as the index stores it, so its b-tree can range
        clauses.append(_PG_INDEX.c.published_at >= _utc_naive(_day_start(filters.since)))
    if filters.until:
        clauses.append(_PG_INDEX.c.published_at < _utc_naive(_day_start(filters.until, 1)))
    return clauses


def _newest(found: Any) -> tuple[ColumnElement[Any], ...]:
    return (found.c.published_at.desc().nulls_last(), found.c.article_id.desc())


def _tsquery(query: Query) -> ColumnElement[Any]:
    return cast(bindparam("tsquery", query.tsquery()), TSQUERY)


def _fts5_matching(
    session: Session, query: Query, filters: Filters, sort: Sort | None
) -> Select[int, int | None]:
    """SQLite: site, level and region filters are facet terms of the MATCH: FTS5 skips what they exclude."""
    fts = table(FTS_TABLE, column("rowid", Integer), column("rank", Float))
    statement = select(Article.id, Article.story_id).join(fts, Article.id == fts.c.rowid.op("&")(_ID_MASK))
    statement = statement.where(*_filter_clauses(session, filters, facets_in_index=True))
    match = "{title body} : (" + query.fts5() + ")"
    facets = _facets(filters)
    if facets:
        match += " AND " + facet_match(facets)
    statement = statement.where(text(f"{FTS_TABLE} MATCH :fts_match").bindparams(fts_match=match))
    # The rowid carries the publication minute, so a date range narrows the FTS5 scan itself.
    if filters.since:
        statement = statement.where(fts.c.rowid >= key_floor(_day_start(filters.since)))
    if filters.until:
        statement = statement.where(fts.c.rowid < key_floor(_day_start(filters.until, 1)))
    if sort == "best":
        return statement.order_by(fts.c.rank, fts.c.rowid.desc())
    return statement.order_by(fts.c.rowid.desc()) if sort else statement


def _facets(filters: Filters) -> list[str]:
    """The facet tokens of the site, level and region filters: the index holds each article's site, the
    site's level and place, and the article's region tags, so no filter reads the sites table per query."""
    return filter_facets(filters.site, filters.level, filters.region)


def _filter_clauses(
    session: Session, filters: Filters, *, facets_in_index: bool = False
) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if filters.since:
        clauses.append(Article.published_at >= _day_start(filters.since))
    if filters.until:
        clauses.append(Article.published_at < _day_start(filters.until, 1))
    if filters.source:
        clauses.append(Article.source.like(f"%{escape_like(filters.source)}%", escape="\\"))
    if facets_in_index:
        return clauses
    if filters.site:
        clauses.append(Article.site_key == filters.site)
    if filters.level:
        clauses.append(SiteRecord.level == filters.level)
    if filters.region:
        pattern = f"{escape_like(filters.region)}%"
        clauses.append(or_(_site_in_region(filters.region), _region_tag(session, pattern)))
    return clauses


def _site_in_region(region: str) -> ColumnElement[bool]:
    pattern = f"{escape_like(region)}%"
    return or_(
        *(c.like(pattern, escape="\\") for c in (SiteRecord.province, SiteRecord.city, SiteRecord.county))
    )


def _region_tag(session: Session, pattern: str) -> ColumnElement[bool]:
    """The article's own region tags (objects with province/city/county, or plain names) match `pattern`."""
    if session.get_bind().dialect.name == "postgresql":
        sql = (
            "EXISTS (SELECT 1 FROM json_array_elements(articles.regions) AS tag WHERE"
            " (json_typeof(tag) = 'object' AND (tag->>'province' LIKE :region ESCAPE '\\'"
            " OR tag->>'city' LIKE :region ESCAPE '\\' OR tag->>'county' LIKE :region ESCAPE '\\'))"
            " OR (json_typeof(tag) = 'string' AND tag#>>'{}' LIKE :region ESCAPE '\\'))"
        )
    else:
        sql = (
            "EXISTS (SELECT 1 FROM json_tree(articles.regions) AS tag WHERE tag.type = 'text'"
            " AND (tag.key IN ('province', 'city', 'county') OR tag.path = '$')"
            " AND tag.value LIKE :region ESCAPE '\\')"
        )
    return text(sql).bindparams(region=pattern)  # type: ignore[return-value]


def _like(query: Query) -> ColumnElement[bool]:
    """The query as LIKE tests, for documents too long for a tsvector."""

    def contains(phrase_text: str) -> ColumnElement[bool]:
        pattern = f"%{escape_like(phrase_text)}%"
        return or_(Article.title.ilike(pattern, escape="\\"), Article.body.ilike(pattern, escape="\\"))

    clauses = [or_(*(contains(p.text) for p in group)) for group in query.groups]
    clauses += [not_(contains(p.text)) for p in query.excluded]
    return and_(*clauses)


def _day_start(day: date, plus_days: int = 0) -> datetime:
    return datetime.combine(day + timedelta(days=plus_days), time(), ARCHIVE_TZ)


def _utc_naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)
