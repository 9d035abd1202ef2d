"""Chinese full-text search on both backends: exact recall against a substring check, the query language,
hostile input, filters, and index maintenance on insert, update and delete."""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

import storage.queries
from storage.engine import create_archive_engine
from storage.matching import matching, matching_newest, matching_rare
from storage.models import Article, Fetch, Page, SiteRecord, Story
from storage.queries import Filters, iter_records, search
from storage.runs import SiteInfo, upsert_site
from storage.schema import alembic_config, upgrade
from storage.search import article_id_of, rebuild_index
from storage.search_tokens import level_facet, parse_query, region_facet, site_facet

T0 = datetime(2024, 1, 1, 4, 0, tzinfo=UTC)
# A small alphabet, so that short strings recur across articles and long ones sometimes do.
ALPHABET = "残联疾人康复补贴两项助就业教育区县市省工作会议开展服务"
PUNCTUATION = "，。、；：“”（）！ \n"
SITES = (
    ("zj-county", "county", "浙江省", "嘉兴市", "秀洲区"),
    ("js-city", "city", "江苏省", "淮安市", None),
    ("cdpf", "national", None, None, None),
)


@dataclass(frozen=True)
class Doc:
    title: str
    body: str
    site: str
    published_at: datetime | None
    source: str | None = None
    regions: tuple[str, ...] = ()


def random_text(rng: random.Random, length: int) -> str:
    parts = []
    while sum(map(len, parts)) < length:
        parts.append("".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 12))))
        roll = rng.random()
        parts.append("COVID-19" if roll < 0.03 else "2023年" if roll < 0.06 else rng.choice(PUNCTUATION))
    return "".join(parts)


def corpus(count: int = 300, seed: int = 5) -> list[Doc]:
    rng = random.Random(seed)
    docs = []
    for number in range(count):
        site = SITES[number % len(SITES)][0]
        when = (
            None if number % 17 == 0 else T0 + timedelta(days=rng.randint(0, 700), hours=rng.randint(0, 23))
        )
        source = rng.choice(["中国残联", "嘉兴日报", None])
        regions = ("浙江省",) if rng.random() < 0.2 else ()
        docs.append(
            Doc(random_text(rng, 12), random_text(rng, rng.randint(20, 160)), site, when, source, regions)
        )
    return docs


def load(engine: Engine, docs: Sequence[Doc], story_of: dict[int, int] | None = None) -> list[int]:
    """Store `docs` through the ORM (so the index listeners run); `story_of[i] = j`: doc i copies doc j."""
    story_of = story_of or {}
    with Session(engine) as session, session.begin():
        if session.get(SiteRecord, SITES[0][0]) is None:
            for key, level, province, city, county in SITES:
                session.add(
                    SiteRecord(
                        key=key,
                        name=key,
                        level=level,
                        province=province,
                        city=city,
                        county=county,
                        federation=False,
                        updated_at=T0,
                    )
                )
        session.flush()
        start = session.scalar(select(func.count()).select_from(Page)) or 0
        pages = [
            Page(
                site_key=d.site,
                url_key=f"x/{start + i}",
                url=f"http://x/{start + i}",
                first_seen_at=T0,
                last_fetched_at=T0,
                fetch_count=1,
            )
            for i, d in enumerate(docs)
        ]
        session.add_all(pages)
        session.flush()
        fetches = [
            Fetch(
                page_id=p.id,
                requested_url=p.url,
                final_url=p.url,
                status=200,
                headers={},
                fetched_at=T0,
                outcome="new",
                detail="",
            )
            for p in pages
        ]
        session.add_all(fetches)
        session.flush()
        articles = [
            Article(
                page_id=p.id,
                site_key=d.site,
                url=p.url,
                title=d.title,
                body=d.body,
                body_hash=str(i),
                published_at=d.published_at,
                source=d.source,
                fetch_id=f.id,
                extractor_version="test",
                first_archived_at=T0,
                updated_at=T0,
                regions=[
                    {"province": r, "city": None, "county": None, "level": "province"} for r in d.regions
                ],
            )
            for i, (d, p, f) in enumerate(zip(docs, pages, fetches, strict=True))
        ]
        session.add_all(articles)
        session.flush()
        for i, article in enumerate(articles):
            if i in story_of:
                continue
            story = Story(canonical_article_id=article.id, created_at=T0, updated_at=T0)
            session.add(story)
            session.flush()
            article.story_id = story.id
        for i, j in story_of.items():
            articles[i].story_id = articles[j].story_id
        return [a.id for a in articles]


