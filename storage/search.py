"""Chinese full-text index: CJK bigrams in SQLite FTS5 or a PostgreSQL tsvector, kept in step by ORM events.

Neither backend can segment Chinese (field-notes.md), so text is pre-tokenised here: every CJK run becomes its
overlapping character pairs followed by its last character alone (so a run of n characters gives n tokens and
a run's end is findable); other letters and digits become lower-cased words. A query string becomes the phrase
of its own tokens (`parse_query`), which finds every text containing it.

- SQLite: contentless FTS5 table `article_fts(title, body)`, tokenizer unicode61 over the tokens. Its rowid is
  `sort_key(published_at, id)` rather than the bare id, so "newest first" is FTS5's own descending rowid
  order and a top-20 stops after 20 hits instead of sorting every match.
- PostgreSQL: side table `article_search(article_id, doc, long)` with a GIN index. A tsvector keeps at most
  16383 positions and 256 per lexeme; documents beyond that are flagged `long` and matched by LIKE instead.

Index rows are written in the same transaction as the article (`before_flush`/`after_flush` listeners on
every Session, registered on import). Writes that bypass the ORM need `rebuild_index`.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, event, inspect, select, text
from sqlalchemy.orm import Session, UOWTransaction

from storage.models import Article

logger = logging.getLogger(__name__)

FTS_TABLE = "article_fts"
PG_TABLE = "article_search"
# Han (with extensions and compatibility forms), kana and hangul: scripts written without spaces.
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\U00020000-\U0003134f"
_WORD = re.compile(r"[^\W_]+")
_RUN = re.compile(f"[{CJK}]+|[^{CJK}]+")
_CJK_CHAR = re.compile(f"[{CJK}]")
_EPOCH = datetime(1900, 1, 1, tzinfo=UTC)
_ID_BITS = 32
PG_MAX_POSITION = 16383  # tsvector limits (PostgreSQL docs, "Text Search Types")
PG_MAX_POSITIONS_PER_LEXEME = 256
_PENDING = "canlian_search_pending"
_INDEXED_COLUMNS = ("title", "body", "published_at")


def runs(text: str) -> list[str]:
    """Indexable runs of `text`: maximal CJK runs and non-CJK letter/digit runs, NFKC-normalised."""
    return [run for word in _WORD.findall(unicodedata.normalize("NFKC", text)) for run in _RUN.findall(word)]


def is_cjk(run: str) -> bool:
    return bool(_CJK_CHAR.match(run))


def index_tokens(text: str) -> list[str]:
    tokens: list[str] = []
    for run in runs(text):
        if is_cjk(run):
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
            tokens.append(run[-1])
        else:
            tokens.append(run.lower())
    return tokens


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


def quote_lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


# --- query language ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Phrase:
    """One query term: the user's text and the index tokens that find it (the last one maybe a prefix)."""

    text: str
    tokens: tuple[str, ...]
    prefix: bool


@dataclass(frozen=True, slots=True)
class Query:
    """`groups` are ANDed, the phrases inside a group ORed; a hit contains no `excluded` phrase."""

    groups: tuple[tuple[Phrase, ...], ...]
    excluded: tuple[Phrase, ...] = ()

    def fts5(self) -> str:
        """An FTS5 MATCH expression built only from quoted tokens of our own making."""
        match = " AND ".join("(" + " OR ".join(map(_fts5_phrase, g)) + ")" for g in self.groups)
        if self.excluded:
            match = f"({match}) NOT (" + " OR ".join(map(_fts5_phrase, self.excluded)) + ")"
        return match

    def tsquery(self) -> str:
        """A tsquery literal (cast, not parsed by `to_tsquery`, so the phrase keeps our tokens)."""
        parts = ["(" + " | ".join(map(_ts_phrase, g)) + ")" for g in self.groups]
        parts += [f"!({_ts_phrase(p)})" for p in self.excluded]
        return " & ".join(parts)

    @property
    def positive(self) -> tuple[Phrase, ...]:
        return tuple(p for group in self.groups for p in group)


_QUERY_PART = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def parse_query(text: str) -> Query | None:
    """Terms are ANDed; `a OR b`; `NOT a` or `-a` excludes; "quoted words" form one phrase.

    None when nothing searchable is left (only punctuation or operators): such a query finds nothing.
    """
    groups: list[list[Phrase]] = []
    excluded: list[Phrase] = []
    negate = join = False
    for match in _QUERY_PART.finditer(text):
        minus, quoted, bare = match.groups()
        if bare in ("AND", "OR", "NOT"):
            join, negate = (bare == "OR" and bool(groups)), bare == "NOT"
            continue
        raw = quoted if bare is None else bare
        if bare is not None and bare.startswith("-") and len(bare) > 1:
            minus, raw = "-", bare[1:]
        phrase = make_phrase(raw)
        if phrase is not None and (negate or minus):
            excluded.append(phrase)
        elif phrase is not None and join:
            groups[-1].append(phrase)
        elif phrase is not None:
            groups.append([phrase])
        negate = join = False
    if not groups:
        return None
    return Query(tuple(tuple(g) for g in groups), tuple(excluded))


