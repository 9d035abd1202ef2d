"""Grouping article copies into stories: exact duplicates, then near duplicates through an LSH index kept
in SQL (storage.dedup_models), each candidate confirmed by a direct similarity check (storage.minhash).

Functions take a session the caller owns and never commit. Under concurrency the database decides: two
transactions that each start a new story for near-identical copies both try to mark a shared band value as
first seen (`uq_dedup_bands_first`); one fails with a unique violation and its retry joins the winner.
On SQLite, BEGIN IMMEDIATE already serialises writers, so the retry is never needed there.

Canonical copy rule (`canonical_order`), first that applies:
1. a copy on a site that some copy's 来源 names (the republishers credit the original's outlet);
2. a disability-federation site, then a government site, over a news portal (`SiteRecord.level` "news");
3. the earliest publish time (first archived time when the page shows no date); then the lowest id.
It is recomputed, under a lock on the story row, whenever a copy joins.

Stories do not depend on the order copies arrive in. A new copy is compared with every candidate the index
finds; when it is the same report as copies of two (or more) stories, those stories are one: they merge into
the oldest (lowest id), and `story_merges` records where each merged id went, so a story id once shown
still leads to its copies (`resolve_story`). A story is then the connected group of copies that are
pairwise the same report, whichever copy came first.

Default thresholds (storage.minhash.Thresholds), measured with `python -m bench.bench_dedup` on 3,813
generated documents (1,688 true stories): pairwise merge precision 1.0000, recall 0.9838; 0 of 188
successor reports merged. The misses are mostly short reports that lost a whole paragraph.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Row, Table, bindparam, delete, exists, insert, select, update
from sqlalchemy.orm import Session

from storage.dedup_models import DedupBand, DedupMembership, StoryMerge
from storage.minhash import DEFAULT_THRESHOLDS, Features, Thresholds, Verdict, band_keys, confirm, features
from storage.minhash import signature as minhash_signature
from storage.models import Article, SiteRecord, Story

MAX_CANDIDATES = 32  # most band matches first; a real copy shares many bands, noise shares one
_SITE_RANK = {"federation": 0, "government": 1, "news": 2}


def assign_story(
    session: Session, article: Article, limits: Thresholds = DEFAULT_THRESHOLDS
) -> Article | None:
    """Put a newly flushed `article` into a story; return the copy it duplicates (exactly or nearly)."""
    twin = _exact_twin(session, article)
    if twin is not None:
        _join(session, article, twin, "exact", Verdict(True, 1.0, 1.0, "same body"))
        return twin
    own = features(article.title, article.body)
    keys = band_keys(minhash_signature(own.shingles))
    seen, counts = _band_hits(session, keys)
    matches = _confirmed_candidates(session, article, own, counts, limits)
    twin = None
    if not matches:
        _new_story(session, article)
    else:
        best = max(matches, key=lambda m: (m.verdict.jaccard, -m.article_id))
        twin = session.get_one(Article, best.article_id)
        stories = sorted({m.story_id for m in matches})
        if len(stories) > 1:  # this copy bridges stories that are one report
            merge_stories(session, stories[0], stories[1:], article.id, article.first_archived_at)
            session.refresh(twin, ["story_id"])
        _join(session, article, twin, "near", best.verdict)
    _insert_bands(session, article.id, keys, seen)
    return twin


def reindex_article(session: Session, article: Article) -> None:
    """Index a changed body of an archived copy too, so later copies of the new version find its story.
    The copy stays in its story: a page's own edit never moves it."""
    keys = band_keys(minhash_signature(features(article.title, article.body).shingles))
    rows = _band_rows(session, keys)
    seen = {(row.key, row.band) for row in rows}
    mine = {(row.key, row.band) for row in rows if row.article_id == article.id}
    fresh = [(band, key) for band, key in keys if (key, band) not in mine]
    _insert_bands(session, article.id, fresh, seen)


