"""Writing what a crawl fetched into the archive.

Functions take a session the caller owns and never commit it. Uniqueness (one page per URL, one article
per page, one blob per content hash) is enforced by database constraints with `ON CONFLICT DO NOTHING`,
so two crawlers writing the same page at once cannot create two rows.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import bindparam, case, select, update
from sqlalchemy.orm import Session

import storage.search  # noqa: F401  (registers the listeners that keep the search index current)
from crawler.extraction.model import Article as ExtractedArticle
from crawler.extraction.model import NoArticle
from storage.dedup import assign_story, reindex_article
from storage.figures import record_figures
from storage.fingerprint import body_hash
from storage.frontier import record_failure, settle
from storage.incremental import settles
from storage.models import Article, ArticleVersion, Fetch, Page, RawBlob
from storage.runs import count_archived
from storage.sql import insert_ignore, insert_returning
from storage.types import UTCDateTime, offset_minutes
from storage.urls import canonical_url, url_key


class Outcome(StrEnum):
    """What became of one fetched page. The value is the stats key suffix (`archive/<value>`)."""

    NEW = "new"  # a relevant article seen for the first time
    UPDATED = "updated"  # a known page whose article body or title changed: a new version
    UNCHANGED = "unchanged"  # a known page fetched again with the same article
    DUPLICATE = "duplicate"  # a new page whose body is exactly one already archived elsewhere
    NOT_RELEVANT = "not_relevant"
    NO_ARTICLE = "no_article"


@dataclass(frozen=True, slots=True)
class FetchedPage:
    site_key: str
    requested_url: str
    final_url: str
    status: int
    headers: Mapping[str, str]
    body: bytes
    fetched_at: datetime


@dataclass(frozen=True, slots=True)
class Assessment:
    """The relevance verdict, as storage keeps it."""

    relevant: bool
    score: float = 0.0
    terms: tuple[str, ...] = ()
    regions: tuple[dict[str, Any], ...] = ()
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Stored:
    outcome: Outcome
    page_id: int
    fetch_id: int
    article_id: int | None = None
    detail: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def record_fetch(
    session: Session,
    page: FetchedPage,
    result: ExtractedArticle | NoArticle,
    assessment: Assessment | None,
    run_id: int | None = None,
) -> Stored:
    """Store one fetch (raw bytes always kept) and, for a relevant article, the article itself."""
    page_row = _upsert_page(session, page)
    fetch = Fetch(
        page_id=page_row.page_id,
        run_id=run_id,
        requested_url=page.requested_url,
        final_url=page.final_url,
        status=page.status,
        headers=dict(page.headers),
        fetched_at=page.fetched_at,
        raw_sha256=store_blob(session, page.body),
        outcome=Outcome.NO_ARTICLE,
    )
    session.add(fetch)
    session.flush()
    stored = _classify(session, page_row, fetch, result, assessment)
    fetch.outcome, fetch.detail = stored.outcome, stored.detail
    # The frontier changes in the same transaction as the archive: a kill leaves both as they were.
    if settles(stored.detail):
        settle(session, page.site_key, [page.requested_url, page.final_url])
    else:
        record_failure(session, page.site_key, page.requested_url, stored.detail, page.fetched_at)
    return stored


def record_pages(
    session: Session,
    pages: list[tuple[FetchedPage, ExtractedArticle | NoArticle, Assessment | None]],
    run_id: int,
) -> list[Stored]:
    """A batch of fetches, and the run's page counts in the same transaction (a run killed at any moment
    shows exactly what it archived)."""
    stored = [record_fetch(session, page, result, assessment, run_id) for page, result, assessment in pages]
    count_archived(session, run_id, [str(s.outcome) for s in stored])
    return stored


def store_blob(session: Session, raw: bytes) -> str:
    digest = hashlib.sha256(raw).hexdigest()
    values = {
        "sha256": digest,
        "size": len(raw),
        "compression": "zlib",
        "data": zlib.compress(raw, 6),
    }
    insert_ignore(session, RawBlob, values, ["sha256"])
    return digest


def load_blob(session: Session, sha256: str) -> bytes:
    blob = session.get_one(RawBlob, sha256)
    return zlib.decompress(blob.data)


@dataclass(frozen=True, slots=True)
class _PageRow:
    page_id: int
    site_key: str
    created: bool  # by this fetch: such a page cannot have an article yet


# Built once: a page write runs these for every fetch, and SQLAlchemy then reuses the compiled statements.
_TOUCH_PAGE = (
    update(Page)
    .where(Page.url_key == bindparam("key"))
    .values(
        fetch_count=Page.fetch_count + 1,
        last_fetched_at=case(
            (
                Page.last_fetched_at < bindparam("at", type_=UTCDateTime()),
                bindparam("at", type_=UTCDateTime()),
            ),
            else_=Page.last_fetched_at,
        ),
    )
    .returning(Page.id, Page.site_key)
    .execution_options(synchronize_session=False)  # no Page objects are held in the writing session
)
_ARTICLE_OF_PAGE = select(Article).where(Article.page_id == bindparam("page_id"))


def _upsert_page(session: Session, page: FetchedPage) -> _PageRow:
    """Create the page row, or count another fetch of it; one statement when the page is new."""
    key = url_key(page.final_url)
    values = {
        "site_key": page.site_key,
        "url_key": key,
        "url": canonical_url(page.final_url),
        "first_seen_at": page.fetched_at,
        "last_fetched_at": page.fetched_at,
        "fetch_count": 1,
    }
    created = insert_returning(session, Page, values, ["url_key"], "id")
    if created is not None:
        return _PageRow(created, page.site_key, True)
    page_id, site_key = session.execute(_TOUCH_PAGE, {"key": key, "at": page.fetched_at}).one()
    return _PageRow(page_id, site_key, False)


def _classify(
    session: Session,
    page: _PageRow,
    fetch: Fetch,
    result: ExtractedArticle | NoArticle,
    assessment: Assessment | None,
) -> Stored:
    if isinstance(result, NoArticle):
        return Stored(Outcome.NO_ARTICLE, page.page_id, fetch.id, detail=f"{result.reason}: {result.detail}")
    if assessment is None or not assessment.relevant:
        reason = assessment.reason if assessment else "not assessed"
        return Stored(Outcome.NOT_RELEVANT, page.page_id, fetch.id, detail=reason)
    return _store_article(session, page, fetch, result, assessment)


def _store_article(
    session: Session, page: _PageRow, fetch: Fetch, extracted: ExtractedArticle, assessment: Assessment
) -> Stored:
    digest = body_hash(extracted.body)
    existing = None if page.created else session.scalars(_ARTICLE_OF_PAGE, {"page_id": page.page_id}).first()
    if existing is not None:
        if existing.body_hash == digest and existing.title == extracted.title:
            return Stored(Outcome.UNCHANGED, page.page_id, fetch.id, existing.id)
        _fill(existing, keep_learnt_sizes(extracted, existing.attachments), assessment, digest, fetch)
        add_version(session, existing, fetch)
        reindex_article(session, existing)  # later copies of the new text must find this story
        return Stored(Outcome.UPDATED, page.page_id, fetch.id, existing.id)
    article = Article(page_id=page.page_id, site_key=page.site_key, first_archived_at=fetch.fetched_at)
    _fill(article, extracted, assessment, digest, fetch)
    session.add(article)
    session.flush()
    add_version(session, article, fetch)
    twin = assign_story(session, article)
    if twin is not None:
        return Stored(
            Outcome.DUPLICATE, page.page_id, fetch.id, article.id, f"same story as article {twin.id}"
        )
    return Stored(Outcome.NEW, page.page_id, fetch.id, article.id)


def _fill(
    article: Article, extracted: ExtractedArticle, assessment: Assessment, digest: str, fetch: Fetch
) -> None:
    fill_extracted(article, extracted, digest)
    article.relevance_score = assessment.score
    article.relevance_terms = list(assessment.terms)
    article.regions = list(assessment.regions)
    article.fetch_id = fetch.id
    article.updated_at = fetch.fetched_at


def fill_extracted(article: Article, extracted: ExtractedArticle, digest: str) -> None:
    """Copy what the extractor found onto an article row (everything but relevance and provenance)."""
    article.url = canonical_url(extracted.url)
    article.title = extracted.title
    article.body = extracted.body
    article.body_hash = digest
    article.published_at = extracted.published_at
    article.published_offset = offset_minutes(extracted.published_at)
    article.published_raw = extracted.published_raw
    article.source = extracted.source
    article.authors = list(extracted.authors)
    article.editors = list(extracted.editors)
    article.correspondents = list(extracted.correspondents)
    article.tags = list(extracted.tags)
    article.images = [{"src": i.src, "caption": i.caption} for i in extracted.images]
    article.attachments = [{"name": a.name, "url": a.url, "size": a.size} for a in extracted.attachments]
    article.language = extracted.language
    article.extractor_version = extracted.extractor_version


def keep_learnt_sizes(extracted: ExtractedArticle, stored: list[Any]) -> ExtractedArticle:
    """Attachment sizes a crawl learnt by HEAD request are in no raw page: keep them for the same URL
    when a new extraction of the page (a revisit, `canlian reextract`) finds none."""
    known = {a["url"]: a["size"] for a in stored if isinstance(a, dict) and a.get("size") is not None}
    if not known:
        return extracted
    attachments = tuple(
        replace(a, size=known[a.url]) if a.size is None and a.url in known else a
        for a in extracted.attachments
    )
    return replace(extracted, attachments=attachments)


def add_version(session: Session, article: Article, fetch: Fetch) -> None:
    version = ArticleVersion(
        article_id=article.id,
        fetch_id=fetch.id,
        title=article.title,
        body=article.body,
        body_hash=article.body_hash,
        seen_at=fetch.fetched_at,
    )
    session.add(version)
    record_figures(session, article, version)  # the key figures of this text (storage.figures)


@dataclass(frozen=True, slots=True)
class ArchivedResponse:
    """One fetch as it was downloaded: the raw bytes and the headers they came with."""

    fetch_id: int
    final_url: str
    status: int
    headers: Mapping[str, str]
    fetched_at: datetime
    body: bytes


def archived_response(session: Session, fetch_id: int) -> ArchivedResponse | None:
    """The raw page of a fetch, or None when there is no such fetch or it kept no bytes."""
    fetch = session.get(Fetch, fetch_id)
    if fetch is None or fetch.raw_sha256 is None:
        return None
    body = load_blob(session, fetch.raw_sha256)
    return ArchivedResponse(fetch.id, fetch.final_url, fetch.status, fetch.headers, fetch.fetched_at, body)
