"""One crawl of a site at a time, whoever starts it (`canlian crawl`, the scheduler, a Scrapyd node).

The lock is a row per site naming its holder process (storage.liveness). Taking it is one INSERT ... ON
CONFLICT DO NOTHING; a row whose holder is dead is taken over by an UPDATE that names the dead holder, so
two processes that both find it dead cannot both win. Functions take a session and never commit it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from storage.crawl_state_models import SiteLock
from storage.liveness import DEFAULT_STALE_AFTER, ProcessIdentity, holder_alive
from storage.sql import changed_one_row, insert_returning


@dataclass(frozen=True, slots=True)
class LockHolder:
    site_key: str
    holder: str
    run_id: int | None
    acquired_at: datetime

    def describe(self) -> str:
        identity = ProcessIdentity.parse(self.holder)
        who = identity.describe() if identity else self.holder
        run = f" (run {self.run_id})" if self.run_id is not None else ""
        return f"{who}{run}, since {self.acquired_at:%Y-%m-%d %H:%M:%S} UTC"


def acquire_site_lock(
    session: Session,
    site_key: str,
    holder: str,
    run_id: int | None,
    now: datetime,
    stale_after: timedelta = DEFAULT_STALE_AFTER,
) -> LockHolder | None:
    """Take the site's lock for `holder`: None when taken, else the live process that holds it."""
    values = {
        "site_key": site_key,
        "holder": holder,
        "run_id": run_id,
        "acquired_at": now,
        "heartbeat_at": now,
    }
    if insert_returning(session, SiteLock, values, ["site_key"], "site_key") is not None:
        return None
    row = session.execute(select(SiteLock).where(SiteLock.site_key == site_key)).scalar_one_or_none()
    if row is None:  # released between our INSERT and this read: try once more
        return acquire_site_lock(session, site_key, holder, run_id, now, stale_after)
    current = LockHolder(row.site_key, row.holder, row.run_id, row.acquired_at)
    if row.holder != holder and holder_alive(row.holder, row.heartbeat_at, now, stale_after):
        return current
    taken = session.execute(
        update(SiteLock)
        .where(SiteLock.site_key == site_key, SiteLock.holder == row.holder)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return None if changed_one_row(taken) else current


def release_site_lock(session: Session, site_key: str, holder: str) -> None:
    session.execute(
        delete(SiteLock)
        .where(SiteLock.site_key == site_key, SiteLock.holder == holder)
        .execution_options(synchronize_session=False)
    )


def heartbeat_site_lock(session: Session, site_key: str, holder: str, now: datetime) -> bool:
    """False when the lock is no longer ours (taken over after we looked dead)."""
    beat = session.execute(
        update(SiteLock)
        .where(SiteLock.site_key == site_key, SiteLock.holder == holder)
        .values(heartbeat_at=now)
        .execution_options(synchronize_session=False)
    )
    return changed_one_row(beat)


def live_lock_holder(
    session: Session, site_key: str, now: datetime, stale_after: timedelta = DEFAULT_STALE_AFTER
) -> LockHolder | None:
    """Who is crawling the site right now, if anyone alive is."""
    row = session.get(SiteLock, site_key)
    if row is None or not holder_alive(row.holder, row.heartbeat_at, now, stale_after):
        return None
    return LockHolder(row.site_key, row.holder, row.run_id, row.acquired_at)
