"""One writer per archive per crawl process, in a process of its own.

Every write of a crawl process (run records, fetched pages in batches, the frontier, list walks) goes to one
writer process holding one connection. On SQLite that is what the database allows anyway (one writer at a
time); in a process of its own the writer's Python work (SQLAlchemy, dedup, the search index) no longer
competes with Scrapy's for the crawl process's GIL, so a crawl uses both cores. Other processes writing the
same archive are still serialised by the database (BEGIN IMMEDIATE / retried transactions, see
storage.transactions). Reads stay in the crawl process (`engine`): a WAL reader never waits for a writer.

A write is a module-level function `function(session, *args)` and its arguments, which travel by pickle;
its result and its exception come back the same way (an exception that cannot travel comes back as a
`WriteError` naming it).

The writer can be told to hurry: a crawl asked to shut down must not wait minutes for a writer retrying
against a locked or failing database. While a crawler using it is stopping (`hurry_when`), and after
`stop()`, writes wait only briefly for a lock and are not retried, and a write running for `STOP_GRACE`
seconds is interrupted (its transaction rolls back; the next crawl fetches what was not archived). The
writer ignores SIGINT and SIGTERM (the crawl decides when to stop) and ends when the crawl process closes
it or dies.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import multiprocessing
import pickle
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event
from typing import Any, ClassVar, TypeVar

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from storage.engine import create_archive_engine
from storage.schema import upgrade
from storage.transactions import WriteFailed, write_transaction

T = TypeVar("T")
STOP_GRACE = 5.0
logger = logging.getLogger(__name__)


class WriteError(RuntimeError):
    """A write failed with an exception that could not be sent back from the writer process."""


class ArchiveWriter:
    _open: ClassVar[dict[str, ArchiveWriter]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.engine: Engine = create_archive_engine(database_url)  # for reads, in this process
        upgrade(self.engine)
        self.users = 0
        context = multiprocessing.get_context("forkserver")  # a clean process, not a fork of a reactor
        self._stopping: Event = context.Event()
        self._hurry_conditions: list[Callable[[], bool]] = []
        self._connection, child = context.Pipe()
        self.process = context.Process(
            target=_serve, args=(database_url, child, self._stopping), name="archive-writer", daemon=True
        )
        self.process.start()
        child.close()
        self._send_lock = threading.Lock()
        self._pending: dict[int, Future[Any]] = {}
        self._ids = itertools.count()
        self._closed = threading.Event()
        threading.Thread(target=self._receive, name="archive-writer-results", daemon=True).start()
        threading.Thread(target=self._watch_conditions, name="archive-writer-hurry", daemon=True).start()

    @classmethod
    def acquire(cls, database_url: str) -> ArchiveWriter:
        """The process's writer for this archive (started, and the schema upgraded, on first use)."""
        with cls._lock:
            writer = cls._open.get(database_url)
            if writer is None:
                writer = cls._open[database_url] = cls(database_url)
            writer.users += 1
            return writer

    def release(self) -> None:
        with self._lock:
            self.users -= 1
            if self.users > 0:
                return
            del self._open[self.database_url]
        self._close()

    async def call(self, function: Callable[..., T], *args: Any) -> T:
        """`function(session, *args)` in one retried write transaction, in the writer process."""
        return await asyncio.wrap_future(self.submit(function, *args))

    def call_now(self, function: Callable[..., T], *args: Any) -> T:
        """The same, for callers outside the event loop: waits for the result."""
        return self.submit(function, *args).result()

    def submit(self, function: Callable[..., T], *args: Any) -> Future[T]:
        future: Future[T] = Future()
        with self._send_lock:
            if self._closed.is_set():
                future.set_exception(WriteFailed("the archive writer is closed"))
                return future
            job = next(self._ids)
            self._pending[job] = future
            try:
                self._connection.send((job, function, args))
            except (OSError, pickle.PicklingError, TypeError, AttributeError) as error:
                del self._pending[job]
                future.set_exception(WriteFailed(f"could not hand the write to the writer: {error!r}"))
        return future

    def hurry_when(self, condition: Callable[[], bool]) -> None:
        """Also hurry (as after `stop()`) once `condition()` holds: a crawler asked to stop must not wait
        for this writer's retries before its pipelines may close."""
        self._hurry_conditions.append(condition)

    def forget(self, condition: Callable[[], bool]) -> None:
        with contextlib.suppress(ValueError):
            self._hurry_conditions.remove(condition)

    def stop(self) -> None:
        """Hurry: no more retries, and interrupt any write that runs longer than the grace period."""
        self._stopping.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def _watch_conditions(self) -> None:
        while not self._closed.wait(0.2):
            if any(condition() for condition in list(self._hurry_conditions)):
                self._stopping.set()

    def _receive(self) -> None:
        while True:
            try:
                job, ok, value = self._connection.recv()
            except (EOFError, OSError):
                break
            future = self._pending.pop(job, None)
            if future is not None and not future.done():
                future.set_result(value) if ok else future.set_exception(value)
        with self._send_lock:
            self._closed.set()
            pending, self._pending = self._pending, {}
        for future in pending.values():
            future.set_exception(WriteFailed("the archive writer process ended before this write"))

    def _close(self) -> None:
        with self._send_lock, contextlib.suppress(OSError):
            self._connection.send(None)
        # A writer busy with a last write after a stop gets its grace period, then is killed (its
        # transaction rolls back as if the machine had stopped).
        self.process.join(None if not self.stopping else 2 * STOP_GRACE)
        if self.process.is_alive():
            logger.warning("the archive writer did not finish in time: killing it")
            self.process.kill()
            self.process.join()
        self._closed.set()
        self._connection.close()
        self.engine.dispose()


