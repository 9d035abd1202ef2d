"""Alembic environment: the engine (or a connection holding the migration lock) comes from
`storage.schema.alembic_config`, never from an ini file."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, Engine

# Every module with tables, so autogenerate compares the whole schema.
from storage import crawl_state_models, dedup_models, figures_models, scheduling_models  # noqa: F401
from storage.models import Base


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things in place: batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


given = context.config.attributes.get("connection")
engine = context.config.attributes.get("engine")
if isinstance(given, Connection):
    run(given)
elif isinstance(engine, Engine):
    with engine.connect() as connection:
        run(connection)
else:
    raise RuntimeError("run migrations through storage.schema.upgrade(engine)")
