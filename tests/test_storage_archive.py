"""The archive write path: one page per URL, raw bytes always kept, versions on change."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from crawler.extraction.model import Article as Extracted
from crawler.extraction.model import NoArticle, NoArticleReason
from storage.archive import Assessment, FetchedPage, Outcome, load_blob, record_fetch
from storage.fingerprint import body_hash
from storage.incremental import known_page_keys
from storage.models import Article, ArticleVersion, Fetch, Page, RawBlob, SiteRecord
from storage.runs import SiteInfo, upsert_site
from storage.transactions import write_transaction
from storage.urls import url_key

T0 = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
RELEVANT = Assessment(relevant=True, score=0.9, terms=("残联",), reason="strong term in title")


def fetched(url: str, body: bytes = b"<html>page</html>", at: datetime = T0) -> FetchedPage:
    return FetchedPage("county", url, url, 200, {"Content-Type": "text/html"}, body, at)


def article(
    url: str, body: str = "区残联发放两项补贴。\n共计100万元。", title: str = "两项补贴发放"
) -> Extracted:
    return Extracted(url=url, title=title, body=body, extractor_version="test")


def store(engine: Engine, page: FetchedPage, result, assessment=RELEVANT):
    def work(session: Session):
        upsert_site(session, SiteInfo("county", "县", "county", "浙江省", None, None, False), T0)
        return record_fetch(session, page, result, assessment)

    return write_transaction(engine, work)


def count(engine: Engine, model) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


URL = "http://127.0.0.1:9/art/2019/1/25/art_1_2.html"


def test_new_then_unchanged_then_updated(engine: Engine) -> None:
    assert store(engine, fetched(URL), article(URL)).outcome is Outcome.NEW
    again = store(engine, fetched(URL, b"<html>other chrome</html>", T0 + timedelta(days=1)), article(URL))
    assert again.outcome is Outcome.UNCHANGED, "chrome changed, article did not"
    edited = article(URL, body="区残联发放两项补贴。\n共计120万元。")
    assert store(engine, fetched(URL, at=T0 + timedelta(days=2)), edited).outcome is Outcome.UPDATED
    assert count(engine, Page) == 1 and count(engine, Article) == 1
    assert count(engine, Fetch) == 3
    with Session(engine) as session:
        stored = session.scalars(select(Article)).one()
        assert "120万元" in stored.body
        versions = session.scalars(select(ArticleVersion).order_by(ArticleVersion.id)).all()
        assert [v.body_hash for v in versions] == [body_hash(article(URL).body), body_hash(edited.body)]
        assert versions[0].seen_at == T0


def test_refetches_count_and_keep_the_latest_fetch_time(engine: Engine) -> None:
    store(engine, fetched(URL, at=T0 + timedelta(days=2)), article(URL))
    store(engine, fetched(URL, at=T0 + timedelta(days=5)), article(URL))
    late_writer = store(engine, fetched(URL, at=T0 + timedelta(days=3)), article(URL))  # written out of order
    assert late_writer.outcome is Outcome.UNCHANGED
    with Session(engine) as session:
        page = session.scalars(select(Page)).one()
        assert (page.fetch_count, page.first_seen_at) == (3, T0 + timedelta(days=2))
        assert page.last_fetched_at == T0 + timedelta(days=5)


def test_a_page_whose_extraction_crashed_is_fetched_again_next_night(engine: Engine) -> None:
    crashed, empty = "http://127.0.0.1:9/art/crashed.html", "http://127.0.0.1:9/art/empty.html"
    store(engine, fetched(crashed), NoArticle(NoArticleReason.EXTRACTION_FAILED, "ValueError()"))
    store(engine, fetched(empty), NoArticle(NoArticleReason.NO_MAIN_CONTENT))
    with Session(engine) as session:
        assert known_page_keys(session, "county") == {url_key(empty)}, "raw kept, but not settled"
    store(engine, fetched(crashed, at=T0 + timedelta(days=1)), article(crashed))
    with Session(engine) as session:
        assert known_page_keys(session, "county") == {url_key(empty), url_key(crashed)}


def test_mobile_twin_and_https_are_the_same_page(engine: Engine) -> None:
    store(engine, fetched("http://127.0.0.1:9/xwzx/a.htm"), article("http://127.0.0.1:9/xwzx/a.htm"))
    twin = "http://127.0.0.1:9/xwzx/a_mobile.htm"
    assert store(engine, fetched(twin), article(twin)).outcome is Outcome.UNCHANGED
    assert count(engine, Page) == 1


def test_exact_copy_elsewhere_is_counted_duplicate_but_kept(engine: Engine) -> None:
    store(engine, fetched(URL), article(URL))
    other = "http://127.0.0.1:10/news/2019-01/26/content_5.htm"
    stored = store(engine, fetched(other), article(other, body="区残联发放两项补贴。 \n 共计100万元。"))
    assert stored.outcome is Outcome.DUPLICATE
    assert count(engine, Article) == 2, "every copy is kept"
    with Session(engine) as session:
        first, second = session.scalars(select(Article).order_by(Article.id)).all()
        assert first.story_id is not None and first.story_id == second.story_id
        assert first.story is not None and first.story.canonical_article_id == first.id


def test_pages_without_article_keep_their_raw_bytes(engine: Engine) -> None:
    raw = "<html><body>农药残留检测</body></html>".encode()
    not_relevant = store(engine, fetched(URL, raw), article(URL), Assessment(relevant=False, reason="trap"))
    assert not_relevant.outcome is Outcome.NOT_RELEVANT
    empty = store(engine, fetched(URL + "?x=1", b""), NoArticle(NoArticleReason.EMPTY, "0 bytes"), None)
    assert empty.outcome is Outcome.NO_ARTICLE
    assert count(engine, Article) == 0 and count(engine, Fetch) == 2
    with Session(engine) as session:
        fetch = session.get_one(Fetch, not_relevant.fetch_id)
        assert fetch.outcome == "not_relevant" and fetch.detail == "trap"
        assert fetch.raw_sha256 is not None
        assert load_blob(session, fetch.raw_sha256) == raw


def test_identical_raw_bytes_are_stored_once(engine: Engine) -> None:
    store(engine, fetched(URL), article(URL))
    store(engine, fetched(URL, at=T0 + timedelta(hours=1)), article(URL))
    assert count(engine, RawBlob) == 1


def test_concurrent_writers_of_one_page_make_one_page(engine: Engine) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def write(n: int) -> None:
        try:
            barrier.wait()
            store(engine, fetched(URL, f"<html>{n}</html>".encode(), T0 + timedelta(seconds=n)), article(URL))
        except BaseException as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert count(engine, Page) == 1 and count(engine, Article) == 1 and count(engine, Fetch) == 4


def test_naive_datetimes_are_refused(engine: Engine) -> None:
    import pytest

    with pytest.raises(Exception, match="naive datetime"):
        store(engine, fetched(URL, at=datetime(2026, 1, 1)), article(URL))


def test_insert_ignore_says_whether_it_inserted(engine: Engine) -> None:
    from storage.sql import insert_ignore

    values = {"key": "once", "name": "n", "level": "news", "federation": False, "updated_at": T0}
    with Session(engine) as session, session.begin():
        assert insert_ignore(session, SiteRecord, values, ["key"]) is True
        assert insert_ignore(session, SiteRecord, values, ["key"]) is False
