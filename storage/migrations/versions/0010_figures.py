"""figures: the key figures of each article version (programme, measure, value, unit, region, period)

Existing archives start with an empty table: `canlian reextract` computes the figures of every archived
article (new and changed articles get theirs when a crawl writes them).

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("programme", sa.String(length=32), nullable=False),
        sa.Column("measure", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("value_max", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=8), nullable=False),
        sa.Column("value_normalised", sa.Float(), nullable=False),
        sa.Column("qualifier", sa.String(length=16), nullable=True),
        sa.Column("region", sa.String(length=64), nullable=True),
        sa.Column("province", sa.String(length=32), nullable=True),
        sa.Column("city", sa.String(length=32), nullable=True),
        sa.Column("county", sa.String(length=32), nullable=True),
        sa.Column("period", sa.String(length=24), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("text", sa.String(length=64), nullable=False),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.Column("sentence_start", sa.Integer(), nullable=False),
        sa.Column("span_start", sa.Integer(), nullable=False),
        sa.Column("span_end", sa.Integer(), nullable=False),
        sa.Column("figures_version", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], name=op.f("fk_figures_article_id_articles")),
        sa.ForeignKeyConstraint(
            ["version_id"], ["article_versions.id"], name=op.f("fk_figures_version_id_article_versions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_figures")),
    )
    op.create_index(op.f("ix_figures_article_id"), "figures", ["article_id"], unique=False)
    op.create_index(op.f("ix_figures_version_id"), "figures", ["version_id"], unique=False)
    op.create_index("ix_figures_programme_period", "figures", ["programme", "period_end"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_figures_programme_period", table_name="figures")
    op.drop_index(op.f("ix_figures_version_id"), table_name="figures")
    op.drop_index(op.f("ix_figures_article_id"), table_name="figures")
    op.drop_table("figures")
