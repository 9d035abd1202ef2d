"""The crawl process's shared extraction pool: one pool for every spider, and a crashed worker replaced."""

from __future__ import annotations

import os
from concurrent.futures.process import BrokenProcessPool

import pytest

from crawler.extraction_pool import ExtractionPool


def _pid() -> int:
    return os.getpid()


def _die() -> None:
    os._exit(3)  # what an out-of-memory kill or a crash in a C extension looks like to the pool


def test_spiders_share_one_pool_until_the_last_releases() -> None:
    first, second = ExtractionPool.acquire(1), ExtractionPool.acquire(1)
    assert first is second
    first.release()
    assert second.submit(_pid).result(timeout=60) != os.getpid(), "still open for the second spider"
    second.release()
    later = ExtractionPool.acquire(1)
    try:
        assert later is not first, "the last release shut the pool down"
    finally:
        later.release()


def test_a_dead_worker_fails_its_page_and_the_next_page_gets_a_new_pool() -> None:
    pool = ExtractionPool.acquire(1)
    try:
        with pytest.raises(BrokenProcessPool):
            pool.submit(_die).result(timeout=60)
        assert pool.submit(_pid).result(timeout=60) > 0
    finally:
        pool.release()
