"""crash safety: crawl frontier, finished list walks, site locks, run liveness, story merges

- `crawl_frontier`: article URLs a list showed that are not archived yet, or failed to download.
- `list_walks`: when each list chain of a site was last walked to its end (paging stops early only at
  articles archived before then).
- `site_locks`: one crawl of a site at a time, taken over when its holder process is dead.
- `crawl_runs.process` / `heartbeat_at`: who owns an open run and when it last checkpointed;
  `refused` / `refused_by_kind`: requests refused on purpose, by kind.
- `story_merges`: stories joined because a later copy matched both.
- `articles.published_offset`: the UTC offset the page gave its publish time (None: Beijing time), so
  outputs show the page's own clock time rather than UTC.
- `list_pages` is emptied: validators saved before finished walks were tracked may come from walks that
  never finished (a 304 on such a page hid the rest of its list for good). The next crawl makes plain GETs.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "crawl_frontier",
        sa.Column("site_key", sa.String(length=64), nullable=False),
        sa.Column("url_key", sa.String(length=2048), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("discovered_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_tried_at", storage.types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("site_key", "url_key", name=op.f("pk_crawl_frontier")),
    )
    op.create_table(
        "list_walks",
        sa.Column("site_key", sa.String(length=64), nullable=False),
        sa.Column("chain", sa.String(length=2048), nullable=False),
        sa.Column("completed_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("site_key", "chain", name=op.f("pk_list_walks")),
    )
    op.create_table(
        "site_locks",
        sa.Column("site_key", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=512), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("acquired_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("heartbeat_at", storage.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("site_key", name=op.f("pk_site_locks")),
    )
    op.create_table(
        "story_merges",
        sa.Column("merged_story_id", sa.Integer(), nullable=False),
        sa.Column("into_story_id", sa.Integer(), nullable=False),
        sa.Column("bridging_article_id", sa.Integer(), nullable=False),
        sa.Column("merged_at", storage.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("merged_story_id", name=op.f("pk_story_merges")),
    )
    op.create_index(op.f("ix_story_merges_into_story_id"), "story_merges", ["into_story_id"], unique=False)
    op.add_column("crawl_runs", sa.Column("process", sa.String(length=512), nullable=True))
    op.add_column("crawl_runs", sa.Column("heartbeat_at", storage.types.UTCDateTime(), nullable=True))
    op.add_column("articles", sa.Column("published_offset", sa.Integer(), nullable=True))
    op.add_column("crawl_runs", sa.Column("refused", sa.Integer(), nullable=False, server_default="0"))
    op.add_column(
        "crawl_runs",
        sa.Column("refused_by_kind", sa.JSON(), nullable=False, server_default=sa.text("'{}'")),
    )
    op.execute("DELETE FROM list_pages")


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+): a batch copy of `articles` would trip its referencing foreign keys.
    op.drop_column("articles", "published_offset")
    for column in ("refused_by_kind", "refused", "heartbeat_at", "process"):
        op.drop_column("crawl_runs", column)
    op.drop_index(op.f("ix_story_merges_into_story_id"), table_name="story_merges")
    op.drop_table("story_merges")
    op.drop_table("site_locks")
    op.drop_table("list_walks")
    op.drop_table("crawl_frontier")
