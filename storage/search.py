"""Chinese full-text index: CJK bigrams in SQLite FTS5 or a PostgreSQL tsvector, kept in step by ORM events.

The tokens and the query language are in `storage.search_tokens`; this module keeps the index.

- SQLite: contentless FTS5 table `article_fts(title, body, facets)`, tokenizer unicode61 over the tokens. Its
  rowid is `sort_key(published_at, id)` rather than the bare id, so "newest first" is FTS5's own descending
  rowid order and a top-20 stops after 20 hits instead of sorting every match. `facets` holds the article's
  site, the site's level and place, and the article's region tags, so filters narrow the index scan itself.
- PostgreSQL: side table `article_search(article_id, doc, long, published_at, facets)` with GIN indexes on
  `doc` and `facets`, and a b-tree on `published_at` so "newest first" can walk the index and stop after the
  top hits. A tsvector keeps at most 16383 positions and 256 per lexeme; longer documents are flagged `long`
  and matched by LIKE instead.

Index rows are written in the same transaction as the article (`before_flush`/`after_flush` listeners on
every Session, registered on import); a site whose level or place changes has its articles re-indexed in the
same way. Writes that bypass the ORM need `rebuild_index`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, event, inspect, select, text
from sqlalchemy.orm import Session, UOWTransaction

from storage.models import Article, SiteRecord
from storage.search_tokens import SitePlace, facet_tokens, index_tokens, quote_lexeme

logger = logging.getLogger(__name__)

FTS_TABLE = "article_fts"
PG_TABLE = "article_search"
_EPOCH = datetime(1900, 1, 1, tzinfo=UTC)
_ID_BITS = 32
PG_MAX_POSITION = 16383  # tsvector limits (PostgreSQL docs, "Text Search Types")
PG_MAX_POSITIONS_PER_LEXEME = 256
_PENDING = "canlian_search_pending"
# What an index row is made of, in the order `add_rows` and `remove_rows` take it.
INDEX_SOURCE = (
    Article.id,
    Article.title,
    Article.body,
    Article.published_at,
    Article.site_key,
    Article.regions,
    SiteRecord.level,
    SiteRecord.province,
    SiteRecord.city,
    SiteRecord.county,
)
_ARTICLE_SOURCE = INDEX_SOURCE[:6]  # the article's own columns, then its site's (a `SitePlace`)
_SITE_SOURCE = INDEX_SOURCE[6:]
_NO_PLACE = (None,) * len(_SITE_SOURCE)  # an article whose site is not recorded
_INDEXED_COLUMNS = tuple(c.key for c in _ARTICLE_SOURCE[1:])
_INDEXED_SITE_COLUMNS = tuple(c.key for c in _SITE_SOURCE)


def index_source(*where: ColumnElement[bool]) -> Select[Any]:
    """Index rows (`INDEX_SOURCE`) of the articles matching `where`, read from the database."""
    return select(*INDEX_SOURCE).outerjoin(SiteRecord, SiteRecord.key == Article.site_key).where(*where)


def sort_key(published_at: datetime | None, article_id: int) -> int:
    """FTS5 rowid: publication minute in the high bits, article id in the low 32; undated sorts oldest."""
    if not 0 < article_id < 1 << _ID_BITS:
        raise ValueError(f"article id {article_id} does not fit the search index key")
    minutes = 0 if published_at is None else max(0, int((published_at - _EPOCH).total_seconds() // 60))
    return (minutes << _ID_BITS) | article_id


def key_floor(moment: datetime) -> int:
    """The smallest rowid of anything published at or after `moment`."""
    return max(0, int((moment - _EPOCH).total_seconds() // 60)) << _ID_BITS


def article_id_of(key: int) -> int:
    return key & ((1 << _ID_BITS) - 1)


def pg_document(title: str, body: str) -> tuple[str, bool]:
    """A tsvector literal (title weighted A) and whether it had to be cut to PostgreSQL's limits.

    The literal is built here rather than by `to_tsvector`, so PostgreSQL's parser (locale-dependent, and
    splitting hyphenated words into extra positions) cannot shift a single position.
    """
    positions: dict[tuple[str, str], list[int]] = {}
    cut = False
    position = 1
    for weight, tokens in (("A", index_tokens(title)), ("D", index_tokens(body))):
        for token in tokens:
            if position > PG_MAX_POSITION:
                cut = True
                break
            found = positions.setdefault((token, weight), [])
            if len(found) < PG_MAX_POSITIONS_PER_LEXEME:
                found.append(position)
            else:
                cut = True
            position += 1
        position += 1  # a gap: no phrase runs from the title into the body
    entries = (
        f"{quote_lexeme(token)}:{','.join(f'{p}{weight}' for p in found)}"
        for (token, weight), found in positions.items()
    )
    return " ".join(entries), cut


# --- index maintenance -------------------------------------------------------------------------------


def index_available(connection: Connection) -> bool:
    dialect = connection.dialect.name
    if dialect == "sqlite":
        found = connection.execute(
            text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"), {"name": FTS_TABLE}
        ).first()
        return found is not None
    if dialect == "postgresql":
        return connection.execute(text("SELECT to_regclass(:name)"), {"name": PG_TABLE}).scalar() is not None
    return False


def add_rows(connection: Connection, rows: Iterable[Sequence[Any]]) -> int:
    """Index rows shaped like `INDEX_SOURCE` that are not in the index yet; returns the count."""
    count = 0
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(_index_values(connection, row))
        count += 1
        if len(batch) >= 500:
            _insert(connection, batch)
            batch = []
    if batch:
        _insert(connection, batch)
    return count


def remove_rows(connection: Connection, rows: Iterable[Sequence[Any]]) -> None:
    """Unindex rows shaped like `INDEX_SOURCE`, given the values they were indexed with.

    A contentless FTS5 table forgets a document only when told its exact tokens, hence the old values.
    """
    for row in rows:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"DELETE FROM {PG_TABLE} WHERE article_id = :id"), {"id": row[0]})
            continue
        values = _index_values(connection, row)
        present = connection.execute(text(f"SELECT 1 FROM {FTS_TABLE} WHERE rowid = :k"), values).first()
        if present is not None:  # deleting an absent document would corrupt the index
            connection.execute(
                text(
                    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body, facets)"
                    " VALUES('delete', :k, :t, :b, :f)"
                ),
                values,
            )


def _index_values(connection: Connection, row: Sequence[Any]) -> dict[str, Any]:
    article_id, title, body, published_at, site_key, regions, *place = row
    facets = facet_tokens(site_key, regions, SitePlace(*place))
    if connection.dialect.name == "postgresql":
        doc, cut = pg_document(title, body)
        # Stored as articles.published_at is (UTC without a zone), so both sort the same.
        when = published_at.astimezone(UTC).replace(tzinfo=None) if published_at else None
        return {"id": article_id, "doc": doc, "long": cut, "at": when, "f": facets}
    return {
        "k": sort_key(published_at, article_id),
        "t": " ".join(index_tokens(title)),
        "b": " ".join(index_tokens(body)),
        "f": " ".join(facets),
    }


def _insert(connection: Connection, batch: list[dict[str, Any]]) -> None:
    if connection.dialect.name == "postgresql":
        statement = (
            f"INSERT INTO {PG_TABLE} (article_id, doc, long, published_at, facets)"
            " VALUES (:id, CAST(:doc AS tsvector), :long, :at, :f)"
        )
    else:
        statement = f"INSERT INTO {FTS_TABLE} (rowid, title, body, facets) VALUES (:k, :t, :b, :f)"
    connection.execute(text(statement), batch)


def rebuild_index(session: Session) -> int:
    """Empty the index and index every article again (after writes that bypassed the ORM)."""
    session.flush()
    return rebuild_on(session.connection())


def rebuild_on(connection: Connection) -> int:
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"DELETE FROM {PG_TABLE}"))
    else:
        connection.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES('delete-all')"))
    return add_rows(connection, index_rows(connection))


def index_rows(connection: Connection, *where: ColumnElement[bool]) -> Iterator[Sequence[Any]]:
    """`INDEX_SOURCE` rows of the articles matching `where`, by id, in pages of constant size."""
    # Only columns of the first schema: migrations call this before later revisions run.
    statement = index_source(*where).order_by(Article.id)
    last = 0
    while True:  # keyset pages, so neither backend holds the whole archive in memory
        page = connection.execute(statement.where(Article.id > last).limit(2000)).all()
        if not page:
            return
        yield from page
        last = page[-1][0]


def index_article(session: Session, article: Article) -> None:
    """Index one flushed article by hand: only for writes that bypass the ORM listeners below."""
    connection = session.connection()
    add_rows(connection, [_source_of(article, _places(connection, {article.site_key}))])


# --- ORM listeners -----------------------------------------------------------------------------------


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context: UOWTransaction, _instances: object) -> None:
    session.info.pop(_PENDING, None)  # left over only by a flush that failed
    changed = [a for a in session.dirty if isinstance(a, Article) and _changed(a, _INDEXED_COLUMNS)]
    gone = [a for a in session.deleted if isinstance(a, Article)]
    added = [a for a in session.new if isinstance(a, Article)]
    moved = [s.key for s in session.dirty if isinstance(s, SiteRecord) and _changed(s, _INDEXED_SITE_COLUMNS)]
    if not (changed or gone or added or moved):
        return
    connection = session.connection()
    if not index_available(connection):
        logger.warning("archive has no search index (run `canlian db upgrade`); articles not indexed")
        return
    # The database still holds the values the index was built from: unindex with them.
    stale = [a.id for a in [*changed, *gone] if a.id is not None]
    if stale:
        remove_rows(connection, connection.execute(index_source(Article.id.in_(stale))).all())
    if moved:  # a site's level or place is in every one of its articles' facets
        logger.info("re-indexing the articles of sites whose level or place changed: %s", ", ".join(moved))
        remove_rows(connection, index_rows(connection, Article.site_key.in_(moved), Article.id.not_in(stale)))
    session.info[_PENDING] = ([*added, *changed], moved)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: UOWTransaction) -> None:
    pending: list[Article]
    pending, moved = session.info.pop(_PENDING, ([], []))
    alive = [a for a in pending if a.id is not None and a not in session.deleted]
    connection = session.connection()
    if alive:
        places = _places(connection, {a.site_key for a in alive})
        add_rows(connection, [_source_of(a, places) for a in alive])
    if moved:
        indexed = [a.id for a in alive]
        add_rows(connection, index_rows(connection, Article.site_key.in_(moved), Article.id.not_in(indexed)))


def _places(connection: Connection, site_keys: set[str]) -> dict[str, tuple[Any, ...]]:
    """The site columns of `INDEX_SOURCE` for these sites, by site key."""
    rows = connection.execute(select(SiteRecord.key, *_SITE_SOURCE).where(SiteRecord.key.in_(site_keys)))
    return {key: tuple(place) for key, *place in rows}


def _source_of(article: Article, places: dict[str, tuple[Any, ...]]) -> tuple[Any, ...]:
    """An `INDEX_SOURCE` row from an article in the session (its site's place read from the database)."""
    own = (getattr(article, column.key) for column in _ARTICLE_SOURCE)
    return (*own, *places.get(article.site_key, _NO_PLACE))


def _changed(instance: object, names: Sequence[str]) -> bool:
    state = inspect(instance)
    return any(state.attrs[name].history.has_changes() for name in names)
