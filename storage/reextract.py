"""Re-running the current extractor over the raw pages the archive kept (`canlian reextract`).

Offline: nothing is fetched, and stored raw bytes are never modified. An article whose extraction changed
gets its fields and `extractor_version` updated; a changed title or body is also a new version (with the
fetch it came from), re-indexed for search and near-duplicate detection. Relevance is left as it was.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.extraction.model import Article as ExtractedArticle
from crawler.extraction.model import NoArticle
from storage.archive import add_version, fill_extracted, keep_learnt_sizes, load_blob
from storage.dedup import reindex_article
from storage.figures import refresh_figures
from storage.fingerprint import body_hash
from storage.models import Article, Fetch

Extractor = Callable[[bytes, str, Mapping[str, str]], ExtractedArticle | NoArticle]
COMPARED = (
    "title",
    "body",
    "published_at",
    "source",
    "authors",
    "editors",
    "correspondents",
    "tags",
    "images",
    "attachments",
)


@dataclass
class ReextractSummary:
    seen: int = 0
    changed: int = 0
    unchanged: int = 0
    no_article: Counter[str] = field(default_factory=Counter)  # the extractor now finds none: kept as is
    fields: Counter[str] = field(default_factory=Counter)  # how many articles changed in each field

    def merge(self, other: ReextractSummary) -> None:
        self.seen += other.seen
        self.changed += other.changed
        self.unchanged += other.unchanged
        self.no_article.update(other.no_article)
        self.fields.update(other.fields)


def article_ids(session: Session, site: str | None = None, since: datetime | None = None) -> list[int]:
    query = select(Article.id).order_by(Article.id)
    if site:
        query = query.where(Article.site_key == site)
    if since is not None:
        query = query.where(Article.published_at >= since)
    return list(session.scalars(query))


def reextract_articles(
    session: Session, ids: list[int], extractor: Extractor, summary: ReextractSummary
) -> Iterator[int]:
    """Re-extract the given articles; yields each id when done (for a progress display)."""
    for article in session.scalars(select(Article).where(Article.id.in_(ids)).order_by(Article.id)):
        fetch = session.get_one(Fetch, article.fetch_id)
        summary.seen += 1
        if fetch.raw_sha256 is None:
            summary.no_article["raw page missing"] += 1
            yield article.id
            continue
        result = extractor(load_blob(session, fetch.raw_sha256), fetch.final_url, fetch.headers)
        if isinstance(result, NoArticle):
            summary.no_article[str(result.reason)] += 1
        else:
            _apply(session, article, fetch, result, summary)
        if refresh_figures(session, article):  # the lexicon or its rules may have changed too
            summary.fields["figures"] += 1
        yield article.id


def _apply(
    session: Session, article: Article, fetch: Fetch, extracted: ExtractedArticle, summary: ReextractSummary
) -> None:
    before = {name: getattr(article, name) for name in COMPARED}
    text_before = (article.title, article.body_hash)
    version_before = article.extractor_version
    extracted = keep_learnt_sizes(extracted, article.attachments)
    fill_extracted(article, extracted, body_hash(extracted.body))
    changed = [name for name in COMPARED if getattr(article, name) != before[name]]
    if not changed and version_before == article.extractor_version:
        summary.unchanged += 1
        return
    summary.changed += 1
    summary.fields.update(changed)
    if (article.title, article.body_hash) != text_before:
        add_version(session, article, fetch)
        session.flush()
        reindex_article(session, article)
