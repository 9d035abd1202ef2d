"""The scheduler's bookkeeping: one lease per archive, site health verdicts and alert suppression.

Every decision that two processes could race on is one SQL statement whose WHERE clause decides (INSERT
... ON CONFLICT DO NOTHING, UPDATE ... WHERE expired): the database, not a Python-side read, says who wins.
Functions take a session and never commit it; the caller owns the transaction.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import Base
from storage.scheduling_models import (
    LEASE_NAME,
    HealthAlert,
    SchedulerLease,
    SiteHealthRecord,
    apscheduler_jobs,
)
from storage.sql import changed_one_row, insert_ignore


@dataclass(frozen=True, slots=True)
class LeaseHolder:
    holder: str
    host: str
    pid: int

    @classmethod
    def for_this_process(cls) -> LeaseHolder:
        host, pid = socket.gethostname(), os.getpid()
        # The random part tells a restarted scheduler that reused a pid from its predecessor.
        return cls(f"{host}:{pid}:{uuid.uuid4().hex[:8]}", host, pid)


def acquire_lease(
    session: Session, me: LeaseHolder, now: datetime, ttl: timedelta, name: str = LEASE_NAME
) -> bool:
    """Take the lease if nobody holds it, it has expired, or we already hold it."""
    values = {
        "name": name,
        "holder": me.holder,
        "host": me.host,
        "pid": me.pid,
        "acquired_at": now,
        "heartbeat_at": now,
        "expires_at": now + ttl,
    }
    if _insert_if_absent(session, SchedulerLease, values, ["name"]):
        return True
    taken = session.execute(
        update(SchedulerLease)
        .where(
            SchedulerLease.name == name,
            or_(SchedulerLease.expires_at < now, SchedulerLease.holder == me.holder),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return changed_one_row(taken)


def renew_lease(session: Session, holder: str, now: datetime, ttl: timedelta, name: str = LEASE_NAME) -> bool:
    """The heartbeat. False means another scheduler took the lease over: stop scheduling at once."""
    renewed = session.execute(
        update(SchedulerLease)
        .where(SchedulerLease.name == name, SchedulerLease.holder == holder)
        .values(heartbeat_at=now, expires_at=now + ttl)
        .execution_options(synchronize_session=False)
    )
    return changed_one_row(renewed)


def release_lease(session: Session, holder: str, name: str = LEASE_NAME) -> bool:
    released = session.execute(
        delete(SchedulerLease)
        .where(SchedulerLease.name == name, SchedulerLease.holder == holder)
        .execution_options(synchronize_session=False)
    )
    return changed_one_row(released)


def current_lease(session: Session, name: str = LEASE_NAME) -> SchedulerLease | None:
    return session.get(SchedulerLease, name)


def save_health(
    session: Session,
    site_key: str,
    state: str,
    findings: Sequence[Mapping[str, Any]],
    run_id: int | None,
    now: datetime,
) -> SiteHealthRecord:
    insert_ignore(
        session,
        SiteHealthRecord,
        {
            "site_key": site_key,
            "state": state,
            "findings": [],
            "checked_at": now,
            "state_since": now,
        },
        ["site_key"],
    )
    record = session.get_one(SiteHealthRecord, site_key, populate_existing=True)
    if record.state != state:
        record.state, record.state_since = state, now
    record.findings = [dict(f) for f in findings]
    record.run_id, record.checked_at = run_id, now
    session.flush()
    return record


def health_records(session: Session) -> dict[str, SiteHealthRecord]:
    return {r.site_key: r for r in session.scalars(select(SiteHealthRecord))}


@dataclass(frozen=True, slots=True)
class Resolved:
    cause: str
    message: str
    announced: bool  # an alert went out for it, so its end deserves one too


def track_problems(
    session: Session, site_key: str, problems: Mapping[str, str], now: datetime
) -> list[Resolved]:
    """Record the site's current problems (cause -> message); returns the problems that went away."""
    for cause, message in problems.items():
        row = {
            "site_key": site_key,
            "cause": cause,
            "message": message,
            "first_seen_at": now,
            "last_seen_at": now,
            "sent_count": 0,
        }
        insert_ignore(session, HealthAlert, row, ["site_key", "cause"])
        session.execute(
            update(HealthAlert)
            .where(HealthAlert.site_key == site_key, HealthAlert.cause == cause)
            .values(last_seen_at=now, message=message)
            .execution_options(synchronize_session=False)
        )
    gone = list(
        session.scalars(
            select(HealthAlert).where(
                HealthAlert.site_key == site_key, HealthAlert.cause.not_in(list(problems))
            )
        )
    )
    resolved = [Resolved(g.cause, g.message, g.sent_count > 0) for g in gone]
    for alert in gone:
        session.delete(alert)
    session.flush()
    return resolved


def claim_alert(session: Session, site_key: str, cause: str, now: datetime, remind_after: timedelta) -> bool:
    """True when an alert for (site, cause) should go out now: never sent, or last sent long enough ago.

    One UPDATE decides, so two processes reporting the same problem cannot both alert.
    """
    claimed = session.execute(
        update(HealthAlert)
        .where(
            HealthAlert.site_key == site_key,
            HealthAlert.cause == cause,
            or_(HealthAlert.last_sent_at.is_(None), HealthAlert.last_sent_at <= now - remind_after),
        )
        .values(last_sent_at=now, sent_count=HealthAlert.sent_count + 1)
        .execution_options(synchronize_session=False)
    )
    return changed_one_row(claimed)


def persisted_next_run_times(session: Session) -> dict[str, datetime | None]:
    """Job id -> next run time as APScheduler's job store holds it (None = paused)."""
    rows = session.execute(select(apscheduler_jobs.c.id, apscheduler_jobs.c.next_run_time))
    return {
        str(job_id): datetime.fromtimestamp(stamp, UTC) if stamp is not None else None
        for job_id, stamp in rows
    }


def _insert_if_absent(
    session: Session, model: type[Base], values: Mapping[str, Any], conflict_columns: Sequence[str]
) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING: True when this statement inserted the row.

    RETURNING, not `rowcount`: with psycopg 3 the rowcount of this statement reads -1 whether or not a row
    went in, which made every contender "win" the lease on PostgreSQL.
    """
    table = model.__table__
    assert isinstance(table, Table)
    insert = sqlite.insert if session.get_bind().dialect.name == "sqlite" else postgresql.insert
    statement = (
        insert(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=list(conflict_columns))
        .returning(*(table.c[name] for name in conflict_columns))
    )
    return session.execute(statement).first() is not None
