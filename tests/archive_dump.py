"""A whole archive as plain, comparable data: every row a crawl writes, with ids replaced by what they stand
for (URLs, fetch order), so two archives of the same pages can be compared row for row."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from storage.crawl_state_models import FrontierEntry
from storage.dedup_models import DedupBand, DedupMembership, StoryMerge
from storage.figures_models import FigureRow
from storage.models import Article, ArticleVersion, CrawlRun, Fetch, Page, RawBlob, Story
from storage.queries import Filters, search

QUERIES = [
    ("残联", Filters()),
    ("两项补贴", Filters()),
    ("康复", Filters(site="sample-cdpf")),
    ("就业", Filters(region="浙江")),
]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def dump(engine: Engine) -> dict[str, Any]:
    with Session(engine) as session:
        pages = {p.id: p for p in session.scalars(select(Page))}
        fetches = list(session.scalars(select(Fetch).order_by(Fetch.id)))
        fetch_order = {f.id: n for n, f in enumerate(fetches)}
        articles = {a.id: a for a in session.scalars(select(Article))}
        url = {a.id: a.url for a in articles.values()}
        stories = {s.id: s for s in session.scalars(select(Story))}
        copies: dict[int, list[str]] = defaultdict(list)
        for article in articles.values():
            if article.story_id is not None:
                copies[article.story_id].append(article.url)
        return {
            "pages": sorted(
                [p.url_key, p.url, p.site_key, p.fetch_count, _iso(p.first_seen_at)] for p in pages.values()
            ),
            "fetches": [
                [
                    pages[f.page_id].url_key,
                    f.requested_url,
                    f.final_url,
                    f.status,
                    f.outcome,
                    f.detail,
                    f.raw_sha256,
                ]
                for f in fetches
            ],
            "blobs": sorted([b.sha256, b.size] for b in session.scalars(select(RawBlob))),
            "articles": sorted(_article(a, fetch_order, pages) for a in articles.values()),
            "versions": sorted(
                [url[v.article_id], v.body_hash, v.title, fetch_order[v.fetch_id], _iso(v.seen_at)]
                for v in session.scalars(select(ArticleVersion))
            ),
            "stories": sorted(
                [
                    sorted(copies[s.id]),
                    url.get(s.canonical_article_id or 0),
                    _iso(s.created_at),
                    _iso(s.updated_at),
                ]
                for s in stories.values()
            ),
            "memberships": sorted(
                [
                    url[m.article_id],
                    m.method,
                    url.get(m.matched_article_id or 0),
                    round(m.jaccard, 6),
                    round(m.containment, 6),
                ]
                for m in session.scalars(select(DedupMembership))
            ),
            "bands": sorted(
                [url[b.article_id], b.band, b.key, bool(b.is_first)]
                for b in session.scalars(select(DedupBand))
            ),
            "merges": sorted([url[m.bridging_article_id]] for m in session.scalars(select(StoryMerge))),
            "figures": sorted(_figure(f, url) for f in session.scalars(select(FigureRow))),
            "search": [
                sorted(h.record.url for h in search(session, query, filters, copies=True, limit=100_000))
                for query, filters in QUERIES
            ],
            "runs": [
                [
                    r.pages_fetched,
                    r.articles_new,
                    r.articles_updated,
                    r.articles_unchanged,
                    r.articles_duplicate,
                    r.not_relevant,
                    r.no_article,
                ]
                for r in session.scalars(select(CrawlRun).order_by(CrawlRun.id))
            ],
            "frontier": sorted(
                [e.site_key, e.url_key, e.attempts, e.last_error]
                for e in session.scalars(select(FrontierEntry))
            ),
        }


def _article(a: Article, fetch_order: dict[int, int], pages: dict[int, Page]) -> list[Any]:
    return [
        a.url, pages[a.page_id].url_key, a.site_key, a.title, a.body_hash, _iso(a.published_at),
        a.published_offset, a.published_raw, a.source, a.authors, a.editors, a.correspondents, a.tags,
        a.images, a.attachments,
        a.language, a.extractor_version, round(a.relevance_score, 6), a.relevance_terms, a.regions,
        fetch_order[a.fetch_id], _iso(a.first_archived_at), _iso(a.updated_at), a.story_id is not None,
    ]  # fmt: skip


def _figure(f: FigureRow, url: dict[int, str]) -> list[Any]:
    return [
        url[f.article_id], f.programme, f.measure, f.value, f.value_max, f.unit, f.value_normalised,
        f.qualifier, f.region, f.period, f.text, f.sentence_start, f.span_start, f.span_end,
        f.figures_version,
    ]  # fmt: skip
