"""The scheduler's storage on SQLite and PostgreSQL: lease, run records, health and alert suppression."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from storage.liveness import ProcessIdentity
from storage.models import CrawlRun
from storage.runs import (
    adopt_run,
    close_dead_runs,
    close_run,
    errors_by_kind,
    finish_run,
    latest_runs_by_site,
    record_unrun,
    site_history,
    start_run,
)
from storage.scheduling import (
    LeaseHolder,
    acquire_lease,
    claim_alert,
    current_lease,
    release_lease,
    renew_lease,
    save_health,
    track_problems,
)
from storage.transactions import write_transaction

T0 = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)
TTL = timedelta(seconds=60)
A = LeaseHolder("host-a:1:aaaa", "host-a", 1)
B = LeaseHolder("host-b:2:bbbb", "host-b", 2)


def test_one_holder_at_a_time_until_the_lease_expires(engine: Engine) -> None:
    def acquire(who: LeaseHolder, now: datetime) -> bool:
        return write_transaction(engine, lambda s: acquire_lease(s, who, now, TTL))

    assert acquire(A, T0)
    assert acquire(A, T0 + timedelta(seconds=5))  # re-entrant for the holder
    assert not acquire(B, T0 + timedelta(seconds=30))
    assert write_transaction(engine, lambda s: renew_lease(s, A.holder, T0 + timedelta(seconds=50), TTL))
    assert not acquire(B, T0 + timedelta(seconds=100))  # the heartbeat moved the expiry to T0+110
    assert acquire(B, T0 + timedelta(seconds=111))  # A died: its lease expired
    assert not write_transaction(engine, lambda s: renew_lease(s, A.holder, T0 + timedelta(seconds=112), TTL))
    with Session(engine) as session:
        lease = current_lease(session)
        assert lease is not None and (lease.holder, lease.host, lease.pid) == (B.holder, "host-b", 2)
    assert not write_transaction(engine, lambda s: release_lease(s, A.holder))  # not A's to release
    assert write_transaction(engine, lambda s: release_lease(s, B.holder))
    assert acquire(A, T0 + timedelta(seconds=113))


def test_racing_schedulers_get_exactly_one_lease(engine: Engine) -> None:
    holders = [LeaseHolder(f"host:{i}:x", "host", i) for i in range(6)]
    won: list[str] = []
    barrier = threading.Barrier(len(holders))

    def contend(who: LeaseHolder) -> None:
        barrier.wait()
        if write_transaction(engine, lambda s: acquire_lease(s, who, T0, TTL)):
            won.append(who.holder)

    threads = [threading.Thread(target=contend, args=(h,)) for h in holders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1


def test_run_lifecycle_from_scheduler_through_child_to_parent(engine: Engine) -> None:
    def opened(session: Session) -> int:
        run = start_run(session, "alpha", "scheduled", T0, scheduled_for=T0, launched_by=A.holder)
        return run.id

    run_id = write_transaction(engine, opened)
    stats = {
        "archive/pages": 4,
        "archive/new": 3,
        "archive/no_article": 1,
        "downloader/exception_type_count/twisted.internet.error.TimeoutError": 2,
        "downloader/exception_type_count/scrapy.exceptions.IgnoreRequest": 5,
        "downloader/response_status_count/503": 1,
        "spider_exceptions/KeyError": 1,
        "spider_exceptions/count": 1,
        "blocked/412": 3,
        "blocked/total": 3,
    }
    with Session(engine) as session, session.begin():
        assert adopt_run(session, run_id, "alpha", str(ProcessIdentity.current()), T0).id == run_id
        finish_run(session, run_id, "shutdown", stats, T0 + timedelta(minutes=5))
    with Session(engine) as session, session.begin():
        close_run(session, run_id, "timed_out", -15, "wall-clock limit", T0 + timedelta(minutes=6))
    with Session(engine) as session:
        run = session.get_one(CrawlRun, run_id)
        assert (run.status, run.finish_reason, run.exit_code) == ("timed_out", "shutdown", -15)
        assert run.finished_at == T0 + timedelta(minutes=5)  # the child's own end time stands
        assert (run.pages_fetched, run.articles_new, run.blocked) == (4, 3, 3)
        assert run.errors_by_kind == {
            "download/TimeoutError": 2,
            "http/503": 1,
            "spider/KeyError": 1,
            "blocked/412": 3,
        }
        assert run.scheduled_for == T0 and run.launched_by == A.holder


def test_parent_closes_a_run_the_child_never_recorded(engine: Engine) -> None:
    run_id = write_transaction(engine, lambda s: start_run(s, "alpha", "manual", T0).id)
    with Session(engine) as session, session.begin():
        close_run(session, run_id, None, 1, "exit status 1", T0 + timedelta(seconds=3))
    with Session(engine) as session:
        run = session.get_one(CrawlRun, run_id)
        assert (run.status, run.finish_reason, run.finished_at) == (
            "failed",
            "exit status 1",
            T0 + timedelta(seconds=3),
        )


def dead_process() -> str:
    """The identity of a process that has exited (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    identity = str(ProcessIdentity.of(child.pid))
    child.wait()
    return identity


def test_runs_of_dead_processes_are_closed_and_live_ones_left_alone(engine: Engine) -> None:
    now = T0 + timedelta(hours=1)
    elsewhere = "other-host|boot|4242|77"
    runs = {
        "missed": ("missed", None, T0),
        "dead": ("running", dead_process(), T0),
        "alive": ("running", str(ProcessIdentity.current()), T0),
        "far-silent": ("running", elsewhere, now - timedelta(minutes=30)),
        "far-beating": ("running", elsewhere, now - timedelta(seconds=30)),
        "unrecorded": ("running", None, T0),
    }

    def seed(session: Session) -> None:
        for key, (status, process, beat) in runs.items():
            if status == "missed":
                record_unrun(session, key, "missed", T0, "not started", T0)
                continue
            run = start_run(session, key, "scheduled", T0, launched_by=B.holder, process=process)
            run.heartbeat_at = beat

    write_transaction(engine, seed)
    closed = write_transaction(engine, lambda s: [r.site_key for r in close_dead_runs(s, now)])
    assert sorted(closed) == ["dead", "far-silent"]
    with Session(engine) as session:
        rows = {r.site_key: r for r in session.scalars(select(CrawlRun))}
        statuses = {key: row.status for key, row in rows.items()}
        assert statuses == {
            "missed": "missed",
            "dead": "killed",
            "alive": "running",
            "far-silent": "lost",
            "far-beating": "running",
            "unrecorded": "running",
        }
        assert "is gone" in (rows["dead"].note or "")
        assert rows["far-silent"].finished_at == now - timedelta(minutes=30), "closed at its last heartbeat"
        assert [r.site_key for r in latest_runs_by_site(session)] == sorted(runs)
        assert site_history(session, "alive") == []  # still running: not history yet


def test_errors_by_kind_ignores_deliberate_refusals() -> None:
    stats = {
        "downloader/exception_type_count/crawler.middlewares.guard.PrivateAddressBlocked": 4,
        "downloader/exception_type_count/crawler.middlewares.challenges.ChallengeBlocked": 4,
        "downloader/exception_type_count/twisted.internet.error.DNSLookupError": 2,
        "downloader/response_status_count/200": 9,
    }
    assert errors_by_kind(stats) == {"download/DNSLookupError": 2}


def test_alerts_go_out_once_per_cause_then_as_reminders(engine: Engine) -> None:
    day = timedelta(hours=24)

    def report(problems: dict[str, str], now: datetime) -> tuple[list[str], list[str]]:
        def work(session: Session) -> tuple[list[str], list[str]]:
            resolved = track_problems(session, "alpha", problems, now)
            sent = [c for c in problems if claim_alert(session, "alpha", c, now, day)]
            return sent, [r.cause for r in resolved if r.announced]

        return write_transaction(engine, work)

    assert report({"blocked": "HTTP 412 ×5"}, T0) == (["blocked"], [])
    assert report({"blocked": "HTTP 412 ×5"}, T0 + timedelta(hours=1)) == ([], [])  # suppressed
    both = {"blocked": "x", "empty": "y"}
    assert report(both, T0 + timedelta(hours=2)) == (["empty"], [])  # a new cause is news
    assert report(both, T0 + timedelta(hours=25)) == (["blocked"], [])  # daily reminder
    assert report({"empty": "y"}, T0 + timedelta(hours=25.5)) == ([], ["blocked"])  # resolved
    assert report({"blocked": "again"}, T0 + timedelta(hours=27)) == (["blocked"], ["empty"])


def test_health_state_since_changes_only_with_the_state(engine: Engine) -> None:
    def save(state: str, now: datetime) -> datetime:
        return write_transaction(engine, lambda s: save_health(s, "alpha", state, [], 1, now).state_since)

    assert save("ok", T0) == T0
    assert save("ok", T0 + timedelta(days=1)) == T0
    assert save("failing", T0 + timedelta(days=2)) == T0 + timedelta(days=2)
