"""Write transactions that survive concurrent writers, and fail fast when the archive cannot be written.

SQLite: transactions start with BEGIN IMMEDIATE (see storage.engine) and wait on the busy timeout; a
"database is locked" that still escapes is retried. PostgreSQL: two writers may both find a row missing and
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
DEFAULT_ATTEMPTS = 5


class WriteFailed(RuntimeError):
    """A write transaction kept failing; the cause is chained."""


def write_transaction(
    engine: Engine,
    work: Callable[[Session], T],
    attempts: int = DEFAULT_ATTEMPTS,
    stopping: Callable[[], bool] = lambda: False,
) -> T:
    """Run `work(session)` in one write transaction, retried on lock or uniqueness conflicts.

    `stopping()` is asked before each retry: a crawl shutting down gives up instead of waiting on locks.
    """
    for attempt in range(1, attempts + 1):
        try:
            with Session(writer(engine)) as session, session.begin():
                return work(session)
        except DBAPIError as error:
            fatal = unavailable(error, archive_name(engine))
            if fatal is not None:
                raise fatal from error
            if retry_kind(error) is Retry.NEVER:
                raise
            if attempt == attempts or stopping():
                raise WriteFailed(f"write failed after {attempt} attempt(s): {error.orig}") from error
            logger.info("write conflict (attempt %d/%d): %s", attempt, attempts, type(error.orig).__name__)
            time.sleep(0.05 * attempt + random.random() * 0.05)  # jitter: two losers must not collide again
    raise AssertionError("unreachable")


def archive_name(engine: Engine) -> str:
    return describe_archive(engine.url.render_as_string(hide_password=False))
