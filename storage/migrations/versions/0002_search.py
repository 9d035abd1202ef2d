"""Chinese full-text search index (CJK bigrams); 0007 rebuilds it with its facets and fills it.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

from storage.search import FTS_TABLE, PG_TABLE, rebuild_on

revision = "0002"
down_revision = "0001"
branch_labels = ("search",)
depends_on = None


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        op.execute(
            f"CREATE TABLE {PG_TABLE} ("
            " article_id INTEGER PRIMARY KEY"
            f" CONSTRAINT fk_{PG_TABLE}_article_id_articles REFERENCES articles (id) ON DELETE CASCADE,"
            " doc TSVECTOR NOT NULL,"
            " long BOOLEAN NOT NULL DEFAULT FALSE)"
        )
        op.execute(f"CREATE INDEX ix_{PG_TABLE}_doc ON {PG_TABLE} USING gin (doc)")
        # Documents past tsvector's limits are matched by LIKE: a small partial index finds them.
        op.execute(f"CREATE INDEX ix_{PG_TABLE}_long ON {PG_TABLE} (article_id) WHERE long")
    else:
        # Contentless. 0007 replaces it with today's columns and fills that: the rows written here would
        # not fit it.
        op.execute(
            f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
            "title, body, content='', tokenize='unicode61 remove_diacritics 2')"
        )
        return
    rebuild_on(connection)


def downgrade() -> None:
    op.execute(f"DROP TABLE {PG_TABLE if op.get_bind().dialect.name == 'postgresql' else FTS_TABLE}")
