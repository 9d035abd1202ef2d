"""What the archive already knows about a site: the basis of incremental crawls.

The archive, not Scrapy's JOBDIR (which an unclean stop can corrupt), is the record of what was fetched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, func, not_, select
from sqlalchemy.orm import Session

from crawler.extraction.model import NoArticleReason
from storage.models import Article, Fetch, ListPageState, Page
from storage.sql import upsert
from storage.urls import url_key

EXTRACTION_FAILED = NoArticleReason.EXTRACTION_FAILED.value


@dataclass(frozen=True, slots=True)
class Revisit:
    url: str
    last_fetched_at: datetime


# A fetch whose extraction crashed (a bug, a killed worker) settles nothing: the page is fetched again.
_SETTLED = exists().where(Fetch.page_id == Page.id, not_(Fetch.detail.like(f"{EXTRACTION_FAILED}:%")))


def settles(fetch_detail: str) -> bool:
    """Whether a fetch with this detail makes its page known (the Python side of `_SETTLED`)."""
    return not fetch_detail.startswith(f"{EXTRACTION_FAILED}:")


def known_pages(session: Session, site_key: str) -> dict[str, datetime]:
    """Scheme-less key -> first fetch time of every page of the site that was fetched and stored (not only
    failed to extract)."""
    query = select(Page.url_key, Page.first_seen_at).where(Page.site_key == site_key, _SETTLED)
    return dict(session.execute(query).all())  # rows, not the result: dict() would take that for a mapping


def known_page_keys(session: Session, site_key: str) -> set[str]:
    return set(known_pages(session, site_key))


def due_revisits(
    session: Session, site_key: str, now: datetime, window: timedelta, interval: timedelta
) -> list[Revisit]:
    """Recent articles to fetch again to catch edits: published (or first seen) within `window`, last
    fetched more than `interval` ago."""
    recent = func.coalesce(Article.published_at, Page.first_seen_at)
    query = (
        select(Page.url, Page.last_fetched_at)
        .join(Article, Article.page_id == Page.id)
        .where(Page.site_key == site_key, recent >= now - window, Page.last_fetched_at <= now - interval)
        .order_by(Page.last_fetched_at)
    )
    return [Revisit(url, fetched) for url, fetched in session.execute(query).tuples()]


def list_validators(session: Session, site_key: str) -> dict[str, tuple[str | None, str | None]]:
    rows = session.execute(
        select(ListPageState.url_key, ListPageState.etag, ListPageState.last_modified).where(
            ListPageState.site_key == site_key
        )
    ).tuples()
    return {key: (etag, modified) for key, etag, modified in rows}


def remember_list_page(
    session: Session, site_key: str, url: str, etag: str | None, last_modified: str | None, now: datetime
) -> None:
    values = {
        "url_key": url_key(url),
        "site_key": site_key,
        "etag": etag,
        "last_modified": last_modified,
        "fetched_at": now,
    }
    upsert(session, ListPageState, values, ["url_key"])