def index_unbanded(session: Session, batch: int = 500) -> int:
    """Index up to `batch` archived copies that have no band rows (archived before revision 0003); returns
    how many. Call until it returns 0: after that every copy can be found by later near duplicates."""
    unbanded = ~exists().where(DedupBand.article_id == Article.id)
    ids = session.scalars(select(Article.id).where(unbanded).order_by(Article.id).limit(batch)).all()
    for article in session.scalars(select(Article).where(Article.id.in_(ids))):
        reindex_article(session, article)
    return len(ids)


# Built once and run with bound values for every new copy; an id first, as a twin is the rare case.
_EXACT_TWIN = (
    select(Article.id)
    .where(
        Article.body_hash == bindparam("digest"),
        Article.id != bindparam("article_id"),
        Article.story_id.is_not(None),
    )
    .order_by(Article.id)
    .limit(1)
)


def _exact_twin(session: Session, article: Article) -> Article | None:
    twin = session.scalar(_EXACT_TWIN, {"digest": article.body_hash, "article_id": article.id})
    return None if twin is None else session.get_one(Article, twin)


def _band_rows(session: Session, keys: Sequence[tuple[int, int]]) -> Sequence[Row[int, int, int]]:
    """Index rows holding any of these band keys: one probe of the primary key per band."""
    statement = select(DedupBand.key, DedupBand.band, DedupBand.article_id)
    return session.execute(statement.where(DedupBand.key.in_([key for _, key in keys]))).all()


def _band_hits(
    session: Session, keys: Sequence[tuple[int, int]]
) -> tuple[set[tuple[int, int]], Counter[int]]:
    """Band values already indexed, and per article how many of our bands it shares."""
    wanted = {(key, band) for band, key in keys}
    rows = _band_rows(session, keys)
    hits = [row for row in rows if (row.key, row.band) in wanted]  # a 64-bit key collision across bands
    return {(row.key, row.band) for row in hits}, Counter(row.article_id for row in hits)


@dataclass(frozen=True, slots=True)
class _Match:
    article_id: int
    story_id: int
    verdict: Verdict


def _confirmed_candidates(
    session: Session, article: Article, own: Features, counts: Counter[int], limits: Thresholds
) -> list[_Match]:
    """Every indexed copy the direct check confirms as the same report (most shared bands first)."""
    ids = [article_id for article_id, _ in counts.most_common(MAX_CANDIDATES) if article_id != article.id]
    if not ids:
        return []
    # Plain rows, not ORM objects: most candidates are noise and only the winner is needed as an Article.
    candidates = session.execute(
        select(Article.id, Article.story_id, Article.title, Article.body).where(
            Article.id.in_(ids), Article.story_id.is_not(None)
        )
    ).all()
    matches = []
    for candidate in sorted(candidates, key=lambda c: (-counts[c.id], c.id)):
        verdict = confirm(own, features(candidate.title, candidate.body), limits)
        if verdict.same:
            matches.append(_Match(candidate.id, candidate.story_id, verdict))
    return matches


def merge_stories(
    session: Session, into: int, merged: Sequence[int], bridge_article_id: int, now: datetime
) -> None:
    """Move every copy of the `merged` stories into story `into` and record where each went."""
    # Lock every story row involved, in id order: two merging transactions then cannot deadlock.
    locked = select(Story.id).where(Story.id.in_([into, *merged])).order_by(Story.id).with_for_update()
    session.execute(locked).all()
    moved = list(merged)
    session.execute(update(Article).where(Article.story_id.in_(moved)).values(story_id=into))
    session.execute(update(DedupMembership).where(DedupMembership.story_id.in_(moved)).values(story_id=into))
    session.execute(update(StoryMerge).where(StoryMerge.into_story_id.in_(moved)).values(into_story_id=into))
    for story_id in moved:
        session.add(
            StoryMerge(
                merged_story_id=story_id,
                into_story_id=into,
                bridging_article_id=bridge_article_id,
                merged_at=now,
            )
        )
    session.execute(delete(Story).where(Story.id.in_(moved)).execution_options(synchronize_session="fetch"))
    session.flush()


