"""Reading the archive: search and totals. Functions take a session the caller owns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Article, Fetch, Page, SiteRecord


@dataclass(frozen=True, slots=True)
class SearchHit:
    id: int
    title: str
    site: str
    url: str
    published_at: datetime | None
    snippet: str


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_articles(
    session: Session, query: str, limit: int = 20, site: str | None = None
) -> list[SearchHit]:
    """Articles whose title or body contains `query` as a substring, newest first.

    A plain LIKE scan: exact for Chinese at any length, but linear in the archive size.
    """
    pattern = f"%{escape_like(query)}%"
    statement = (
        select(Article)
        .where(Article.title.like(pattern, escape="\\") | Article.body.like(pattern, escape="\\"))
        .order_by(Article.published_at.desc().nulls_last(), Article.id.desc())
        .limit(limit)
    )
    if site:
        statement = statement.where(Article.site_key == site)
    return [
        SearchHit(a.id, a.title, a.site_key, a.url, a.published_at, snippet(a.body, query))
        for a in session.scalars(statement)
    ]


def snippet(text: str, query: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    position = flat.find(query)
    if position < 0:
        return flat[:width] + ("…" if len(flat) > width else "")
    start = max(0, position - width // 3)
    end = min(len(flat), position + len(query) + width)
    return ("…" if start else "") + flat[start:end] + ("…" if end < len(flat) else "")


@dataclass(frozen=True, slots=True)
class SiteTotals:
    site: str
    name: str
    pages: int
    articles: int
    fetches: int


def archive_totals(session: Session) -> list[SiteTotals]:
    articles = dict(
        session.execute(select(Article.site_key, func.count()).group_by(Article.site_key)).tuples().all()
    )
    pages = dict(session.execute(select(Page.site_key, func.count()).group_by(Page.site_key)).tuples().all())
    fetches = dict(
        session.execute(
            select(Page.site_key, func.count()).join(Fetch, Fetch.page_id == Page.id).group_by(Page.site_key)
        )
        .tuples()
        .all()
    )
    return [
        SiteTotals(key, name, pages.get(key, 0), articles.get(key, 0), fetches.get(key, 0))
        for key, name in session.execute(select(SiteRecord.key, SiteRecord.name).order_by(SiteRecord.key))
        .tuples()
        .all()
    ]
