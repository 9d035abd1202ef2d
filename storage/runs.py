"""Crawl runs and the site records they crawl."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import CrawlRun, SiteRecord
from storage.sql import insert_ignore

# Stats keys (namespaced as the pipelines write them) that become run columns.
RUN_COUNTERS = {
    "pages_fetched": "archive/pages",
    "articles_new": "archive/new",
    "articles_updated": "archive/updated",
    "articles_unchanged": "archive/unchanged",
    "articles_duplicate": "archive/duplicate",
    "not_relevant": "archive/not_relevant",
    "no_article": "archive/no_article",
    "errors": "errors/total",
}


@dataclass(frozen=True, slots=True)
class SiteInfo:
    key: str
    name: str
    level: str
    province: str | None
    city: str | None
    county: str | None
    federation: bool


def upsert_site(session: Session, site: SiteInfo, now: datetime) -> None:
    insert_ignore(
        session,
        SiteRecord,
        {
            "key": site.key,
            "name": site.name,
            "level": site.level,
            "federation": site.federation,
            "updated_at": now,
        },
        ["key"],
    )
    row = session.get_one(SiteRecord, site.key)
    row.name, row.level, row.federation = site.name, site.level, site.federation
    row.province, row.city, row.county = site.province, site.city, site.county
    row.updated_at = now
    session.flush()


def start_run(session: Session, site_key: str, trigger: str, now: datetime) -> CrawlRun:
    run = CrawlRun(site_key=site_key, trigger=trigger, started_at=now, stats={})
    session.add(run)
    session.flush()
    return run


def finish_run(
    session: Session, run_id: int, reason: str, stats: Mapping[str, Any], now: datetime
) -> CrawlRun:
    run = session.get_one(CrawlRun, run_id)
    run.finished_at = now
    run.finish_reason = reason
    run.stats = {key: _jsonable(value) for key, value in stats.items()}
    for column, key in RUN_COUNTERS.items():
        setattr(run, column, int(stats.get(key, 0)))
    return run


def recent_runs(session: Session, limit: int = 50, site_key: str | None = None) -> list[CrawlRun]:
    query = select(CrawlRun).order_by(CrawlRun.id.desc()).limit(limit)
    if site_key:
        query = query.where(CrawlRun.site_key == site_key)
    return list(session.scalars(query))


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)