NO_FILTERS = Filters()


def ids(engine: Engine, query: str, filters: Filters = NO_FILTERS, **options: object) -> set[int]:
    with Session(engine) as session:
        return {h.record.id for h in search(session, query, filters, limit=10_000, **options)}  # type: ignore[arg-type]


def squeeze(text_: str) -> str:
    return re.sub(r"[\W_]+", "", text_).lower()


def sample_queries(docs: Sequence[Doc], length: int, count: int, rng: random.Random) -> list[str]:
    found: list[str] = []
    while len(found) < count:
        source = rng.choice(docs).body
        start = rng.randrange(max(1, len(source) - length))
        candidate = source[start : start + length]
        if len(candidate) == length and all(ch in ALPHABET for ch in candidate):
            found.append(candidate)
    return found + ["".join(rng.choice(ALPHABET) for _ in range(length)) for _ in range(count // 2)]


@pytest.fixture
def loaded(engine: Engine) -> tuple[Engine, list[Doc], list[int]]:
    docs = corpus()
    return engine, docs, load(engine, docs)


def test_recall_is_exact_against_substring(loaded: tuple[Engine, list[Doc], list[int]]) -> None:
    engine, docs, article_ids = loaded
    rng = random.Random(1)
    queries = [q for length in (1, 2, 3, 6) for q in sample_queries(docs, length, 12, rng)]
    for query in queries:
        expected = {a for a, d in zip(article_ids, docs, strict=True) if query in d.title or query in d.body}
        found = ids(engine, query, copies=True)
        assert expected <= found, f"{query!r} missed {sorted(expected - found)}"
        # Extra hits may only be the query's characters split by punctuation (a bigram phrase cannot tell).
        by_id = dict(zip(article_ids, docs, strict=True))
        for extra in found - expected:
            assert query in squeeze(by_id[extra].title) or query in squeeze(by_id[extra].body)


def test_mixed_scripts_and_case(loaded: tuple[Engine, list[Doc], list[int]]) -> None:
    engine, docs, article_ids = loaded
    for query, needle in (("covid-19", "COVID-19"), ("2023年", "2023年"), ("COVID", "COVID")):
        expected = {a for a, d in zip(article_ids, docs, strict=True) if needle in d.title + d.body}
        assert expected and expected <= ids(engine, query, copies=True)


def test_phrase_and_or_not(engine: Engine) -> None:
    docs = [
        Doc("区残联发放两项补贴", "今年共计100万元。", "zj-county", T0),
        Doc("康复服务进社区", "残疾人康复站开展活动", "js-city", T0 + timedelta(days=1)),
        Doc("天气", "两项工作，补贴发放", "cdpf", T0 + timedelta(days=2)),
    ]
    a, b, c = load(engine, docs)
    assert ids(engine, "两项补贴") == {a}
    assert ids(engine, '"两项补贴"') == {a}
    assert ids(engine, "两项 补贴") == {a, c}, "bare words are ANDed, anywhere in the text"
    assert ids(engine, "两项补贴 OR 康复") == {a, b}
    assert ids(engine, "补贴 NOT 残联") == {c}
    assert ids(engine, "补贴 -残联") == {c}
    assert ids(engine, "残 -康复") == {a}
    assert ids(engine, "残疾人 AND 康复站") == {b}


HOSTILE = [
    '"',
    '""',
    '"残联',
    '残联"',
    "*",
    "残*",
    "NEAR(残联 补贴)",
    "NEAR(",
    "%",
    "_",
    "%残联%",
    "\\",
    "\\'",
    "'; DROP TABLE articles; --",
    "残联' OR '1'='1",
    "title:残联",
    "{title} : 残联",
    "^残联",
    "残联 AND",
    "OR OR",
    "NOT",
    "-",
    "--",
    "(残联",
    "残联)",
    "a:b",
    "\x00",
    "' || '",
    "$$",
    ":param",
    "!残联",
    "残联 <-> 补贴",
    "残联 & !补贴",
    "'残联':*",
]


def test_hostile_input_neither_errors_nor_injects(engine: Engine) -> None:
    (only,) = load(engine, [Doc("区残联发放两项补贴", "残联工作", "zj-county", T0)])
    for query in HOSTILE:
        found = ids(engine, query)
        assert found <= {only}
        if "残联" in query and "补贴" not in query and not re.search("[A-Za-z]|^[-!]", query):
            assert found == {only}, f"the words of {query!r} are still searched as words"
        with Session(engine) as session:
            assert session.scalar(select(func.count()).select_from(Article)) == 1


def test_filters(loaded: tuple[Engine, list[Doc], list[int]]) -> None:
    engine, docs, article_ids = loaded
    pairs = list(zip(article_ids, docs, strict=True))
    query = "残"
    base = {a for a, d in pairs if query in d.title + d.body}
    since, until = date(2024, 6, 1), date(2024, 12, 31)

    def day(d: Doc) -> date | None:
        return (d.published_at + timedelta(hours=8)).date() if d.published_at else None

    cases = [
        (Filters(site="js-city"), {a for a, d in pairs if d.site == "js-city"}),
        (Filters(level="national"), {a for a, d in pairs if d.site == "cdpf"}),
        (Filters(since=since, until=until), {a for a, d in pairs if (x := day(d)) and since <= x <= until}),
        (Filters(source="残联"), {a for a, d in pairs if d.source == "中国残联"}),
        (Filters(region="浙江"), {a for a, d in pairs if d.site == "zj-county" or d.regions}),
        (Filters(region="淮安市"), {a for a, d in pairs if d.site == "js-city"}),
        (Filters(region="秀洲区", level="county"), {a for a, d in pairs if d.site == "zj-county"}),
    ]
    for filters, allowed in cases:
        assert ids(engine, query, filters, copies=True) == base & allowed, filters
        with Session(engine) as session:
            exported = {r.id for r in iter_records(session, None, filters, copies=True)}
        assert exported == allowed, filters


def test_newest_first_and_best(loaded: tuple[Engine, list[Doc], list[int]]) -> None:
    engine, _, _ = loaded
    with Session(engine) as session:
        hits = search(session, "康复", copies=True, limit=50)
        dates = [h.record.published_at for h in hits]
        dated = [d for d in dates if d is not None]
        assert dated == sorted(dated, reverse=True)
        assert all(d is None for d in dates[len(dated) :]), "undated articles come last"
        best = search(session, "康复", copies=True, limit=50, sort="best")
        assert {h.record.id for h in best} == {h.record.id for h in hits}


def test_stories_show_the_canonical_copy_once(engine: Engine) -> None:
    docs = [
        Doc("残联召开会议", "残联工作会议召开", "cdpf", T0),
        Doc("残联召开会议", "残联工作会议召开", "zj-county", T0 + timedelta(days=3)),
        Doc("康复", "康复工作", "js-city", T0),
    ]
    first, second, _ = load(engine, docs, story_of={1: 0})
    with Session(engine) as session:
        (hit,) = search(session, "会议", Filters(site="zj-county"))
        assert (hit.record.id, hit.record.copies) == (first, 2), (
            "found through a copy, shown by the canonical"
        )
        assert {h.record.id for h in search(session, "会议", copies=True)} == {first, second}
        assert [r.id for r in iter_records(session, "会议", Filters(site="zj-county"))] == [first]


def test_index_follows_updates_and_deletes(engine: Engine) -> None:
    (article_id,) = load(engine, [Doc("区残联", "发放两项补贴", "zj-county", T0)])
    with Session(engine) as session, session.begin():
        article = session.get_one(Article, article_id)
        article.body, article.published_at = "开展康复服务", T0 + timedelta(days=30)
    assert ids(engine, "补贴") == set() and ids(engine, "康复") == {article_id}
    with Session(engine) as session, session.begin():
        session.execute(text("UPDATE articles SET body = '就业援助'"))  # behind the ORM's back
        assert rebuild_index(session) == 1
    assert ids(engine, "康复") == set() and ids(engine, "就业") == {article_id}
    with Session(engine) as session, session.begin():
        session.execute(text("UPDATE articles SET story_id = NULL"))
        session.execute(text("DELETE FROM stories"))
        session.delete(session.get_one(Article, article_id))
    assert ids(engine, "就业") == set()


def test_parse_query_builds_only_quoted_tokens() -> None:
    query = parse_query('"两项 补贴" OR 康复 -"会议" NEAR(')
    assert query is not None
    assert query.fts5() == '(("两项 项 补贴" OR "康复") AND ("near")) NOT ("会议")'
    assert query.tsquery() == "('两项' <-> '项' <-> '补贴' | '康复') & ('near') & !('会议')"
    assert parse_query("残").fts5() == '("残" *)'  # type: ignore[union-attr]
    assert parse_query("* % NOT") is None


def test_region_and_site_filters_follow_tags_and_site_edits(engine: Engine) -> None:
    """Facets in the SQLite index: tags that change are re-indexed, and so are the articles of a site whose
    level or place changes (a stale facet would also corrupt the contentless index on the next edit)."""
    county_tag = {"province": "江苏省", "city": "淮安市", "county": "涟水县", "level": "county"}
    tagged, plain = load(
        engine,
        [Doc("残联走访", "残联走访涟水县", "cdpf", T0), Doc("残联走访", "残联走访", "cdpf", T0)],
    )
    with Session(engine) as session, session.begin():
        session.get_one(Article, tagged).regions = [county_tag]
    for region in ("涟水", "涟水县", "淮安", "江", "涟"):
        assert ids(engine, "残联", Filters(region=region), copies=True) == {tagged}, region
    assert ids(engine, "残联", Filters(region="涟水县城"), copies=True) == set()
    assert ids(engine, "残联", Filters(level="province"), copies=True) == set(), "no site of that level"
    with Session(engine) as session, session.begin():
        session.get_one(Article, tagged).regions = []
        moved = session.get_one(SiteRecord, "cdpf")
        moved.province, moved.level = "江苏省", "province"  # in the same flush as an article edit
    assert ids(engine, "残联", Filters(region="江苏"), copies=True) == {tagged, plain}
    assert ids(engine, "残联", Filters(level="province", region="江"), copies=True) == {tagged, plain}
    assert ids(engine, "残联", Filters(level="national"), copies=True) == set()
    assert ids(engine, "残联", Filters(region="涟水"), copies=True) == set()
    with Session(engine) as session, session.begin():
        session.get_one(SiteRecord, "cdpf").province = "浙江省"  # alone this time
    with Session(engine) as session, session.begin():
        edited = session.get_one(Article, plain)  # unindexed with the facets the site now gives
        edited.title = edited.body = "走访助残"
    assert ids(engine, "残联", Filters(region="江苏"), copies=True) == set()
    assert ids(engine, "残联", Filters(region="浙江"), copies=True) == {tagged}
    assert ids(engine, "助残", Filters(region="浙江", level="province"), copies=True) == {plain}
    # The facet tokens are not text: searching for one finds nothing.
    assert ids(engine, site_facet("cdpf")) == set() and ids(engine, region_facet("江苏")) == set()


def indexed_facets(engine: Engine) -> dict[int, set[str]]:
    """SQLite: the facet tokens the index holds for each article (read through an fts5vocab table)."""
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.facet_vocab USING fts5vocab(main, article_fts, instance)"
        )
        rows = connection.exec_driver_sql("SELECT doc, term FROM temp.facet_vocab WHERE col = 'facets'")
        found: dict[int, set[str]] = {}
        for key, term in rows:
            found.setdefault(article_id_of(key), set()).add(term)
        return found


def test_facets_hold_the_site_and_its_place(sqlite_url: str, caplog: pytest.LogCaptureFixture) -> None:
    """What the SQLite index holds, read back through fts5vocab (both backends filter in the tests above)."""
    engine = create_archive_engine(sqlite_url)
    upgrade(engine)
    tag = {"province": "浙江省", "city": None, "county": None, "level": "province"}
    (article_id,) = load(engine, [Doc("残联", "残联", "js-city", T0)])
    with Session(engine) as session, session.begin():
        session.get_one(Article, article_id).regions = [tag]
    starts = ["江", "江苏", "江苏省", "淮", "淮安", "淮安市", "浙", "浙江", "浙江省"]
    expected = {site_facet("js-city"), level_facet("city"), *map(region_facet, starts)}
    assert indexed_facets(engine) == {article_id: expected}
    # Writing a site's registry entry unchanged (every crawl does) re-indexes nothing.
    site = SiteInfo("js-city", "js-city", "city", "江苏省", "淮安市", None, False)
    with caplog.at_level(logging.INFO, "storage.search"), Session(engine) as session, session.begin():
        upsert_site(session, site, T0)
    assert "re-indexing" not in caplog.text
    # Downgraded, the index holds what revision 0007 wrote: the site and the article's own tags only.
    command.downgrade(alembic_config(engine), "0007")
    assert indexed_facets(engine) == {
        article_id: {site_facet("js-city"), region_facet("浙江"), region_facet("浙江省")}
    }
    upgrade(engine)
    assert indexed_facets(engine) == {article_id: expected}


def test_results_load_in_chunks_of_bound_parameters(
    loaded: tuple[Engine, list[Doc], list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite refuses a statement with more bound parameters than its limit: a search for every copy of a
    common word in a big archive must load its records in chunks (found with 700,000 hits)."""
    engine, _, _ = loaded
    whole = ids(engine, "残", copies=True), ids(engine, "残")
    monkeypatch.setattr(storage.queries, "_LOAD_CHUNK", 7)
    assert (ids(engine, "残", copies=True), ids(engine, "残")) == whole
    assert len(whole[0]) > 7 * 3


@pytest.mark.parametrize("window", [1, 7, 60, 100_000])
def test_newest_window_rows_are_the_first_results(
    loaded: tuple[Engine, list[Doc], list[int]], monkeypatch: pytest.MonkeyPatch, window: int
) -> None:
    """PostgreSQL tries the newest index rows first: what it finds there must be exactly where the full
    statement starts; a window too small for `limit` results falls back to collecting every match, which
    must be the full statement's rows in the same order."""
    engine, _, _ = loaded
    cases = [
        ("残联", NO_FILTERS),
        ("康复", Filters(site="js-city")),
        ("补贴", Filters(until=date(2025, 1, 1))),
    ]
    with Session(engine) as session:
        if session.get_bind().dialect.name == "postgresql":
            for text_, filters in cases:
                query = parse_query(text_)
                assert query is not None
                full = session.execute(matching(session, query, filters, "newest")).all()
                first = session.execute(matching_newest(session, query, filters, window)).all()
                assert first == full[: len(first)] and len(first) <= window
                if window >= 100_000:  # more than the corpus: the window holds everything
                    assert first == full
                assert session.execute(matching_rare(session, query, filters)).all() == full
        expected = {case: [h.id for h in search(session, *case, limit=5)] for case in cases}
    if engine.dialect.name == "postgresql":  # SQLite has no window: its index walks newest first itself
        monkeypatch.setattr(storage.queries, "newest_window", lambda session, limit: window)
    with Session(engine) as session:
        for case in cases:
            assert [h.id for h in search(session, *case, limit=5)] == expected[case], case
            assert len(expected[case]) == 5, "the corpus has more than 5 matches for each case"
