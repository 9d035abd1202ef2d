"""The search index on archives that predate it, and documents past PostgreSQL's tsvector limits."""

from __future__ import annotations

from sqlalchemy import Engine, insert, text
from sqlalchemy.orm import Session
from test_search import T0, Doc, load

from storage.engine import create_archive_engine
from storage.models import Article, Fetch, Page, SiteRecord
from storage.queries import search
from storage.schema import upgrade
from storage.search import PG_MAX_POSITION


def test_upgrade_from_first_schema_backfills_the_index(database_url: str) -> None:
    engine = create_archive_engine(database_url)
    try:
        upgrade(engine, "0001")
        with engine.begin() as connection:  # rows as the first release wrote them, no index anywhere
            connection.execute(
                insert(SiteRecord),
                [{"key": "old", "name": "旧站", "level": "county", "federation": False, "updated_at": T0}],
            )
            for n, body in enumerate(["区残联发放两项补贴", "开展康复服务"], start=1):
                connection.execute(
                    insert(Page).values(
                        id=n,
                        site_key="old",
                        url_key=f"o/{n}",
                        url=f"http://o/{n}",
                        first_seen_at=T0,
                        last_fetched_at=T0,
                        fetch_count=1,
                    )
                )
                connection.execute(
                    insert(Fetch).values(
                        id=n,
                        page_id=n,
                        requested_url="x",
                        final_url="x",
                        status=200,
                        headers={},
                        fetched_at=T0,
                        outcome="new",
                        detail="",
                    )
                )
                connection.execute(
                    insert(Article).values(
                        id=n,
                        page_id=n,
                        site_key="old",
                        url=f"http://o/{n}",
                        title="旧文",
                        body=body,
                        body_hash=str(n),
                        published_at=T0,
                        authors=[],
                        editors=[],
                        correspondents=[],
                        tags=[],
                        images=[],
                        attachments=[],
                        language="zh",
                        extractor_version="0",
                        relevance_score=1.0,
                        relevance_terms=[],
                        regions=[],
                        fetch_id=n,
                        first_archived_at=T0,
                        updated_at=T0,
                    )
                )
        upgrade(engine)
        with Session(engine) as session:
            assert [h.record.id for h in search(session, "两项补贴", copies=True)] == [1]
            assert [h.record.id for h in search(session, "康复", copies=True)] == [2]
            assert {h.record.id for h in search(session, "旧文", copies=True)} == {1, 2}
    finally:
        engine.dispose()


def test_documents_beyond_tsvector_limits_are_still_found(engine: Engine) -> None:
    filler = "残疾人" * (PG_MAX_POSITION // 3 + 200)  # past 16383 positions, and 残疾 far past 256 times
    (long_id, short_id) = load(
        engine,
        [Doc("长文", filler + "，唯一短语在最后", "cdpf", T0), Doc("短文", "唯一短语", "cdpf", T0)],
    )
    with Session(engine) as session:
        assert {h.record.id for h in search(session, "唯一短语", copies=True)} == {long_id, short_id}
        assert {h.record.id for h in search(session, "唯一短语 -在最后", copies=True)} == {short_id}
        if engine.dialect.name == "postgresql":
            flagged = (
                session.execute(text("SELECT article_id FROM article_search WHERE long")).scalars().all()
            )
            assert flagged == [long_id]
