"""Tables of the nightly scheduler: the single-scheduler lease, site health and sent alerts.

APScheduler's own job table is declared here too (same columns as its SQLAlchemyJobStore creates), so the
archive's migrations describe every table in the database and the job store finds it already there.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Float, Integer, LargeBinary, String, Table, Text, Unicode
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base

LEASE_NAME = "scheduler"


class SchedulerLease(Base):
    """At most one row per lease name; whoever holds an unexpired row may schedule crawls."""

    __tablename__ = "scheduler_lease"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))  # host:pid:random, unique per scheduler process
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    acquired_at: Mapped[datetime]
    heartbeat_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class SiteHealthRecord(Base):
    """The latest health verdict on a site, with the time its state last changed."""

    __tablename__ = "site_health"

    site_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[str] = mapped_column(String(16))  # ok | warning | failing
    findings: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [{cause, level, message}]
    run_id: Mapped[int | None] = mapped_column(Integer)
    checked_at: Mapped[datetime]
    state_since: Mapped[datetime]


class HealthAlert(Base):
    """One open problem (site, cause) and when it was last announced: repeated alerts are suppressed."""

    __tablename__ = "health_alerts"

    site_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    cause: Mapped[str] = mapped_column(String(32), primary_key=True)
    message: Mapped[str] = mapped_column(Text, default="")
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    last_sent_at: Mapped[datetime | None]
    sent_count: Mapped[int] = mapped_column(Integer, default=0)


# Mirrors apscheduler.jobstores.sqlalchemy.SQLAlchemyJobStore's table (3.x); the store owns its rows.
apscheduler_jobs = Table(
    "apscheduler_jobs",
    Base.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)
