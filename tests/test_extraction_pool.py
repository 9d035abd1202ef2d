"""The crawl process's shared extraction pool: one pool for every spider, and a crashed worker replaced."""

from __future__ import annotations

import os
from concurrent.futures.process import BrokenProcessPool

import pytest

from crawler.extraction.model import NoArticle, NoArticleReason
from crawler.extraction_pool import ExtractionPool, run_limited


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


def _forever() -> NoArticle:
    while True:  # a page the extractor would never finish
        pass


def test_a_page_over_the_time_limit_is_cut_and_the_worker_goes_on() -> None:
    pool = ExtractionPool.acquire(1)
    try:
        worker = pool.submit(_pid).result(timeout=60)
        result = pool.submit(run_limited, 0.2, _forever).result(timeout=120)
        assert isinstance(result, NoArticle) and result.reason is NoArticleReason.EXTRACTION_TIMEOUT
        assert pool.submit(_pid).result(timeout=60) == worker, "the same worker serves the next page"
        assert pool.submit(run_limited, 5.0, _quick).result(timeout=60) == NoArticle(NoArticleReason.EMPTY)
    finally:
        pool.release()


def _quick() -> NoArticle:
    return NoArticle(NoArticleReason.EMPTY)


def test_no_limit_runs_the_function_as_is() -> None:
    assert run_limited(0, _quick) == NoArticle(NoArticleReason.EMPTY)
