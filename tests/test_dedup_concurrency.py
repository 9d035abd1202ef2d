"""Two crawls writing copies of one story at the same moment end with one story and two copies.

On PostgreSQL both transactions are held until each has looked for candidates (and found none), so both try
to start a story: the partial unique index on first-seen band values must reject one, and its retried
transaction joins the other's story. On SQLite BEGIN IMMEDIATE serialises the two writers instead.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

import pytest
from dedup_support import add_sites, report, store
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

import storage.dedup
from storage.models import Article, Story

NEAR_COPIES = {
    "near": lambda body: (body, body + "\n（责任编辑：王敏）"),
    "exact": lambda body: (body, body),
}


@pytest.mark.parametrize("kind", sorted(NEAR_COPIES))
def test_simultaneous_copies_converge_on_one_story(
    engine: Engine, kind: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    add_sites(engine)
    title, body = report(11)
    bodies = NEAR_COPIES[kind](body)
    postgres = engine.dialect.name == "postgresql"
    both_looked = threading.Barrier(2, timeout=10)
    real_insert = storage.dedup._insert_bands
    first_attempts: set[int] = set()

    def insert_after_both_looked(session: Session, article_id: int, keys: Sequence[tuple[int, int]], seen):
        thread = threading.get_ident()
        if postgres and thread not in first_attempts:
            first_attempts.add(thread)
            both_looked.wait()  # neither has written a band yet: both saw no candidate
        real_insert(session, article_id, keys, seen)

    monkeypatch.setattr(storage.dedup, "_insert_bands", insert_after_both_looked)
    errors: list[BaseException] = []

    def crawl(site: str, url: str, text: str) -> None:
        try:
            # Distinct raw bytes: a shared blob row would make the second writer wait before dedup.
            store(engine, site, url, title, text, raw=url.encode())
        except BaseException as error:  # surfaced below: a thread's exception is otherwise lost
            errors.append(error)

    caplog.set_level(logging.INFO, logger="storage.transactions")
    threads = [
        threading.Thread(target=crawl, args=("county", "http://county.example/a.html", bodies[0])),
        threading.Thread(target=crawl, args=("news", "http://news.example/b.htm", bodies[1])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Story)) == 1
        assert session.scalar(select(func.count()).select_from(Article)) == 2
        assert len(set(session.scalars(select(Article.story_id)))) == 1
    if postgres:
        assert "write conflict" in caplog.text, "the database constraint, not luck, made them converge"
