"""Write transactions that survive concurrent writers, and fail fast when the archive cannot be written.

SQLite: transactions start with BEGIN IMMEDIATE (see storage.engine) and wait on a short busy timeout; a
"database is locked" is then retried here, with backoff, for up to `PATIENCE` seconds in all. The waiting
happens in Python, between attempts, so a crawl that is shutting down stops waiting at once (SQLite's own
busy wait cannot be interrupted). PostgreSQL: two writers may both find a row missing and
both insert it; the loser gets a unique violation, and the retry re-reads and finds the winner's row. The
database's constraints decide, never a Python-side check.

A full disk, a read-only or corrupt archive, missing permissions or an unreachable server are not retried
(storage.errors): they raise `ArchiveUnavailable` at once, naming the archive and the cause.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from storage.engine import writer
from storage.errors import Retry, describe_archive, retry_kind, unavailable

T = TypeVar("T")
logger = logging.getLogger(__name__)
PATIENCE = 120.0  # seconds of conflicts (another writer holding the archive) before a write gives up
MAX_BACKOFF = 1.0


class WriteFailed(RuntimeError):
    """A write transaction kept failing; the cause is chained."""


def write_transaction(
    engine: Engine,
    work: Callable[[Session], T],
    attempts: int | None = None,
    stopping: Callable[[], bool] = lambda: False,
    patience: float = PATIENCE,
) -> T:
    """Run `work(session)` in one write transaction, retried on lock or uniqueness conflicts for up to
    `patience` seconds (or `attempts` tries).

    `stopping()` is asked before each retry: a crawl shutting down gives up instead of waiting on locks.
    """
    deadline = time.monotonic() + patience
    attempt = 0
    while True:
        attempt += 1
        try:
            with Session(writer(engine, hurried=stopping())) as session, session.begin():
                return work(session)
        except DBAPIError as error:
            fatal = unavailable(error, archive_name(engine))
            if fatal is not None:
                raise fatal from error
            if retry_kind(error) is Retry.NEVER:
                raise
            if attempt == attempts or stopping() or time.monotonic() >= deadline:
                raise WriteFailed(f"write failed after {attempt} attempt(s): {error.orig}") from error
            if attempt in (1, 10) or attempt % 50 == 0:
                logger.info("write conflict (attempt %d): %s", attempt, type(error.orig).__name__)
            # Growing, jittered pauses: two losers of one race must not collide again.
            time.sleep(min(MAX_BACKOFF, 0.05 * attempt) * (0.5 + random.random()))


def archive_name(engine: Engine) -> str:
    return describe_archive(engine.url.render_as_string(hide_password=False))
