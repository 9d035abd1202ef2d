"""Archive writes grouped into one transaction per batch.

Committing is the dominant cost of a per-page write (a WAL append, an FTS5 segment flush, index updates), so
pages are written `CANLIAN_WRITE_BATCH` at a time, or after `CANLIAN_WRITE_BATCH_SECONDS` at the latest,
and each item waits for its own result before its pipeline step completes. A batch that fails is written
again page by page, so one bad page fails alone and never takes its neighbours with it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Generic, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from storage.transactions import write_transaction

Job = TypeVar("Job")
Result = TypeVar("Result")


class WriteBatcher(Generic[Job, Result]):
    def __init__(
        self, engine: Engine, write_one: Callable[[Session, Job], Result], size: int, seconds: float
    ) -> None:
        self.engine = engine
        self.write_one = write_one
        self.size = max(1, size)
        self.seconds = seconds
        self.pending: list[tuple[Job, asyncio.Future[Result]]] = []
        self.timer: asyncio.TimerHandle | None = None

    async def submit(self, job: Job) -> Result:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Result] = loop.create_future()
        self.pending.append((job, future))
        if len(self.pending) >= self.size:
            self.flush()
        elif self.timer is None:
            self.timer = loop.call_later(self.seconds, self.flush)
        return await future

    def flush(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        batch, self.pending = self.pending, []
        if not batch:
            return
        try:
            results = write_transaction(self.engine, lambda s: [self.write_one(s, job) for job, _ in batch])
        except Exception:
            self._one_by_one(batch)
            return
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(result)

    def _one_by_one(self, batch: list[tuple[Job, asyncio.Future[Result]]]) -> None:
        for job, future in batch:
            try:
                result = write_transaction(self.engine, lambda s, job=job: self.write_one(s, job))  # type: ignore[misc]
            except Exception as error:  # handed to the waiting item: Scrapy logs it and counts an item error
                if not future.done():
                    future.set_exception(error)
            else:
                if not future.done():
                    future.set_result(result)
