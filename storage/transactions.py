"""Write transactions that survive concurrent writers.

SQLite: transactions start with BEGIN IMMEDIATE (see storage.engine) and wait on the busy timeout; a
"database is locked" that still escapes is retried. PostgreSQL: two writers may both find a row missing and
both insert it; the loser gets a unique violation, and the retry re-reads and finds the winner's row. The
database's constraints decide, never a Python-side check.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from storage.engine import writer

T = TypeVar("T")
logger = logging.getLogger(__name__)
DEFAULT_ATTEMPTS = 5


class WriteFailed(RuntimeError):
    """A write transaction kept failing; the cause is chained."""


def write_transaction(engine: Engine, work: Callable[[Session], T], attempts: int = DEFAULT_ATTEMPTS) -> T:
    """Run `work(session)` in one write transaction, retried on lock or uniqueness conflicts."""
    for attempt in range(1, attempts + 1):
        try:
            with Session(writer(engine)) as session, session.begin():
                return work(session)
        except (OperationalError, IntegrityError) as error:
            if attempt == attempts:
                raise WriteFailed(f"write failed after {attempts} attempts: {error}") from error
            logger.info("write conflict (attempt %d/%d): %s", attempt, attempts, type(error.orig).__name__)
            time.sleep(0.05 * attempt + random.random() * 0.05)  # jitter: two losers must not collide again
    raise AssertionError("unreachable")