def make_phrase(text: str) -> Phrase | None:
    """The tokens a text containing `text` must have in a row.

    Interior CJK runs are complete runs of the document, so they match its bigrams and run-end token; the
    last run may continue in the document, so it gets no run-end token, and a last run of one character
    becomes a prefix (it starts a bigram or ends a run).
    """
    parts = runs(text)
    tokens: list[str] = []
    prefix = False
    for number, run in enumerate(parts):
        last = number == len(parts) - 1
        if not is_cjk(run):
            tokens.append(run.lower())
            continue
        tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
        if not last:
            tokens.append(run[-1])
        elif len(run) == 1:
            tokens.append(run)
            prefix = True
    return Phrase(text, tuple(tokens), prefix) if tokens else None


def _fts5_phrase(phrase: Phrase) -> str:
    quoted = '"' + " ".join(t.replace('"', '""') for t in phrase.tokens) + '"'
    return quoted + " *" if phrase.prefix else quoted


def _ts_phrase(phrase: Phrase) -> str:
    lexemes = [quote_lexeme(t) for t in phrase.tokens]
    if phrase.prefix:
        lexemes[-1] += ":*"
    return " <-> ".join(lexemes)


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
    """Index `(id, title, body, published_at)` rows that are not in the index yet; returns the count."""
    count = 0
    batch: list[dict[str, Any]] = []
    for article_id, title, body, published_at in rows:
        batch.append(_index_values(connection, article_id, title, body, published_at))
        count += 1
        if len(batch) >= 500:
            _insert(connection, batch)
            batch = []
    if batch:
        _insert(connection, batch)
    return count


def remove_rows(connection: Connection, rows: Iterable[Sequence[Any]]) -> None:
    """Unindex `(id, title, body, published_at)` rows, given the values they were indexed with.

    A contentless FTS5 table forgets a document only when told its exact tokens, hence the old values.
    """
    for article_id, title, body, published_at in rows:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"DELETE FROM {PG_TABLE} WHERE article_id = :id"), {"id": article_id})
            continue
        key = sort_key(published_at, article_id)
        present = connection.execute(text(f"SELECT 1 FROM {FTS_TABLE} WHERE rowid = :k"), {"k": key}).first()
        if present is not None:  # deleting an absent document would corrupt the index
            connection.execute(
                text(
                    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body) VALUES('delete', :k, :t, :b)"
                ),
                {"k": key, "t": " ".join(index_tokens(title)), "b": " ".join(index_tokens(body))},
            )


def _index_values(
    connection: Connection, article_id: int, title: str, body: str, published_at: datetime | None
) -> dict[str, Any]:
    if connection.dialect.name == "postgresql":
        doc, cut = pg_document(title, body)
        return {"id": article_id, "doc": doc, "long": cut}
    key = sort_key(published_at, article_id)
    return {"k": key, "t": " ".join(index_tokens(title)), "b": " ".join(index_tokens(body))}


def _insert(connection: Connection, batch: list[dict[str, Any]]) -> None:
    if connection.dialect.name == "postgresql":
        statement = (
            f"INSERT INTO {PG_TABLE} (article_id, doc, long) VALUES (:id, CAST(:doc AS tsvector), :long)"
        )
    else:
        statement = f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (:k, :t, :b)"
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
    return add_rows(connection, _all_articles(connection))


def _all_articles(connection: Connection) -> Iterator[Sequence[Any]]:
    # Only columns of the first schema: the 0002 migration calls this before later revisions run.
    statement = select(Article.id, Article.title, Article.body, Article.published_at).order_by(Article.id)
    last = 0
    while True:  # keyset pages, so neither backend holds the whole archive in memory
        page = connection.execute(statement.where(Article.id > last).limit(2000)).all()
        if not page:
            return
        yield from page
        last = page[-1][0]


def index_article(session: Session, article: Article) -> None:
    """Index one flushed article by hand: only for writes that bypass the ORM listeners below."""
    add_rows(session.connection(), [(article.id, article.title, article.body, article.published_at)])


# --- ORM listeners -----------------------------------------------------------------------------------


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context: UOWTransaction, _instances: object) -> None:
    session.info.pop(_PENDING, None)  # left over only by a flush that failed
    changed = [a for a in session.dirty if isinstance(a, Article) and _text_changed(a)]
    gone = [a for a in session.deleted if isinstance(a, Article)]
    added = [a for a in session.new if isinstance(a, Article)]
    if not (changed or gone or added):
        return
    connection = session.connection()
    if not index_available(connection):
        logger.warning("archive has no search index (run `canlian db upgrade`); articles not indexed")
        return
    stale = [a.id for a in [*changed, *gone] if a.id is not None]
    if stale:  # the database still holds the values the index was built from
        columns = (Article.id, Article.title, Article.body, Article.published_at)
        remove_rows(connection, connection.execute(select(*columns).where(Article.id.in_(stale))).all())
    session.info[_PENDING] = [*added, *changed]


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: UOWTransaction) -> None:
    pending: list[Article] = session.info.pop(_PENDING, [])
    alive = [a for a in pending if a.id is not None and a not in session.deleted]
    if alive:
        add_rows(session.connection(), [(a.id, a.title, a.body, a.published_at) for a in alive])


def _text_changed(article: Article) -> bool:
    state = inspect(article)
    return any(state.attrs[name].history.has_changes() for name in _INDEXED_COLUMNS)
