"""The crawl frontier and finished list walks, as the archive keeps them (tables in
storage.crawl_state_models). Functions take a session the caller owns and never commit it.

The frontier holds every article URL a list showed that is not archived yet: added when the list page is
parsed, removed in the transaction that archives the page, and counted up (with the error) when a download
or an extraction fails. The next crawl of the site requests what is left first, so nothing a list once
showed is lost to a kill, a full disk or a flaky server; after `MAX_ATTEMPTS` failures an entry stays for
the record ("abandoned") but is no longer requested by itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, delete, func, select, update
from sqlalchemy.orm import Session

from storage.crawl_state_models import FrontierEntry, ListWalkRecord
from storage.incremental import remember_list_page
from storage.sql import insert_ignore_many, upsert
from storage.urls import url_key

MAX_ATTEMPTS = 3
_ERROR_LENGTH = 500


def add_pending(session: Session, site_key: str, urls: Iterable[str], now: datetime) -> None:
    """Article URLs a list showed; those already in the frontier keep their row."""
    rows = [
        {"site_key": site_key, "url_key": url_key(url), "url": url, "discovered_at": now, "attempts": 0}
        for url in dict.fromkeys(urls)
    ]
    insert_ignore_many(session, cast(Table, FrontierEntry.__table__), rows, ["site_key", "url_key"])


def settle(session: Session, site_key: str, urls: Sequence[str]) -> None:
    """The page behind these URLs (requested and final) is archived: out of the frontier."""
    keys = list({url_key(url) for url in urls})
    session.execute(
        delete(FrontierEntry)
        .where(FrontierEntry.site_key == site_key, FrontierEntry.url_key.in_(keys))
        .execution_options(synchronize_session=False)
    )


def record_failure(session: Session, site_key: str, url: str, error: str, now: datetime) -> int:
    """One more failed attempt at `url`; returns how many it has had."""
    add_pending(session, site_key, [url], now)
    key = url_key(url)
    session.execute(
        update(FrontierEntry)
        .where(FrontierEntry.site_key == site_key, FrontierEntry.url_key == key)
        .values(attempts=FrontierEntry.attempts + 1, last_error=error[:_ERROR_LENGTH], last_tried_at=now)
        .execution_options(synchronize_session=False)
    )
    attempts = session.scalar(
        select(FrontierEntry.attempts).where(FrontierEntry.site_key == site_key, FrontierEntry.url_key == key)
    )
    return int(attempts or 0)


def pending_urls(session: Session, site_key: str, max_attempts: int = MAX_ATTEMPTS) -> list[str]:
    """What a crawl of the site should request first, oldest discovery first."""
    query = (
        select(FrontierEntry.url)
        .where(FrontierEntry.site_key == site_key, FrontierEntry.attempts < max_attempts)
        .order_by(FrontierEntry.discovered_at, FrontierEntry.url_key)
    )
    return list(session.scalars(query))


def frontier_counts(session: Session, site_key: str, max_attempts: int = MAX_ATTEMPTS) -> dict[str, int]:
    """{"pending": ..., "abandoned": ...} for one site."""
    abandoned = FrontierEntry.attempts >= max_attempts
    rows = session.execute(
        select(abandoned, func.count()).where(FrontierEntry.site_key == site_key).group_by(abandoned)
    )
    counts = {"pending": 0, "abandoned": 0}
    for is_abandoned, count in rows:
        counts["abandoned" if is_abandoned else "pending"] += int(count)
    return counts


def walk_completions(session: Session, site_key: str) -> dict[str, datetime]:
    """Chain -> when a walk of it last reached its end."""
    query = select(ListWalkRecord.chain, ListWalkRecord.completed_at)
    return dict(session.execute(query.where(ListWalkRecord.site_key == site_key)).all())


def complete_walks(
    session: Session,
    site_key: str,
    chains: Iterable[str],
    validators: Mapping[str, tuple[str | None, str | None]],
    now: datetime,
    run_id: int | None,
) -> None:
    """Record walks that reached their end, with the validators of the list pages they fetched (a later
    304 on such a page then means: nothing there that this walk did not see)."""
    for chain in chains:
        values: dict[str, Any] = {"site_key": site_key, "chain": chain, "completed_at": now, "run_id": run_id}
        upsert(session, ListWalkRecord, values, ["site_key", "chain"])
    for url, (etag, modified) in validators.items():
        remember_list_page(session, site_key, url, etag, modified, now)
