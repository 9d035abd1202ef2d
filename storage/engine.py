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
from sqlalchemy.engine import URL, Connection, make_url

DEFAULT_DATA_DIR = "data"
# Short on purpose: storage.transactions retries a locked archive itself, and can stop doing so on shutdown.
SQLITE_BUSY_TIMEOUT_MS = 2_000
_BEGIN_OPTION = "canlian_sqlite_begin"
_BUSY_OPTION = "canlian_sqlite_busy_ms"
HURRIED_BUSY_TIMEOUT_MS = 200  # a crawl shutting down waits this long for a lock, then gives the write up


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
    read_only = False
    if parsed.database and parsed.database != ":memory:" and not parsed.database.startswith("file:"):
        path = Path(parsed.database)
        path.parent.mkdir(parents=True, exist_ok=True)
        read_only = _unwritable(path)
        if read_only:
            # On a read-only disk (or without write permission) open it read-only, so it can still be
            # searched, and a write fails as "read-only" rather than "unable to open".
            url = _read_only_url(url, path.resolve()).render_as_string(hide_password=False)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs)
    _configure_sqlite(engine, read_only)
    return engine


def _unwritable(path: Path) -> bool:
    return path.exists() and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def writer(engine: Engine, hurried: bool = False) -> Engine:
    """The same engine (and pool) whose transactions take SQLite's write lock up front; `hurried` ones
    wait only briefly for it (a process that is shutting down)."""
    if engine.dialect.name != "sqlite":
        return engine
    options: dict[str, Any] = {_BEGIN_OPTION: "BEGIN IMMEDIATE"}
    if hurried:
        options[_BUSY_OPTION] = HURRIED_BUSY_TIMEOUT_MS
    return engine.execution_options(**options)


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
        options = connection.get_execution_options()
        if _BUSY_OPTION in options:
            connection.exec_driver_sql(f"PRAGMA busy_timeout={int(options[_BUSY_OPTION])}")
        connection.exec_driver_sql(options.get(_BEGIN_OPTION, "BEGIN"))


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
    engine = create_engine(_read_only_url(url, path), connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    _configure_sqlite(engine, read_only=True)
    return engine


def _read_only_url(url: str, path: Path) -> URL:
    """An SQLite URL that opens `path` read-only; immutable too when the file cannot be written at all (a
    WAL archive opened otherwise must write its -shm index, even to read)."""
    query = {"mode": "ro", "uri": "true", **({"immutable": "1"} if _unwritable(path) else {})}
    return make_url(url).set(database=f"file:{quote(str(path))}", query=query)
