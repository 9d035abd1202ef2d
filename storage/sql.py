"""Small dialect-aware SQL helpers shared by the storage modules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session


def insert_ignore(
    session: Session,
    model: type[DeclarativeBase],
    values: Mapping[str, Any],
    conflict_columns: Sequence[str],
) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING; True when a row was inserted.

    The database, not a prior SELECT, decides whether the row exists, so concurrent writers are safe.
    """
    dialect = session.get_bind().dialect.name
    statement: sqlite.Insert | postgresql.Insert
    if dialect == "sqlite":
        statement = sqlite.insert(model).values(**values)
    elif dialect == "postgresql":
        statement = postgresql.insert(model).values(**values)
    else:
        raise NotImplementedError(f"unsupported database backend {dialect!r}")
    statement = statement.on_conflict_do_nothing(index_elements=conflict_columns)
    result = session.execute(statement)
    return bool(getattr(result, "rowcount", 0))
