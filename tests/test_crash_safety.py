"""No night loses data: a crawl killed (SIGKILL or SIGTERM) at any moment, then run again, archives exactly
what an uninterrupted crawl archives: the same pages, articles, versions and stories. On SQLite and
PostgreSQL, over every sample-web list strategy.

Kills happen at moments defined by what the sample web has served (events), never by the clock.
"""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from crash_web import ARTICLES, KEYS, CrashWeb
from faults import ArchivePicture, CrawlProcess, check_consistent, picture, wait_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from sampleweb.server import RunningSampleWeb
from storage.engine import create_archive_engine
from storage.models import CrawlRun

pytestmark = pytest.mark.e2e


# Checkpoints often enough that a crawl killed within seconds has recorded some of what it did.
CHECKPOINTS = "CANLIAN_RUN_CHECKPOINT_SECONDS=0.2"


def crawl_until(url: str, sites_file: Path, log: Path, moment, signum: int, running: RunningSampleWeb) -> int:
    """Start a crawl, wait for `moment(running)` to hold, then send `signum`; the crawl's exit code."""
    crawl = CrawlProcess(url, sites_file, KEYS, log, CHECKPOINTS)
    wait_for(lambda: moment(running), 120, "the moment to interrupt the crawl", crawl)
    crawl.kill(signum)
    return crawl.wait(120)


def articles_served(count: int):
    start_count: list[int] = []

    def moment(running: RunningSampleWeb) -> bool:
        if not start_count:
            start_count.append(running.counters.total("article"))
        return running.counters.total("article") - start_count[0] >= count

    return moment


def first_list_page(running: RunningSampleWeb) -> bool:
    return running.counters.total("list") >= 1


def finish_and_compare(url: str, sites_file: Path, folder: Path, reference: ArchivePicture) -> None:
    final = CrawlProcess(url, sites_file, KEYS, folder / "final.log")
    assert final.wait() == 0, final.text()
    got = picture(url)
    assert got.differences(reference) == {}, "the interrupted archive differs from the uninterrupted one"
    check_consistent(url)


def test_a_first_crawl_killed_again_and_again_ends_as_an_uninterrupted_one(
    database_url: str, crash_web: CrashWeb, crash_reference: ArchivePicture, tmp_path: Path
) -> None:
    running, sample, sites_file = crash_web
    sample.publish(ARTICLES)
    moments = [
        (first_list_page, signal.SIGKILL),  # before any article: only lists were seen
        (articles_served(15), signal.SIGKILL),
        (articles_served(60), signal.SIGTERM),  # graceful: the run is closed as interrupted
        (articles_served(90), signal.SIGKILL),
    ]
    for number, (moment, signum) in enumerate(moments):
        code = crawl_until(database_url, sites_file, tmp_path / f"kill-{number}.log", moment, signum, running)
        assert code != 0 or signum == signal.SIGTERM
    finish_and_compare(database_url, sites_file, tmp_path, crash_reference)
    engine = create_archive_engine(database_url)
    with Session(engine) as session:
        runs = session.scalars(select(CrawlRun).order_by(CrawlRun.id)).all()
        statuses = [r.status for r in runs]
    engine.dispose()
    assert "killed" in statuses and "interrupted" in statuses, statuses


def test_a_later_night_killed_midway_is_completed_by_the_next(
    database_url: str, crash_web: CrashWeb, crash_reference: ArchivePicture, tmp_path: Path
) -> None:
    running, sample, sites_file = crash_web
    try:
        sample.publish(ARTICLES - 20)  # a first night, complete
        first = CrawlProcess(database_url, sites_file, KEYS, tmp_path / "night-1.log")
        assert first.wait() == 0, first.text()
        sample.publish(ARTICLES)  # twenty new articles per site appear on page 1 of every list
        crawl_until(
            database_url, sites_file, tmp_path / "night-2.log", articles_served(25), signal.SIGKILL, running
        )
    finally:
        sample.publish(ARTICLES)
    finish_and_compare(database_url, sites_file, tmp_path, crash_reference)
