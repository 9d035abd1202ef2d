"""list_pages: validators for conditional GET of list pages (incremental crawls)

Revision ID: 0005
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0005"
down_revision = "0001"
branch_labels = ("incremental",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "list_pages",
        sa.Column("url_key", sa.String(length=2048), nullable=False),
        sa.Column("site_key", sa.String(length=64), nullable=False),
        sa.Column("etag", sa.String(length=256), nullable=True),
        sa.Column("last_modified", sa.String(length=64), nullable=True),
        sa.Column("fetched_at", storage.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("url_key", name=op.f("pk_list_pages")),
    )
    op.create_index(op.f("ix_list_pages_site_key"), "list_pages", ["site_key"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_list_pages_site_key"), table_name="list_pages")
    op.drop_table("list_pages")
