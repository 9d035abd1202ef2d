"""One writer per archive per crawl process.

Every write of a crawl process (run records, fetched pages in batches, list-page validators) goes through one
thread holding one connection. On SQLite that is what the database allows anyway (one writer at a time);
doing it in one thread means the crawl's own writers never wait for each other's locks (SQLite's busy handler
sleeps in steps of up to 100 ms, which a multi-site crawl measured as seconds of stalled reactor), and the
reactor thread never blocks on a write. Other processes writing the same archive are still serialised by the
database (BEGIN IMMEDIATE / retried transactions, see storage.transactions).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ClassVar, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from storage.engine import create_archive_engine
from storage.schema import upgrade
from storage.transactions import write_transaction

T = TypeVar("T")


class ArchiveWriter:
    _open: ClassVar[dict[str, ArchiveWriter]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.engine: Engine = create_archive_engine(database_url)
        upgrade(self.engine)
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archive-writer")
        self.users = 0

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
        self.thread.shutdown(wait=True)
        self.engine.dispose()

    async def run(self, work: Callable[[Session], T]) -> T:
        """`work(session)` in one retried write transaction on the writer thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.thread, write_transaction, self.engine, work)

    def run_now(self, work: Callable[[Session], T]) -> T:
        """The same, for callers outside the event loop: waits for the writer thread."""
        return self.thread.submit(write_transaction, self.engine, work).result()
