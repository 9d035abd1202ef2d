"""Small dialect-aware SQL helpers shared by the storage modules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session


def _insert(session: Session, model: type[DeclarativeBase], values: Mapping[str, Any]) -> Any:
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return sqlite.insert(model).values(**values)
    if dialect == "postgresql":
        return postgresql.insert(model).values(**values)
    raise NotImplementedError(f"unsupported database backend {dialect!r}")


def insert_ignore(
    session: Session,
    model: type[DeclarativeBase],
    values: Mapping[str, Any],
    conflict_columns: Sequence[str],
) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING; True when a row was inserted.

    The database, not a prior SELECT, decides whether the row exists, so concurrent writers are safe.
    """
    statement = _insert(session, model, values).on_conflict_do_nothing(index_elements=conflict_columns)
    # RETURNING, not rowcount: psycopg 3 reports -1 for the rowcount of such an INSERT.
    returning = [getattr(model, column) for column in conflict_columns]
    return session.execute(statement.returning(*returning)).first() is not None


def upsert(
    session: Session, model: type[DeclarativeBase], values: Mapping[str, Any], conflict_columns: Sequence[str]
) -> None:
    """INSERT ... ON CONFLICT DO UPDATE of every other column."""
    statement = _insert(session, model, values)
    changes = {name: statement.excluded[name] for name in values if name not in conflict_columns}
    session.execute(statement.on_conflict_do_update(index_elements=conflict_columns, set_=changes))
