"""Reading one story with every copy it has: what `canlian show` prints."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.dedup_models import DedupMembership
from storage.models import Article, SiteRecord, Story
from storage.types import in_offset
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
            published_at=in_offset(article.published_at, article.published_offset),
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


@dataclass(frozen=True, slots=True)
class AttachmentView:
    name: str
    url: str
    size: int | None  # bytes, when the page stated it or a HEAD request told it


@dataclass(frozen=True, slots=True)
class CopyDetails:
    """Everything extracted from one copy beyond what `CopyView` lists."""

    article_id: int
    body: str
    published_raw: str | None
    authors: tuple[str, ...]
    correspondents: tuple[str, ...]
    tags: tuple[str, ...]
    regions: tuple[str, ...]  # places the article concerns, e.g. 浙江省/嘉兴市
    relevance_terms: tuple[str, ...]
    relevance_score: float
    attachments: tuple[AttachmentView, ...]
    images: int
    extractor_version: str
    fetch_id: int  # the fetch the current text came from (its raw page is in the archive)
    first_archived_at: datetime
    updated_at: datetime


def copy_details(session: Session, article_ids: list[int]) -> dict[int, CopyDetails]:
    """The extracted fields of these copies, by article id."""
    rows = session.scalars(select(Article).where(Article.id.in_(article_ids)))
    return {article.id: _details(article) for article in rows}


def _details(article: Article) -> CopyDetails:
    attachments = tuple(
        AttachmentView(str(a.get("name") or ""), str(a.get("url") or ""), a.get("size"))
        for a in article.attachments
        if isinstance(a, dict)
    )
    return CopyDetails(
        article_id=article.id,
        body=article.body,
        published_raw=article.published_raw,
        authors=tuple(article.authors),
        correspondents=tuple(article.correspondents),
        tags=tuple(article.tags),
        regions=tuple(_place_name(tag) for tag in article.regions),
        relevance_terms=tuple(article.relevance_terms),
        relevance_score=article.relevance_score,
        attachments=attachments,
        images=len(article.images),
        extractor_version=article.extractor_version,
        fetch_id=article.fetch_id,
        first_archived_at=article.first_archived_at,
        updated_at=article.updated_at,
    )


def _place_name(tag: object) -> str:
    if isinstance(tag, dict):
        return "/".join(str(tag[k]) for k in ("province", "city", "county") if tag.get(k))
    return str(tag)
