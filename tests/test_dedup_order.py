"""Stories do not depend on the order copies arrive in: a copy that matches two stories merges them, and a
merged story id still leads to its copies."""

from __future__ import annotations

import itertools
import random

import pytest
from dedup_support import T0, add_sites, report, store
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from sampleweb import SampleWeb
from storage.dedup import resolve_story
from storage.dedup_models import DedupMembership, StoryMerge
from storage.engine import create_archive_engine
from storage.minhash import band_keys, confirm, features, signature
from storage.models import Article, Story
from storage.runs import SiteInfo
from storage.schema import upgrade
from storage.story_view import load_story

TITLE = "全区残疾人工作情况通报"


def paragraphs(seed: int, chars: int | None = None) -> list[str]:
    """A generated report's paragraphs, only as many as reach `chars` characters when it is given."""
    taken: list[str] = []
    for paragraph in report(seed)[1].split("\n"):
        if chars is not None and sum(map(len, taken)) >= chars:
            break
        taken.append(paragraph)
    return taken


def bridge_corpus() -> dict[str, tuple[str, str]]:
    """Two reports that share their middle (M), and a copy that overlaps each by most of its text:
    first = P + M, second = M + Q, bridge = (half of P) + M + (half of Q)."""
    middle = paragraphs(6)
    size = int(0.6 * sum(map(len, middle)))
    before, after = paragraphs(7, size), paragraphs(8, size)
    texts = {
        "first": before + middle,
        "bridge": before[len(before) // 2 :] + middle + after[: len(after) // 2],
        "second": middle + after,
    }
    return {name: (TITLE, "\n".join(text)) for name, text in texts.items()}


def partition(engine: Engine) -> set[frozenset[str]]:
    with Session(engine) as session:
        rows = session.execute(select(Article.url, Article.story_id)).all()
    groups: dict[int | None, set[str]] = {}
    for url, story_id in rows:
        groups.setdefault(story_id, set()).add(url)
    return {frozenset(urls) for urls in groups.values()}


def test_the_bridge_premise_holds() -> None:
    """The bridge is the same report as each end (and the index finds it), the ends are not."""
    texts = {name: features(title, body) for name, (title, body) in bridge_corpus().items()}
    bands = {name: set(band_keys(signature(text.shingles))) for name, text in texts.items()}
    for end in ("first", "second"):
        assert confirm(texts["bridge"], texts[end]).same
        assert bands["bridge"] & bands[end], "the LSH index finds the pair"
    assert not confirm(texts["first"], texts["second"]).same


@pytest.mark.parametrize("order", list(itertools.permutations(["first", "bridge", "second"])), ids="-".join)
def test_a_copy_bridging_two_stories_merges_them_in_any_order(engine: Engine, order: tuple[str, ...]) -> None:
    add_sites(engine)
    corpus = bridge_corpus()
    for name in order:
        title, body = corpus[name]
        store(engine, "news", f"http://news.test/{name}.html", title, body, raw=name.encode())
    assert partition(engine) == {frozenset(f"http://news.test/{n}.html" for n in corpus)}
    with Session(engine) as session:
        [story] = session.scalars(select(Story)).all()
        memberships = session.scalars(select(DedupMembership.story_id)).all()
        assert set(memberships) == {story.id}, "memberships moved with their copies"
        merges = session.scalars(select(StoryMerge)).all()
        if order[-1] == "bridge":  # it came last: the two stories of the ends merged
            [merge] = merges
            assert merge.into_story_id == story.id
            assert resolve_story(session, merge.merged_story_id) == story.id
            view = load_story(session, story.id)
            assert view is not None and len(view.copies) == 3
        else:
            assert merges == []


def test_the_sample_web_gives_the_same_stories_in_any_order(tmp_path) -> None:
    web = SampleWeb(seed=2026, articles_per_site=40)
    records = [r for r in web.truth() if r.kind == "article"]
    sites = [SiteInfo(s.key, s.name, s.level, s.province, s.city, s.county, s.federation) for s in web.sites]
    partitions = []
    for seed in (1, 2, 3):
        engine = create_archive_engine(f"sqlite:///{tmp_path / f'order-{seed}.db'}")
        upgrade(engine)
        add_sites(engine, sites)
        shuffled = records[:]
        random.Random(seed).shuffle(shuffled)
        for record in shuffled:
            url = f"http://{record.site}.test{record.path}"
            body = "\n".join(record.body)
            store(engine, record.site, url, record.title, body, at=T0, raw=url.encode(), source=record.source)
        partitions.append(partition(engine))
        engine.dispose()
    assert partitions[0] == partitions[1] == partitions[2]
