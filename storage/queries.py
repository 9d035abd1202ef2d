"""Reading the archive: search, the records search and export share, and totals.

The unit is the story by default: a story matches when any of its copies matches the query and the filters,
and it is shown by its canonical copy with the number of copies. With `copies=True` every matching copy is
its own record. Search and export select through the same `matching` statement, so a search can always be
checked against an export. Functions take a session the caller owns.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import cache
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
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from storage.models import Article, Fetch, Page, SiteRecord, Story
from storage.search import FTS_TABLE, PG_TABLE, key_floor
from storage.search_tokens import Query, facet_match, filter_facets, parse_query

# Dates given on the command line are days in China, where the archive's articles are published.
ARCHIVE_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")
LEVELS = ("national", "province", "city", "county", "news")
Sort = Literal["newest", "best"]
_ID_MASK = (1 << 32) - 1
_LOAD_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Filters:
    since: date | None = None  # inclusive
    until: date | None = None  # inclusive
    site: str | None = None
    region: str | None = None  # province, city or county name (or its start: 浙江 finds 浙江省)
    level: str | None = None
    source: str | None = None  # part of the source line


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


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(
    session: Session,
    query_text: str,
    filters: Filters = Filters(),
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
    shown: dict[tuple[str, int], int] = {}  # story (or copy) -> the article id that found it
    # Fetch in chunks of `limit`: a bigger chunk makes FTS5 walk past the top `limit` matches for nothing,
    # which costs most under a selective filter (five index rows walked per row kept for a 1-in-5 site).
    statement = matching(session, query, filters, sort).execution_options(yield_per=limit)
    result = session.execute(statement)
    try:  # stop reading as soon as `limit` distinct units are found: FTS5 then stops too
        for article_id, story_id in result:
            unit = ("a", article_id) if copies or story_id is None else ("s", story_id)
            shown.setdefault(unit, article_id)
            if len(shown) >= limit:
                break
    finally:
        result.close()
    records = _load(session, shown, copies)
    return [Hit(r, snippet(r.body, [p.text for p in query.positive], marks=marks)) for r in records]


def search_articles(session: Session, query: str, limit: int = 20, site: str | None = None) -> list[Hit]:
    """Stories matching `query`, newest first (kept for the demo summary)."""
    return search(session, query, Filters(site=site), limit=limit)


def iter_records(
    session: Session, query_text: str | None, filters: Filters = Filters(), *, copies: bool = False
) -> Iterator[Record]:
    """Every record matching (all of them without a query), by article id, streamed in constant memory."""
    query = parse_query(query_text) if query_text else None
    if query_text and query is None:
        return
    statement = _records()
    if query is not None or filters != Filters():
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


def _tsvector_matching(
    session: Session, query: Query, filters: Filters, sort: Sort | None
) -> Select[int, int | None]:
    """PostgreSQL: site, level and region filters are a containment test on the index row's facets."""
    found = table(
        PG_TABLE,
        column("article_id", Integer),
        column("doc"),
        column("long"),
        column("published_at"),
        column("facets", ARRAY(Text)),
    )
    statement = select(Article.id, Article.story_id).join(found, found.c.article_id == Article.id)
    statement = statement.where(*_filter_clauses(session, filters, facets_in_index=True))
    facets = _facets(filters)
    if facets:  # first: a cheap test on the index row before the text match detoasts its document
        statement = statement.where(found.c.facets.contains(facets))
    tsquery = cast(bindparam("tsquery", query.tsquery()), TSQUERY)
    statement = statement.where(
        or_(
            and_(not_(found.c.long), found.c.doc.op("@@")(tsquery)),
            and_(found.c.long, _like(query)),
        )
    )
    ranked = (func.ts_rank(found.c.doc, tsquery).desc(), Article.id.desc())
    # The index table's own copy of the date: its "newest first" b-tree lets a top-20 stop early.
    indexed_newest = (found.c.published_at.desc().nulls_last(), found.c.article_id.desc())
    return statement.order_by(*(ranked if sort == "best" else indexed_newest)) if sort else statement


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
    (id_, story_id, title, body, published_at, site, url, source, tags, province, city, county) = row[:12]
    level, copies = row[12], row[13]
    region = "/".join(p for p in (province, city, county) if p)
    return Record(
        id_,
        story_id,
        title,
        body,
        published_at,
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
