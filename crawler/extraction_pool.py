"""One pool of extraction worker processes per crawl process, shared by every spider it runs.

`canlian crawl` runs several sites' spiders in one process. Each spider's ExtractPipeline used to start its
own pool, so four sites on two cores meant eight workers (about 40 MB each, fighting for the same cores);
one shared pool of `CANLIAN_EXTRACT_WORKERS` keeps memory and CPU to what the setting says.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, ClassVar, TypeVar

T = TypeVar("T")
logger = logging.getLogger(__name__)


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
