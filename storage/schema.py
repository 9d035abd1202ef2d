"""Schema management through Alembic: a new archive is created at the latest revision, an old one
upgraded in place. `canlian db upgrade` and every crawl call `upgrade()`.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "heads") -> None:
    command.upgrade(alembic_config(engine), revision)


def backfill_dedup_index(engine: Engine, batch: int = 500) -> int:
    """Band the copies archived before near-duplicate detection existed, so later copies can find them.
    Returns how many were indexed; cheap (one query) when there are none."""
    from storage.dedup import index_unbanded  # the dedup index is not needed for plain schema work
    from storage.transactions import write_transaction

    total = 0
    while True:
        done = write_transaction(engine, lambda session: index_unbanded(session, batch))
        total += done
        if done < batch:  # the last, partial batch: copies too short to band stay unbanded, by design
            return total


def current_revisions(engine: Engine) -> tuple[str, ...]:
    with engine.connect() as connection:
        return tuple(sorted(MigrationContext.configure(connection).get_current_heads()))


def head_revisions() -> tuple[str, ...]:
    return tuple(sorted(ScriptDirectory(str(MIGRATIONS)).get_heads()))
