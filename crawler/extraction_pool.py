"""One pool of extraction worker processes per crawl process, shared by every spider it runs.

`canlian crawl` runs several sites' spiders in one process. Each spider's ExtractPipeline used to start its
own pool, so four sites on two cores meant eight workers (about 40 MB each, fighting for the same cores);
one shared pool of `CANLIAN_EXTRACT_WORKERS` keeps memory and CPU to what the setting says.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import FrameType
from typing import Any, ClassVar, TypeVar

from crawler.extraction.model import Article, NoArticle, NoArticleReason

T = TypeVar("T")
logger = logging.getLogger(__name__)


class _OverTimeLimit(BaseException):
    """Raised by the alarm inside a worker; a BaseException so no `except Exception` in the extractor or
    a library it calls can swallow it."""


def _on_alarm(_signum: int, _frame: FrameType | None) -> None:
    raise _OverTimeLimit


def run_limited(
    seconds: float, function: Callable[..., Article | NoArticle], *args: Any
) -> Article | NoArticle:
    """`function(*args)` in a worker process, cut after `seconds` of wall time with a named NoArticle.

    A SIGALRM timer interrupts the Python code of the extractor (and `re`, which checks for signals), so the
    worker is free for the next page at once. Only for worker processes: signals need the main thread, and
    the crawl's own main thread runs the reactor. `seconds <= 0` means no limit.
    """
    if seconds <= 0:
        return function(*args)
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, seconds)
            return function(*args)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)  # an alarm firing in here is caught just below
    except _OverTimeLimit:
        return NoArticle(NoArticleReason.EXTRACTION_TIMEOUT, f"extraction took over {seconds:g} s")
    finally:
        signal.signal(signal.SIGALRM, previous)


class ExtractionPool:
    _shared: ClassVar[dict[int, ExtractionPool]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.users = 0
        self.executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        # forkserver: workers start from a clean process, not a fork of one running a reactor and threads.
        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("forkserver"))

    @classmethod
    def acquire(cls, workers: int) -> ExtractionPool:
        with cls._lock:
            pool = cls._shared.get(workers)
            if pool is None:
                pool = cls._shared[workers] = cls(workers)
            pool.users += 1
            return pool

    def release(self) -> None:
        with self._lock:
            self.users -= 1
            if self.users > 0:
                return
            del self._shared[self.workers]
        self.executor.shutdown(wait=True, cancel_futures=True)

    def submit(self, function: Callable[..., T], *args: Any) -> Future[T]:
        """Run `function(*args)` in a worker; a pool broken by a crashed worker is replaced first.

        A worker killed mid-page (out of memory, a crash in a C extension) breaks the whole executor; the
        futures it held fail with BrokenProcessPool, and later pages get a fresh pool instead of failing too.
        """
        with self._lock:
            try:
                return self.executor.submit(function, *args)
            except BrokenProcessPool:
                logger.warning("an extraction worker died; starting a new pool of %d", self.workers)
                self.executor.shutdown(wait=False, cancel_futures=True)
                self.executor = self._start()
                return self.executor.submit(function, *args)
