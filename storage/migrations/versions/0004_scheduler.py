"""scheduler: run status columns, scheduler lease, site health, alerts, APScheduler job table

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-22 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0004"
down_revision = "0001"
branch_labels = ("scheduler",)
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("scheduled_for", storage.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("launched_by", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("log_path", sa.String(length=1024), nullable=True))
        batch_op.add_column(sa.Column("exit_code", sa.Integer(), nullable=True))
        # Server defaults fill the rows written before this revision.
        batch_op.add_column(sa.Column("blocked", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("errors_by_kind", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_crawl_runs_status"), ["status"], unique=False)
    # Runs recorded before the scheduler existed: derive their status from Scrapy's finish reason.
    op.execute(
        "UPDATE crawl_runs SET status = CASE WHEN finish_reason IS NULL THEN 'interrupted'"
        " WHEN finish_reason = 'finished' THEN 'finished' ELSE 'failed' END"
    )

    op.create_table(
        "scheduler_lease",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("holder", sa.String(length=128), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("acquired_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("heartbeat_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("expires_at", storage.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduler_lease")),
    )
    op.create_table(
        "site_health",
        sa.Column("site_key", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("checked_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("state_since", storage.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("site_key", name=op.f("pk_site_health")),
    )
    op.create_table(
        "health_alerts",
        sa.Column("site_key", sa.String(length=64), nullable=False),
        sa.Column("cause", sa.String(length=32), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("first_seen_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("last_sent_at", storage.types.UTCDateTime(), nullable=True),
        sa.Column("sent_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("site_key", "cause", name=op.f("pk_health_alerts")),
    )
    op.create_table(
        "apscheduler_jobs",
        sa.Column("id", sa.Unicode(length=191), nullable=False),
        sa.Column("next_run_time", sa.Float(precision=25), nullable=True),
        sa.Column("job_state", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_apscheduler_jobs")),
    )
    with op.batch_alter_table("apscheduler_jobs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_apscheduler_jobs_next_run_time"), ["next_run_time"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("apscheduler_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_apscheduler_jobs_next_run_time"))
    op.drop_table("apscheduler_jobs")
    op.drop_table("health_alerts")
    op.drop_table("site_health")
    op.drop_table("scheduler_lease")
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crawl_runs_status"))
        for column in (
            "note",
            "errors_by_kind",
            "blocked",
            "exit_code",
            "log_path",
            "launched_by",
            "scheduled_for",
            "status",
        ):
            batch_op.drop_column(column)
