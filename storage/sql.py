"""Small dialect-aware SQL helpers shared by the storage modules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import CursorResult, Result, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session

_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def _insert_for(session: Session) -> Any:
    dialect = session.get_bind().dialect.name
    if dialect not in _INSERTS:
        raise NotImplementedError(f"unsupported database backend {dialect!r}")
    return _INSERTS[dialect]


@cache
def _insert_ignore_statement(
    insert: Any, model: type[DeclarativeBase], conflict: tuple[str, ...], returning: tuple[str, ...]
) -> Any:
    # Built once per table and executed with bound values: SQLAlchemy then reuses the compiled statement
    # instead of building and caching a new one for every row (measured: the dominant cost of a page write).
    columns = [getattr(model, column) for column in returning]
    return insert(model).on_conflict_do_nothing(index_elements=list(conflict)).returning(*columns)


def insert_ignore(
    session: Session,
    model: type[DeclarativeBase],
    values: Mapping[str, Any],
    conflict_columns: Sequence[str],
) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING; True when a row was inserted.

    The database, not a prior SELECT, decides whether the row exists, so concurrent writers are safe.
    RETURNING, not rowcount, tells the two apart: psycopg 3 reports -1 for the rowcount of such an INSERT.
    """
    conflict = tuple(conflict_columns)
    statement = _insert_ignore_statement(_insert_for(session), model, conflict, conflict)
    return session.execute(statement, dict(values)).first() is not None


def insert_returning(
    session: Session,
    model: type[DeclarativeBase],
    values: Mapping[str, Any],
    conflict_columns: Sequence[str],
    column: str,
) -> Any | None:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING `column`: its value, or None when the row existed."""
    statement = _insert_ignore_statement(_insert_for(session), model, tuple(conflict_columns), (column,))
    return session.execute(statement, dict(values)).scalar()


def upsert(
    session: Session, model: type[DeclarativeBase], values: Mapping[str, Any], conflict_columns: Sequence[str]
) -> None:
    """INSERT ... ON CONFLICT DO UPDATE of every other column."""
    statement = _insert_for(session)(model).values(**values)
    changes = {name: statement.excluded[name] for name in values if name not in conflict_columns}
    session.execute(statement.on_conflict_do_update(index_elements=conflict_columns, set_=changes))


@cache
def _insert_ignore_many_statement(insert: Any, table: Table, conflict: tuple[str, ...]) -> Any:
    return insert(table).on_conflict_do_nothing(index_elements=list(conflict))


def insert_ignore_many(
    session: Session, table: Table, rows: Sequence[Mapping[str, Any]], conflict_columns: Sequence[str]
) -> None:
    """INSERT ... ON CONFLICT DO NOTHING for many rows, as one executemany."""
    if rows:
        statement = _insert_ignore_many_statement(_insert_for(session), table, tuple(conflict_columns))
        session.execute(statement, [dict(row) for row in rows])


def changed_one_row(result: Result[Any]) -> bool:
    """Whether an UPDATE / DELETE changed exactly one row: the database's verdict on a race."""
    return isinstance(result, CursorResult) and result.rowcount == 1
