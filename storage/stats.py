"""Archive statistics: articles per month by site and region, crawl runs, size on disk and in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote

from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from storage.models import Article, CrawlRun, SiteRecord


@dataclass(frozen=True, slots=True)
class MonthCount:
    month: str  # YYYY-MM in China time; "undated" when the article has no date
    site: str
    region: str  # the site's province/city/county
    articles: int


@dataclass(frozen=True, slots=True)
class RunSummary:
    site: str
    runs: int
    last_started: datetime | None
    last_finish: str | None
    pages: int
    new: int
    errors: int


@dataclass(frozen=True, slots=True)
class Sizes:
    articles: int
    stories: int
    database_bytes: int  # pages in use, as the database reports them
    disk_bytes: int | None  # files on disk (SQLite only: the database, its WAL and shared memory)


def articles_per_month(session: Session) -> list[MonthCount]:
    month = _month(session)
    region = func.coalesce(SiteRecord.county, SiteRecord.city, SiteRecord.province, "")
    statement = (
        select(month, Article.site_key, SiteRecord.province, SiteRecord.city, SiteRecord.county, func.count())
        .join(SiteRecord, SiteRecord.key == Article.site_key)
        .group_by(month, Article.site_key, SiteRecord.province, SiteRecord.city, SiteRecord.county)
        .order_by(month, region, Article.site_key)
    )
    return [
        MonthCount(m or "undated", site, "/".join(p for p in (province, city, county) if p), count)
        for m, site, province, city, county, count in session.execute(statement)
    ]


def run_summaries(session: Session) -> list[RunSummary]:
    latest = select(CrawlRun.site_key, func.max(CrawlRun.id).label("last_id")).group_by(CrawlRun.site_key)
    last = {
        run.site_key: run
        for run in session.scalars(
            select(CrawlRun).where(CrawlRun.id.in_(latest.with_only_columns(func.max(CrawlRun.id))))
        )
    }
    totals = session.execute(
        select(
            CrawlRun.site_key,
            func.count(),
            func.sum(CrawlRun.pages_fetched),
            func.sum(CrawlRun.articles_new),
            func.sum(CrawlRun.errors),
        )
        .group_by(CrawlRun.site_key)
        .order_by(CrawlRun.site_key)
    )
    return [
        RunSummary(
            site,
            runs,
            last[site].started_at if site in last else None,
            (last[site].finish_reason or "running") if site in last else None,
            int(pages or 0),
            int(new or 0),
            int(errors or 0),
        )
        for site, runs, pages, new, errors in totals
    ]


def sizes(session: Session, engine: Engine) -> Sizes:
    articles = session.scalar(select(func.count()).select_from(Article)) or 0
    stories = session.scalar(select(func.count(func.distinct(Article.story_id)))) or 0
    if engine.dialect.name == "postgresql":
        in_db = session.scalar(text("SELECT pg_database_size(current_database())")) or 0
        return Sizes(articles, stories, int(in_db), None)
    page_count = session.scalar(text("PRAGMA page_count")) or 0
    page_size = session.scalar(text("PRAGMA page_size")) or 0
    database = make_url(str(engine.url)).database
    if database and database.startswith("file:"):  # a URI filename (a read-only engine's)
        database = unquote(database.removeprefix("file:"))
    on_disk = None
    if database and database != ":memory:":
        files = [Path(database + suffix) for suffix in ("", "-wal", "-shm")]
        on_disk = sum(f.stat().st_size for f in files if f.exists())
    return Sizes(articles, stories, int(page_count) * int(page_size), on_disk)


def _month(session: Session) -> ColumnElement[str]:
    # published_at is stored as UTC; months are counted in China time (UTC+8, no daylight saving).
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(Article.published_at + text("interval '8 hours'"), "YYYY-MM")
    return func.strftime("%Y-%m", Article.published_at, "+8 hours")
