"""Chinese full-text search index (CJK bigrams), created empty: 0007 adds columns, 0008 fills it.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

from storage.search import FTS_TABLE, PG_TABLE

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
        # Contentless: the tokens are 3-7x the size of the text and are never read back.
        op.execute(
            f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
            "title, body, content='', tokenize='unicode61 remove_diacritics 2')"
        )
    # Filled by 0008, after 0007 gives both tables today's columns: rows written now would not fit them.


def downgrade() -> None:
    op.execute(f"DROP TABLE {PG_TABLE if op.get_bind().dialect.name == 'postgresql' else FTS_TABLE}")
