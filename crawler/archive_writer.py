"""One writer per archive per crawl process.

Every write of a crawl process (run records, fetched pages in batches, the frontier, list walks) goes through
one thread holding one connection. On SQLite that is what the database allows anyway (one writer at a
time); doing it in one thread means the crawl's own writers never wait for each other's locks (SQLite's busy
handler sleeps in steps of up to 100 ms, which a multi-site crawl measured as seconds of stalled reactor),
and the reactor thread never blocks on a write. Other processes writing the same archive are still
serialised by the database (BEGIN IMMEDIATE / retried transactions, see storage.transactions).

The thread is a daemon and can be told to hurry: a crawl asked to shut down must not wait minutes for a
writer retrying against a locked or failing database. While a crawler using it is stopping
(`hurry_when`), and after `stop()`, writes wait only briefly for a lock and are not retried; after
`stop()` a write running for `STOP_GRACE` seconds is also interrupted (its transaction rolls back; the next
crawl fetches what was not archived). Quick writes (the run's end, the frontier) still go through.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, ClassVar, TypeVar

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from storage.engine import create_archive_engine
from storage.schema import upgrade
from storage.transactions import write_transaction

T = TypeVar("T")
STOP_GRACE = 5.0
logger = logging.getLogger(__name__)
_Job = tuple[Future[Any], Callable[[Session], Any]]


class ArchiveWriter:
    _open: ClassVar[dict[str, ArchiveWriter]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.engine: Engine = create_archive_engine(database_url)
        upgrade(self.engine)
        self.users = 0
        self.stopping = threading.Event()
        self._hurry_conditions: list[Callable[[], bool]] = []  # e.g. "my crawler is stopping"
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._in_use: Any = None  # the DBAPI connection the writer thread holds right now
        self._job_started: float | None = None  # monotonic start of the write in progress
        event.listen(self.engine, "checkout", self._checked_out)
        event.listen(self.engine, "checkin", self._checked_in)
        self.thread = threading.Thread(target=self._serve, name="archive-writer", daemon=True)
        self.thread.start()

    @classmethod
    def acquire(cls, database_url: str) -> ArchiveWriter:
        """The process's writer for this archive (created, and the schema upgraded, on first use)."""
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
        self._jobs.put(None)
        self.thread.join(timeout=None if not self.stopping.is_set() else STOP_GRACE)
        self.engine.dispose()

    async def run(self, work: Callable[[Session], T]) -> T:
        """`work(session)` in one retried write transaction on the writer thread."""
        return await asyncio.wrap_future(self.submit(work))

    def run_now(self, work: Callable[[Session], T]) -> T:
        """The same, for callers outside the event loop: waits for the writer thread."""
        return self.submit(work).result()

    def submit(self, work: Callable[[Session], T]) -> Future[T]:
        future: Future[T] = Future()
        self._jobs.put((future, work))
        return future

    def hurry_when(self, condition: Callable[[], bool]) -> None:
        """Also hurry (as after `stop()`) while `condition()` holds: a crawler asked to stop must not wait
        for this writer's retries before its pipelines may close."""
        self._hurry_conditions.append(condition)

    def forget(self, condition: Callable[[], bool]) -> None:
        with contextlib.suppress(ValueError):
            self._hurry_conditions.remove(condition)

    def hurrying(self) -> bool:
        return self.stopping.is_set() or any(condition() for condition in list(self._hurry_conditions))

    def stop(self) -> None:
        """Hurry: no more retries, and interrupt any write that runs longer than the grace period."""
        if not self.stopping.is_set():
            self.stopping.set()
            threading.Thread(target=self._watch, name="archive-writer-watchdog", daemon=True).start()

    def _serve(self) -> None:
        while (job := self._jobs.get()) is not None:
            future, work = job
            if not future.set_running_or_notify_cancel():
                continue
            self._job_started = time.monotonic()
            try:
                future.set_result(write_transaction(self.engine, work, stopping=self.hurrying))
            except BaseException as error:  # handed to whoever waits for this write
                future.set_exception(error)
            finally:
                self._job_started = None

    def _watch(self) -> None:
        while self.thread.is_alive():
            started = self._job_started
            if started is not None and time.monotonic() - started > STOP_GRACE:
                self._interrupt()
                self._job_started = None  # once per write
            time.sleep(0.5)

    def _checked_out(self, dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        if threading.current_thread() is self.thread:
            self._in_use = dbapi_connection

    def _checked_in(self, _dbapi_connection: Any, _record: Any) -> None:
        if threading.current_thread() is self.thread:
            self._in_use = None

    def _interrupt(self) -> None:
        connection = self._in_use
        if connection is None:
            return
        logger.warning("shutting down: interrupting an archive write busy for over %.0f s", STOP_GRACE)
        interrupt = getattr(connection, "interrupt", None) or getattr(connection, "cancel", None)
        if interrupt is not None:
            with contextlib.suppress(Exception):  # it may have finished meanwhile
                interrupt()
