"""Schema management through Alembic: a new archive is created at the latest revision, an old one
upgraded in place. `canlian db upgrade`, every crawl and every command that opens the archive call
`upgrade()`.

Upgrades are serialised: several processes started in the same second on a new archive (two crawls and a
search, say) must not run the migrations at once. An archive already at the latest revision costs one read
and takes no lock. Otherwise one process migrates while holding a lock the others wait on, and each checks
the revision again once it holds the lock: PostgreSQL's session advisory lock, or an exclusive `flock` on a
file beside the SQLite archive; both die with their process, so a killed migration never blocks the next.
The SQLite migration also runs in one BEGIN IMMEDIATE transaction, so a killed one leaves nothing half done.
"""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from storage.engine import writer
from storage.errors import unavailable

MIGRATIONS = Path(__file__).with_name("migrations")
_PG_LOCK_KEY = 0x63616E6C69616E  # "canlian": the advisory lock every migrating process takes
logger = logging.getLogger(__name__)


def alembic_config(engine: Engine, connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Bring the archive to `revision` (default: the latest), one process at a time."""
    try:
        if revision == "heads" and current_revisions(engine) == head_revisions():
            return
        with _migration_lock(engine) as connection:
            # Another process may have migrated while we waited for the lock.
            done = revision == "heads" and _revisions(connection) == head_revisions()
            connection.commit()  # end the read, so Alembic's own transaction holds the migration
            if not done:
                command.upgrade(alembic_config(engine, connection), revision)
    except DBAPIError as error:
        fatal = unavailable(error, engine.url.render_as_string(hide_password=False))
        if fatal is None:
            raise
        raise fatal from error


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[Connection]:
    """A connection to migrate on, held under the archive's migration lock."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _PG_LOCK_KEY})
            connection.commit()  # the lock belongs to the session and outlives this transaction
            try:
                yield connection
            finally:
                connection.rollback()
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _PG_LOCK_KEY})
                connection.commit()
        return
    with _file_lock(engine.url.database), writer(engine).connect() as connection:
        yield connection


@contextmanager
def _file_lock(database: str | None) -> Iterator[None]:
    if not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    path = Path(f"{database}.migrate-lock")
    try:
        handle = path.open("a")
    except OSError:  # a read-only directory: nobody can migrate here, and the upgrade will say why
        yield
        return
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            logger.warning("waiting for another process to upgrade the archive schema (%s)", database)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def probe_writable(engine: Engine) -> None:
    """Raise ArchiveUnavailable now if the archive cannot take writes (read-only, full ...), rather than
    in the middle of a crawl: one row rewritten as it is, then rolled back."""
    from storage.transactions import write_transaction

    def rewrite(session: Session) -> None:
        session.execute(text("UPDATE alembic_version SET version_num = version_num"))
        session.rollback()

    write_transaction(engine, rewrite, attempts=3)


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
        return _revisions(connection)


def _revisions(connection: Connection) -> tuple[str, ...]:
    return tuple(sorted(MigrationContext.configure(connection).get_current_heads()))


def head_revisions() -> tuple[str, ...]:
    return tuple(sorted(ScriptDirectory(str(MIGRATIONS)).get_heads()))
