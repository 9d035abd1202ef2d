"""Batched archive writes: one transaction per batch, a bad page fails alone."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from crawler.archive_writer import ArchiveWriter
from crawler.pipelines.batching import WriteBatcher
from storage.models import SiteRecord


def write_site(session: Session, key: str) -> str:
    if key == "bad key!":
        raise ValueError("refused")
    session.execute(
        text(
            "INSERT INTO sites (key, name, level, federation, updated_at) VALUES (:k, 'n', 'news', false, :t)"
        ),
        {"k": key, "t": "2026-01-01 00:00:00"},
    )
    return key


def write_sites(session: Session, keys: list[str]) -> list[str]:
    """A batch write, as the writer process runs it (a module-level function and plain arguments)."""
    return [write_site(session, key) for key in keys]


@pytest.fixture
def writer(database_url: str) -> Iterator[ArchiveWriter]:
    writer = ArchiveWriter.acquire(database_url)
    yield writer
    writer.release()


def site_count(writer: ArchiveWriter) -> int:
    engine = writer.engine
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(SiteRecord)) or 0


def test_full_batches_flush_at_once_and_the_rest_on_the_timer(writer: ArchiveWriter) -> None:
    async def scenario() -> list[str]:
        batcher: WriteBatcher[str, str] = WriteBatcher(writer, write_sites, (), size=3, seconds=0.05)
        return await asyncio.gather(*(batcher.submit(f"site-{n}") for n in range(7)))

    assert asyncio.run(scenario()) == [f"site-{n}" for n in range(7)]
    assert site_count(writer) == 7


def test_a_failing_page_fails_alone(writer: ArchiveWriter) -> None:
    async def scenario() -> list[object]:
        batcher: WriteBatcher[str, str] = WriteBatcher(writer, write_sites, (), size=3, seconds=0.05)
        jobs = [batcher.submit(key) for key in ("ok-1", "bad key!", "ok-2")]
        return await asyncio.gather(*jobs, return_exceptions=True)

    first, failed, last = asyncio.run(scenario())
    assert (first, last) == ("ok-1", "ok-2")
    assert isinstance(failed, ValueError)
    assert site_count(writer) == 2


def test_drain_writes_what_is_pending(writer: ArchiveWriter) -> None:
    async def scenario() -> None:
        batcher: WriteBatcher[str, str] = WriteBatcher(writer, write_sites, (), size=100, seconds=60)
        waiting = asyncio.ensure_future(batcher.submit("late"))
        await asyncio.sleep(0)
        await batcher.drain()
        assert waiting.done()
        assert await waiting == "late"

    asyncio.run(scenario())
    assert site_count(writer) == 1


def test_batch_size_is_at_least_one(writer: ArchiveWriter) -> None:
    assert WriteBatcher(writer, write_sites, (), size=0, seconds=1).size == 1


def test_one_writer_per_archive_per_process(database_url: str) -> None:
    first, second = ArchiveWriter.acquire(database_url), ArchiveWriter.acquire(database_url)
    assert first is second
    first.release()
    assert ArchiveWriter.acquire(database_url) is first, "still in use by the second holder"
    first.release()
    second.release()
    fresh = ArchiveWriter.acquire(database_url)
    assert fresh is not first, "released by everyone: a new one is made"
    fresh.release()