def resolve_story(session: Session, story_id: int) -> int | None:
    """The story a (possibly merged) story id stands for now, or None if there never was one."""
    if session.get(Story, story_id) is not None:
        return story_id
    return session.scalar(select(StoryMerge.into_story_id).where(StoryMerge.merged_story_id == story_id))


def _insert_bands(
    session: Session, article_id: int, keys: Sequence[tuple[int, int]], seen: set[tuple[int, int]]
) -> None:
    if not keys:
        return
    rows = [
        {"key": key, "band": band, "article_id": article_id, "is_first": (key, band) not in seen}
        for band, key in keys
    ]
    # A plain INSERT on purpose: a concurrent first claim of the same band value must fail (see module doc).
    session.execute(insert(cast(Table, DedupBand.__table__)), rows)


def _new_story(session: Session, article: Article) -> Story:
    story = Story(
        canonical_article_id=article.id,
        created_at=article.first_archived_at,
        updated_at=article.first_archived_at,
    )
    session.add(story)
    session.flush()
    article.story_id = story.id
    session.add(DedupMembership(article_id=article.id, story_id=story.id, method="first"))
    return story


def _join(session: Session, article: Article, matched: Article, method: str, verdict: Verdict) -> None:
    assert matched.story_id is not None
    # Lock the story row first: a concurrent joiner then waits and recomputes with our copy visible.
    story = session.scalars(
        select(Story)
        .where(Story.id == matched.story_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    article.story_id = story.id
    session.add(
        DedupMembership(
            article_id=article.id,
            story_id=story.id,
            method=method,
            matched_article_id=matched.id,
            jaccard=verdict.jaccard,
            containment=verdict.containment,
        )
    )
    session.flush()
    story.canonical_article_id = canonical_order(copies_of(session, story.id))[0].article_id
    story.updated_at = max(story.updated_at, article.first_archived_at)


@dataclass(frozen=True, slots=True)
class CopyFacts:
    """What the canonical rule looks at for one copy."""

    article_id: int
    site_name: str
    site_level: str
    federation: bool
    source: str | None
    published_at: datetime | None
    archived_at: datetime


def copies_of(session: Session, story_id: int) -> list[CopyFacts]:
    rows = session.execute(
        select(
            Article.id,
            SiteRecord.name,
            SiteRecord.level,
            SiteRecord.federation,
            Article.source,
            Article.published_at,
            Article.first_archived_at,
        )
        .join(SiteRecord, SiteRecord.key == Article.site_key)
        .where(Article.story_id == story_id)
    ).all()
    return [CopyFacts(*row) for row in rows]


def canonical_order(copies: Sequence[CopyFacts]) -> list[CopyFacts]:
    """Copies best first by the documented rule."""
    credited = [outlet(c.source) for c in copies if c.source]

    def key(copy: CopyFacts) -> tuple[int, int, datetime, int]:
        named = any(names_same_outlet(source, outlet(copy.site_name)) for source in credited)
        return (0 if named else 1, site_rank(copy), copy.published_at or copy.archived_at, copy.article_id)

    return sorted(copies, key=key)


def site_rank(copy: CopyFacts) -> int:
    if copy.federation:
        return _SITE_RANK["federation"]
    return _SITE_RANK["news" if copy.site_level == "news" else "government"]


_PARENTHESES = re.compile(r"[(（][^)）]*[)）]")
_OUTLET_SUFFIX = re.compile(r"(门户网站|官方网站|网站|官网|门户|网)$")


def outlet(name: str) -> str:
    """The outlet a site name or 来源 line refers to: 秀洲区人民政府网 and 秀洲区人民政府（样例） are one."""
    text = unicodedata.normalize("NFKC", name)
    text = _PARENTHESES.sub("", text).replace("残疾人联合会", "残联")
    return _OUTLET_SUFFIX.sub("", "".join(text.split()))


def names_same_outlet(a: str, b: str) -> bool:
    shorter, longer = sorted((a, b), key=len)
    if not shorter:
        return False
    # Containment lets 来源：秀洲区残联办公室 name 秀洲区残联, but not a two-character 中国 everything.
    return shorter == longer or (len(shorter) >= 4 and shorter in longer)