# --- the writer process ---------------------------------------------------------------------------------

_current: dict[str, Any] = {"connection": None, "started": None}


def _serve(database_url: str, connection: Connection, stopping: Event) -> None:
    """Run writes as they arrive until told to end (None) or the crawl process goes away."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    engine = create_archive_engine(database_url)
    event.listen(engine, "checkout", lambda dbapi, _record, _proxy: _current.update(connection=dbapi))
    event.listen(engine, "checkin", lambda _dbapi, _record: _current.update(connection=None))
    threading.Thread(target=_watch, args=(stopping,), name="writer-watchdog", daemon=True).start()
    try:
        while True:
            try:
                message = connection.recv()
            except (EOFError, OSError):
                return
            if message is None:
                return
            job, function, args = message
            connection.send((job, *_perform(engine, function, args, stopping)))
    finally:
        engine.dispose()


def _perform(
    engine: Engine, function: Callable[..., Any], args: tuple[Any, ...], stopping: Event
) -> tuple[bool, Any]:
    _current["started"] = time.monotonic()
    try:
        work: Callable[[Session], Any] = lambda session: function(session, *args)  # noqa: E731
        return True, write_transaction(engine, work, stopping=stopping.is_set)
    except BaseException as error:  # handed to whoever waits for this write
        return False, _portable(error)
    finally:
        _current["started"] = None


def _portable(error: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return WriteError(f"{type(error).__name__}: {error}")
    return error


def _watch(stopping: Event) -> None:
    """Once stopping, interrupt a write that has run for longer than the grace period."""
    while True:
        time.sleep(0.5)
        started = _current["started"]
        if not stopping.is_set() or started is None or time.monotonic() - started < STOP_GRACE:
            continue
        dbapi = _current["connection"]
        interrupt = getattr(dbapi, "interrupt", None) or getattr(dbapi, "cancel", None)
        if interrupt is not None:
            logger.warning("shutting down: interrupting an archive write busy for over %.0f s", STOP_GRACE)
            with contextlib.suppress(Exception):  # it may have finished meanwhile
                interrupt()
        _current["started"] = None  # once per write
