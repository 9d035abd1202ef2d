"""Reading one story with every copy it has: what `canlian show` prints."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.dedup_models import DedupMembership
from storage.models import Article, SiteRecord, Story
from storage.versions import VersionView, versions_of


@dataclass(frozen=True, slots=True)
class CopyView:
    article_id: int
    site_key: str
    site_name: str
    url: str
    title: str
    published_at: datetime | None
    source: str | None
    editors: tuple[str, ...]
    canonical: bool
    joined_by: str  # first | exact | near | unknown (archived before dedup kept memberships)
    jaccard: float | None
    versions: tuple[VersionView, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class StoryView:
    id: int
    created_at: datetime
    updated_at: datetime
    canonical_article_id: int | None
    copies: tuple[CopyView, ...]


def load_story(session: Session, story_id: int, with_versions: bool = False) -> StoryView | None:
    story = session.get(Story, story_id)
    if story is None:
        return None
    rows = session.execute(
        select(Article, SiteRecord.name, DedupMembership)
        .join(SiteRecord, SiteRecord.key == Article.site_key)
        .outerjoin(DedupMembership, DedupMembership.article_id == Article.id)
        .where(Article.story_id == story_id)
        .order_by(Article.published_at, Article.id)
    ).all()
    copies = tuple(
        CopyView(
            article_id=article.id,
            site_key=article.site_key,
            site_name=site_name,
            url=article.url,
            title=article.title,
            published_at=article.published_at,
            source=article.source,
            editors=tuple(article.editors),
            canonical=article.id == story.canonical_article_id,
            joined_by=membership.method if membership else "unknown",
            jaccard=membership.jaccard if membership and membership.method == "near" else None,
            versions=tuple(versions_of(session, article.id)) if with_versions else (),
        )
        for article, site_name, membership in rows
    )
    return StoryView(story.id, story.created_at, story.updated_at, story.canonical_article_id, copies)
