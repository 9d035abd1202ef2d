"""A crawl's own bookkeeping in the archive, one transaction each: open it (the site, the run, the site
lock), checkpoint it, close it. Called in the archive writer process (crawler.archive_writer), so every
argument is plain data. Functions take a session the caller owns and never commit it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from storage.runs import SiteInfo, adopt_run, checkpoint_run, finish_run, start_run, upsert_site
from storage.site_locks import acquire_site_lock, heartbeat_site_lock, release_site_lock


def begin_crawl(
    session: Session,
    site: SiteInfo,
    trigger: str,
    process: str,
    adopted_run_id: int | None,
    now: datetime,
) -> tuple[int, str | None]:
    """Register the site, open (or adopt: a scheduler made the row) the run, take the site's lock.

    Returns the run id and, when another live process holds the lock, who it is."""
    upsert_site(session, site, now)
    if adopted_run_id:
        run = adopt_run(session, adopted_run_id, site.key, process, now)
    else:
        run = start_run(session, site.key, trigger, now, process=process)
    holder = acquire_site_lock(session, site.key, process, run.id, now)
    return run.id, holder.describe() if holder is not None else None


def checkpoint_crawl(
    session: Session, run_id: int, site_key: str, process: str, stats: Mapping[str, Any], now: datetime
) -> bool:
    """The run's stats so far and the lock's heartbeat; False when the lock is no longer ours."""
    checkpoint_run(session, run_id, stats, now)
    return heartbeat_site_lock(session, site_key, process, now)


def end_crawl(
    session: Session,
    run_id: int,
    reason: str,
    stats: Mapping[str, Any],
    now: datetime,
    note: str,
    release_lock_of: tuple[str, str] | None,
) -> None:
    """Close the run with Scrapy's final stats; give up the site lock (site key, holder) if held."""
    run = finish_run(session, run_id, reason, stats, now)
    run.note = note or run.note
    if release_lock_of is not None:
        release_site_lock(session, *release_lock_of)
