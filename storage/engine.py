"""One engine factory for both backends.

SQLite (the embedded default) gets WAL, `synchronous=NORMAL`, a busy timeout and foreign keys. Writers that
read and then write must start with `BEGIN IMMEDIATE`: a deferred transaction that later upgrades to a write
lock fails at once with "database is locked", whatever the busy timeout (measured in field-notes.md).
`writer(engine)` returns an engine view whose transactions begin that way; plain `engine` reads stay deferred.
PostgreSQL goes through psycopg 3 (`postgresql+psycopg://...`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url

DEFAULT_DATA_DIR = "data"
SQLITE_BUSY_TIMEOUT_MS = 30_000
_BEGIN_OPTION = "canlian_sqlite_begin"


def data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where the embedded archive, sample-web site files and logs live: `$CANLIAN_DATA_DIR` or `./data`."""
    env = os.environ if environ is None else environ
    return Path(env.get("CANLIAN_DATA_DIR", DEFAULT_DATA_DIR)).resolve()


def database_url_from_env(environ: Mapping[str, str] | None = None) -> str:
    """`CANLIAN_DATABASE_URL`, else SQLite at `$CANLIAN_DATA_DIR/archive.db` (default `data/`)."""
    env = os.environ if environ is None else environ
    if url := env.get("CANLIAN_DATABASE_URL"):
        return url
    return f"sqlite:///{data_dir(env) / 'archive.db'}"


def create_archive_engine(url: str, **kwargs: Any) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, **kwargs)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs)
    _configure_sqlite(engine)
    return engine


def writer(engine: Engine) -> Engine:
    """The same engine (and pool) whose transactions take SQLite's write lock up front."""
    if engine.dialect.name != "sqlite":
        return engine
    return engine.execution_options(**{_BEGIN_OPTION: "BEGIN IMMEDIATE"})


def _configure_sqlite(engine: Engine, read_only: bool = False) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take BEGIN away from the sqlite3 module so `_on_begin` decides the transaction kind.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if read_only:  # a reader may not set the journal mode: it would be a write
            cursor.execute("PRAGMA query_only=ON")
        else:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # A 32 MiB page cache (per connection): the dedup band and FTS lookups touch random pages of a file
        # that grows past SQLite's 2 MiB default cache within the first ten thousand articles. No mmap: mapped
        # pages count in the crawler's RSS, which must stay flat.
        cursor.execute("PRAGMA cache_size=-32768")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql(connection.get_execution_options().get(_BEGIN_OPTION, "BEGIN"))


def create_readonly_engine(url: str) -> Engine:
    """An engine that cannot write: for readers such as the web app, which must never migrate or change
    the archive. SQLite opens the file with `mode=ro` and `query_only` (WAL or not); PostgreSQL sessions
    start with `default_transaction_read_only`. An SQLite archive must already exist: nothing is created."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        options = {"options": "-c default_transaction_read_only=on"}
        return create_engine(url, pool_pre_ping=True, connect_args=options)
    if not parsed.database or parsed.database == ":memory:" or parsed.database.startswith("file:"):
        raise ValueError(f"a read-only SQLite archive needs a file path, not {url!r}")
    path = Path(parsed.database).resolve()
    if not path.is_file():
        raise ValueError(f"no archive at {path} (crawl first, e.g. `canlian demo`)")
    readonly = parsed.set(database=f"file:{quote(str(path))}", query={"mode": "ro", "uri": "true"})
    engine = create_engine(readonly, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    _configure_sqlite(engine, read_only=True)
    return engine
