"""Alembic environment: the engine comes from `storage.schema.alembic_config`, never from an ini file."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

# Every module with tables, so autogenerate compares the whole schema.
from storage import dedup_models, figures_models, scheduling_models  # noqa: F401
from storage.models import Base

engine = context.config.attributes.get("engine")
if not isinstance(engine, Engine):
    raise RuntimeError("run migrations through storage.schema.upgrade(engine)")

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things in place: batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
