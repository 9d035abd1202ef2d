"""dedup: LSH band index and story memberships

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-22 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0001"
branch_labels = ("dedup",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dedup_bands",
        sa.Column("key", sa.BigInteger(), nullable=False),
        sa.Column("band", sa.SmallInteger(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("is_first", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_dedup_bands_article_id_articles")
        ),
        sa.PrimaryKeyConstraint("key", "band", "article_id", name=op.f("pk_dedup_bands")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("dedup_bands", schema=None) as batch_op:
        batch_op.create_index("ix_dedup_bands_article_id", ["article_id"], unique=False)
        batch_op.create_index(
            "uq_dedup_bands_first",
            ["key", "band"],
            unique=True,
            sqlite_where=sa.text("is_first"),
            postgresql_where=sa.text("is_first"),
        )
    op.create_table(
        "dedup_memberships",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("matched_article_id", sa.Integer(), nullable=True),
        sa.Column("jaccard", sa.Float(), nullable=False),
        sa.Column("containment", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_dedup_memberships_article_id_articles")
        ),
        sa.ForeignKeyConstraint(
            ["story_id"], ["stories.id"], name=op.f("fk_dedup_memberships_story_id_stories")
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_dedup_memberships")),
    )
    with op.batch_alter_table("dedup_memberships", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dedup_memberships_story_id"), ["story_id"], unique=False)
    _backfill_memberships()


def _backfill_memberships() -> None:
    # Archives written before this revision already grouped exact copies into stories: record them, so
    # every article keeps an explained membership. Their band rows come from `canlian` re-indexing later.
    op.execute(
        "INSERT INTO dedup_memberships"
        " (article_id, story_id, method, matched_article_id, jaccard, containment) "
        "SELECT a.id, a.story_id, CASE WHEN s.canonical_article_id = a.id THEN 'first' ELSE 'exact' END, "
        "NULL, 1.0, 1.0 FROM articles a JOIN stories s ON s.id = a.story_id"
    )


def downgrade() -> None:
    with op.batch_alter_table("dedup_memberships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dedup_memberships_story_id"))
    op.drop_table("dedup_memberships")
    with op.batch_alter_table("dedup_bands", schema=None) as batch_op:
        batch_op.drop_index("uq_dedup_bands_first")
        batch_op.drop_index("ix_dedup_bands_article_id")
    op.drop_table("dedup_bands")
