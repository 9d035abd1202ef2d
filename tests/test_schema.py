"""Migrations: one head, models and migrations agree, and an archive of the first schema upgrades in place."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from storage import crawl_state_models, dedup_models, figures_models, scheduling_models  # noqa: F401  (their tables are part of the schema)
from storage.engine import create_archive_engine
from storage.models import Article, Base, Story
from storage.queries import search_articles
from storage.schema import alembic_config, backfill_dedup_index, current_revisions, head_revisions, upgrade

# Tables maintained outside the ORM: the search index (FTS5 virtual table / tsvector side table).
UNMAPPED = ("article_fts", "article_search")


def test_single_head() -> None:
    assert len(head_revisions()) == 1


def test_models_match_migrations(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    real = [d for d in differences if not any(name in str(d) for name in UNMAPPED)]
    assert real == []


def test_downgrade_to_base_and_back(engine: Engine) -> None:
    command.downgrade(alembic_config(engine), "base")
    assert current_revisions(engine) == ()
    upgrade(engine)
    assert current_revisions(engine) == head_revisions()


T = "2026-01-01 00:00:00"
BODY = "区残联为全区困难残疾人发放两项补贴，共计一千多万元，惠及数千人。" * 3
# Rows as the first release of the schema (revision 0001) stored them, written with plain SQL.
FIRST_RELEASE_ROWS = [
    ("sites", {"key": "s", "name": "S", "level": "county", "federation": False, "updated_at": T}),
    (
        "pages",
        {
            "site_key": "s",
            "url_key": "//h/a",
            "url": "http://h/a",
            "first_seen_at": T,
            "last_fetched_at": T,
            "fetch_count": 1,
        },
    ),
    ("raw_blobs", {"sha256": "x", "size": 1, "compression": "zlib", "data": b"x"}),
    (
        "fetches",
        {
            "page_id": 1,
            "requested_url": "http://h/a",
            "final_url": "http://h/a",
            "status": 200,
            "headers": "{}",
            "fetched_at": T,
            "raw_sha256": "x",
            "outcome": "new",
            "detail": "",
        },
    ),
    ("stories", {"id": 1, "canonical_article_id": None, "created_at": T, "updated_at": T}),
    (
        "articles",
        {
            "page_id": 1,
            "story_id": 1,
            "site_key": "s",
            "url": "http://h/a",
            "title": "区残联发放两项补贴",
            "body": BODY,
            "body_hash": "h",
            "authors": "[]",
            "editors": "[]",
            "correspondents": "[]",
            "tags": "[]",
            "images": "[]",
            "attachments": "[]",
            "language": "zh",
            "extractor_version": "v0",
            "relevance_score": 1.0,
            "relevance_terms": "[]",
            "regions": "[]",
            "fetch_id": 1,
            "first_archived_at": T,
            "updated_at": T,
        },
    ),
]


def test_first_release_archive_upgrades_without_losing_rows(database_url: str) -> None:
    engine = create_archive_engine(database_url)
    upgrade(engine, "0001")
    with engine.begin() as connection:
        for table, row in FIRST_RELEASE_ROWS:
            columns = ", ".join(row)
            values = ", ".join(f":{name}" for name in row)
            connection.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({values})"), row)
    upgrade(engine)
    assert backfill_dedup_index(engine) == 1
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 1
        assert session.scalar(select(func.count()).select_from(Story)) == 1
        assert [hit.title for hit in search_articles(session, "两项补贴")] == ["区残联发放两项补贴"]
    engine.dispose()
