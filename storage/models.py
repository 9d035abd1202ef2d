"""Typed ORM models of the archive.

Shape of the data:
- a `Page` is one canonical URL (unique on `url_key`), seen on one site;
- every download of a page is a `Fetch`, pointing at its raw bytes in `RawBlob` (content-addressed, so an
  unchanged re-fetch stores nothing new) and recording what became of it (`outcome`);
- a page that held a relevant article has one `Article` (its current text) and one `ArticleVersion` per
  distinct body it has had;
- every crawl is a `CrawlRun`; `SiteRecord` is the registry entry as it was when last crawled, so the archive
  describes itself without the crawler's registry.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.types import UTCDateTime

# Named constraints, so migrations (SQLite batch mode above all) can find them again.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 (SQLAlchemy reads it as a class attribute)
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[str]: JSON(),
    }


class SiteRecord(Base):
    __tablename__ = "sites"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16))  # national | province | city | county | news
    province: Mapped[str | None] = mapped_column(String(32))
    city: Mapped[str | None] = mapped_column(String(32))
    county: Mapped[str | None] = mapped_column(String(32))
    federation: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime]


class RawBlob(Base):
    __tablename__ = "raw_blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)  # of the uncompressed bytes
    size: Mapped[int] = mapped_column(Integer)  # uncompressed
    compression: Mapped[str] = mapped_column(String(8))  # "zlib"
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Page(Base):
    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_key: Mapped[str] = mapped_column(ForeignKey("sites.key"), index=True)
    # Scheme-less canonical form: the identity of a page (http and https of one host are one page).
    url_key: Mapped[str] = mapped_column(String(2048), unique=True)
    url: Mapped[str] = mapped_column(String(2048))  # canonical URL with the scheme it was first seen on
    first_seen_at: Mapped[datetime]
    last_fetched_at: Mapped[datetime]
    fetch_count: Mapped[int] = mapped_column(Integer, default=0)

    article: Mapped[Article | None] = relationship(back_populates="page")


class CrawlRun(Base):
    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_key: Mapped[str] = mapped_column(String(64), index=True)
    trigger: Mapped[str] = mapped_column(String(16))  # manual | scheduled | catch-up | demo
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    finish_reason: Mapped[str | None] = mapped_column(String(64))  # Scrapy's reason, e.g. "finished"
    pages_fetched: Mapped[int] = mapped_column(Integer, default=0)
    articles_new: Mapped[int] = mapped_column(Integer, default=0)
    articles_updated: Mapped[int] = mapped_column(Integer, default=0)
    articles_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    articles_duplicate: Mapped[int] = mapped_column(Integer, default=0)
    not_relevant: Mapped[int] = mapped_column(Integer, default=0)
    no_article: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    stats: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # What became of the run, whoever ended it: running | finished | failed | timed_out | killed |
    # interrupted | missed | skipped. Scrapy's `finish_reason` alone cannot say "the child was killed".
    status: Mapped[str | None] = mapped_column(String(16), index=True)
    scheduled_for: Mapped[datetime | None]  # the fire time a scheduled or catch-up run was due at
    launched_by: Mapped[str | None] = mapped_column(String(128))  # the scheduler lease holder, if any
    log_path: Mapped[str | None] = mapped_column(String(1024))
    exit_code: Mapped[int | None] = mapped_column(Integer)  # the child's; negative = killed by that signal
    blocked: Mapped[int] = mapped_column(Integer, default=0)  # anti-bot answers (403 / 412 / 521 ...)
    # Requests refused on purpose (robots.txt, the private-address guard, soft 404s, size limits ...).
    refused: Mapped[int] = mapped_column(Integer, default=0)
    refused_by_kind: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    errors_by_kind: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str | None] = mapped_column(Text)  # why the scheduler recorded the status it did
    # The process that owns the run while it is open (storage.liveness) and its last checkpoint: a run whose
    # process is gone is closed as killed / lost by the next command that notices, never by a guess.
    process: Mapped[str | None] = mapped_column(String(512))
    heartbeat_at: Mapped[datetime | None]


class Fetch(Base):
    __tablename__ = "fetches"
    __table_args__ = (Index("ix_fetches_page_time", "page_id", "fetched_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    requested_url: Mapped[str] = mapped_column(String(2048))
    final_url: Mapped[str] = mapped_column(String(2048))
    status: Mapped[int] = mapped_column(Integer)
    headers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    fetched_at: Mapped[datetime]
    raw_sha256: Mapped[str | None] = mapped_column(ForeignKey("raw_blobs.sha256"))
    # new | updated | unchanged | duplicate | not_relevant | no_article
    outcome: Mapped[str] = mapped_column(String(24))
    detail: Mapped[str] = mapped_column(Text, default="")  # e.g. the NoArticle reason, relevance reason


class Story(Base):
    """One report, however many pages carry it: a cluster of article copies."""

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The copy that speaks for the story (see storage.dedup for the rule); None only while being built.
    canonical_article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", use_alter=True))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    copies: Mapped[list[Article]] = relationship(back_populates="story", foreign_keys="Article.story_id")


class Article(Base):
    """One copy of a story: the current text of one page."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id"), unique=True)
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id"), index=True)
    site_key: Mapped[str] = mapped_column(ForeignKey("sites.key"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    body_hash: Mapped[str] = mapped_column(String(64), index=True)
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    # The instant, stored as UTC for sorting and filtering; the page's own UTC offset (minutes) beside it, so
    # every output shows the time as the page did (storage.types.in_offset). None: Beijing time.
    published_offset: Mapped[int | None] = mapped_column(Integer)
    published_raw: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str | None] = mapped_column(String(200))
    authors: Mapped[list[str]] = mapped_column(JSON, default=list)
    editors: Mapped[list[str]] = mapped_column(JSON, default=list)
    correspondents: Mapped[list[str]] = mapped_column(JSON, default=list)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    images: Mapped[list[Any]] = mapped_column(JSON, default=list)
    attachments: Mapped[list[Any]] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(8), default="zh")
    extractor_version: Mapped[str] = mapped_column(String(32))
    relevance_score: Mapped[float] = mapped_column(Float, default=0.0)
    relevance_terms: Mapped[list[str]] = mapped_column(JSON, default=list)
    regions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    fetch_id: Mapped[int] = mapped_column(ForeignKey("fetches.id"))  # the fetch this text came from
    first_archived_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    page: Mapped[Page] = relationship(back_populates="article")
    story: Mapped[Story | None] = relationship(back_populates="copies", foreign_keys=[story_id])
    versions: Mapped[list[ArticleVersion]] = relationship(
        back_populates="article", order_by="ArticleVersion.id"
    )


class ArticleVersion(Base):
    """One distinct body a page has had; a body that did not change makes no new row."""

    __tablename__ = "article_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    fetch_id: Mapped[int] = mapped_column(ForeignKey("fetches.id"))
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    body_hash: Mapped[str] = mapped_column(String(64))
    seen_at: Mapped[datetime]

    article: Mapped[Article] = relationship(back_populates="versions")


class ListPageState(Base):
    """Validators of a list page's last 200 answer, for conditional GET on the next crawl."""

    __tablename__ = "list_pages"

    url_key: Mapped[str] = mapped_column(String(2048), primary_key=True)
    site_key: Mapped[str] = mapped_column(String(64), index=True)
    etag: Mapped[str | None] = mapped_column(String(256))
    last_modified: Mapped[str | None] = mapped_column(String(64))
    fetched_at: Mapped[datetime]
