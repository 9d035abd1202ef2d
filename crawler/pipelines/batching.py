"""Archive writes grouped into one transaction per batch.

Committing is the dominant cost of a per-page write (a WAL append, an FTS5 segment flush, index updates), so
pages are written `CANLIAN_WRITE_BATCH` at a time, or after `CANLIAN_WRITE_BATCH_SECONDS` at the latest;
each item waits for its own result before its pipeline step completes. Batches go to the process's archive
writer (crawler.archive_writer), so the reactor keeps downloading meanwhile. A batch that fails is
written again page by page, so one bad page fails alone and never takes its neighbours with it (unless the
archive itself is unavailable, or stayed locked beyond the writer's patience: then every page of the batch
fails at once, and stays in the frontier).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from crawler.archive_writer import ArchiveWriter
from storage.errors import ArchiveUnavailable
from storage.transactions import WriteFailed

Job = TypeVar("Job")
Result = TypeVar("Result")


class WriteBatcher(Generic[Job, Result]):
    """`write_batch(session, jobs, *args)` writes a list of jobs in one transaction and returns one result
    per job; a module-level function, since it runs in the writer process."""

    def __init__(
        self,
        writer: ArchiveWriter,
        write_batch: Callable[..., list[Result]],
        args: tuple[Any, ...],
        size: int,
        seconds: float,
    ) -> None:
        self.writer = writer
        self.write_batch = write_batch
        self.args = args
        self.size = max(1, size)
        self.seconds = seconds
        self.pending: list[tuple[Job, asyncio.Future[Result]]] = []
        self.timer: asyncio.TimerHandle | None = None
        self.in_flight: set[asyncio.Future[None]] = set()

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
        """Hand what is pending to the writer thread (call from the event loop)."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        batch, self.pending = self.pending, []
        if batch:
            task = asyncio.ensure_future(self._write(batch))
            self.in_flight.add(task)
            task.add_done_callback(self.in_flight.discard)

    async def drain(self) -> None:
        """Flush and wait until every batch is written (at spider close)."""
        self.flush()
        while self.in_flight:
            await asyncio.gather(*self.in_flight)

    async def _write(self, batch: list[tuple[Job, asyncio.Future[Result]]]) -> None:
        jobs = [job for job, _ in batch]
        try:
            written = await self.writer.call(self.write_batch, jobs, *self.args)
            outcomes: list[Result | Exception] = list(written)
        except (ArchiveUnavailable, WriteFailed) as error:  # page by page would fail the same way
            outcomes = [error] * len(jobs)
        except Exception:
            outcomes = [await self._write_alone(job) for job in jobs]
        for (_, future), outcome in zip(batch, outcomes, strict=True):
            if future.done():
                continue
            if isinstance(outcome, Exception):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)

    async def _write_alone(self, job: Job) -> Result | Exception:
        try:
            [result] = await self.writer.call(self.write_batch, [job], *self.args)
            return result
        except Exception as error:  # handed to the waiting item: Scrapy logs it and counts an item error
            return error
