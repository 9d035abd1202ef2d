"""The sample web's ground truth knows which pages republish which story: the archive's clustering must be
exactly that partition, and each story's canonical copy the original."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime

from dedup_support import T0, add_sites, store
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from sampleweb import SampleWeb
from sampleweb import sites as sample_sites
from storage.models import Article, Story
from storage.runs import SiteInfo

ARTICLES_PER_SITE = 40


def test_clusters_match_the_ground_truth_exactly(engine: Engine) -> None:
    web = SampleWeb(seed=2026, articles_per_site=ARTICLES_PER_SITE)
    add_sites(
        engine,
        [SiteInfo(s.key, s.name, s.level, s.province, s.city, s.county, s.federation) for s in web.sites],
    )
    records = [r for r in web.truth() if r.kind == "article"]
    random.Random(7).shuffle(records)  # crawl order must not matter, canonical copy included
    truth_story: dict[int, str] = {}
    original_of: dict[str, int] = {}
    for record in records:
        url = f"http://{record.site}.test{record.path}"
        published = datetime.fromisoformat(record.published_at)
        stored = store(
            engine,
            record.site,
            url,
            record.title,
            "\n".join(record.body),
            at=T0,
            raw=url.encode(),
            published_at=published,
            source=record.source,
            editors=record.editors,
        )
        assert stored.article_id is not None
        truth_story[stored.article_id] = record.story_id
        if record.republishes is None:
            original_of[record.story_id] = stored.article_id
    archived: dict[int, set[int]] = defaultdict(set)
    expected: dict[str, set[int]] = defaultdict(set)
    with Session(engine) as session:
        for article_id, story_id in session.execute(select(Article.id, Article.story_id)):
            assert story_id is not None
            archived[story_id].add(article_id)
        for article_id, story_key in truth_story.items():
            expected[story_key].add(article_id)
        assert sorted(map(sorted, archived.values())) == sorted(map(sorted, expected.values()))
        republished = [key for key, members in expected.items() if len(members) > 1]
        assert len(republished) >= 10, "the sample must exercise republication"
        for key in republished:
            story_id = session.scalars(select(Article.story_id).where(Article.id == original_of[key])).one()
            assert session.get_one(Story, story_id).canonical_article_id == original_of[key], key
    assert sample_sites.CITY in {r.site for r in records}
