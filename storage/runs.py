"""Crawl runs and the site records they crawl."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage.liveness import DEFAULT_STALE_AFTER, Liveness, ProcessIdentity, liveness
from storage.models import CrawlRun, SiteRecord
from storage.sql import insert_ignore

# Stats keys (namespaced as the pipelines write them) that become run columns.
RUN_COUNTERS = {
    "pages_fetched": "archive/pages",
    "articles_new": "archive/new",
    "articles_updated": "archive/updated",
    "articles_unchanged": "archive/unchanged",
    "articles_duplicate": "archive/duplicate",
    "not_relevant": "archive/not_relevant",
    "no_article": "archive/no_article",
    "errors": "errors/total",
}
# Scrapy's finish reason -> run status, when the crawl itself records its end. "shutdown" is a SIGTERM or
# Ctrl-C; the scheduler refines it (timed_out, interrupted) once the child has exited.
STATUS_BY_REASON = {"finished": "finished", "shutdown": "interrupted", "site_busy": "skipped"}
# A crawl that closed as "finished" and was stopped while exiting (shutdown, limit) still finished its work.
_STOPPED = ("interrupted", "timed_out")
RUN_STATUSES = (
    "running",
    "finished",
    "failed",
    "timed_out",
    "killed",
    "lost",
    "interrupted",
    "missed",
    "skipped",
)
# Requests refused on purpose (robots.txt, the private-address guard, challenge pages) are not errors.
DELIBERATE_REFUSALS = frozenset(
    {
        "IgnoreRequest",
        "PrivateAddressBlocked",
        "ChallengeBlocked",
        "SoftNotFound",
        "ListNotModified",
        "DownloadCancelledError",  # over DOWNLOAD_MAXSIZE (counted as refused/too_large), or a shutdown
        "NotSupported",  # file:, data: ... links (refused/unsupported_scheme)
    }
)


@dataclass(frozen=True, slots=True)
class SiteInfo:
    key: str
    name: str
    level: str
    province: str | None
    city: str | None
    county: str | None
    federation: bool


def upsert_site(session: Session, site: SiteInfo, now: datetime) -> None:
    insert_ignore(
        session,
        SiteRecord,
        {
            "key": site.key,
            "name": site.name,
            "level": site.level,
            "federation": site.federation,
            "updated_at": now,
        },
        ["key"],
    )
    row = session.get_one(SiteRecord, site.key)
    row.name, row.level, row.federation = site.name, site.level, site.federation
    row.province, row.city, row.county = site.province, site.city, site.county
    row.updated_at = now
    session.flush()


def start_run(
    session: Session,
    site_key: str,
    trigger: str,
    now: datetime,
    *,
    scheduled_for: datetime | None = None,
    launched_by: str | None = None,
    log_path: str | None = None,
    process: str | None = None,
) -> CrawlRun:
    run = CrawlRun(
        site_key=site_key,
        trigger=trigger,
        started_at=now,
        stats={},
        status="running",
        scheduled_for=scheduled_for,
        launched_by=launched_by,
        log_path=log_path,
        process=process,
        heartbeat_at=now,
    )
    session.add(run)
    session.flush()
    return run


def adopt_run(session: Session, run_id: int, site_key: str, process: str, now: datetime) -> CrawlRun:
    """The row a scheduler created for this crawl (it passes `CANLIAN_RUN_ID` to its child); from now on
    the crawl process owns it."""
    run = session.get(CrawlRun, run_id)
    if run is None or run.site_key != site_key or run.finished_at is not None:
        raise ValueError(f"crawl run {run_id} is not an open run of site {site_key!r}")
    run.process, run.heartbeat_at = process, now
    return run


# Page outcomes (storage.archive.Outcome values) -> the run column that counts them.
_OUTCOME_COLUMNS = {
    "new": "articles_new",
    "updated": "articles_updated",
    "unchanged": "articles_unchanged",
    "duplicate": "articles_duplicate",
    "not_relevant": "not_relevant",
    "no_article": "no_article",
}


def count_archived(session: Session, run_id: int, outcomes: Iterable[str]) -> None:
    """Add pages just archived to their run, in the transaction that archived them: a run killed at any
    moment shows exactly what it had archived."""
    counts = Counter(outcomes)
    changes: dict[str, Any] = {"pages_fetched": CrawlRun.pages_fetched + counts.total()}
    for outcome, column in _OUTCOME_COLUMNS.items():
        if counts[outcome]:
            changes[column] = getattr(CrawlRun, column) + counts[outcome]
    session.execute(
        update(CrawlRun)
        .where(CrawlRun.id == run_id)
        .values(changes)
        .execution_options(synchronize_session=False)
    )


def checkpoint_run(session: Session, run_id: int, stats: Mapping[str, Any], now: datetime) -> None:
    """The stats so far and a heartbeat (page counts are kept by `count_archived`)."""
    run = session.get_one(CrawlRun, run_id)
    if run.finished_at is not None:
        return
    _fill_stats(run, stats)
    run.heartbeat_at = now


def _fill_stats(run: CrawlRun, stats: Mapping[str, Any]) -> None:
    run.stats = {key: _jsonable(value) for key, value in stats.items()}
    run.errors = int(stats.get(RUN_COUNTERS["errors"], 0))
    run.errors_by_kind = errors_by_kind(stats)
    run.blocked = blocked_count(stats)
    run.refused_by_kind = refusals_by_kind(stats)
    run.refused = sum(run.refused_by_kind.values())


def _fill_counters(run: CrawlRun, stats: Mapping[str, Any]) -> None:
    _fill_stats(run, stats)
    for column, key in RUN_COUNTERS.items():
        setattr(run, column, int(stats.get(key, 0)))


def finish_run(
    session: Session, run_id: int, reason: str, stats: Mapping[str, Any], now: datetime
) -> CrawlRun:
    run = session.get_one(CrawlRun, run_id)
    run.finished_at = now
    run.finish_reason = reason
    run.status = STATUS_BY_REASON.get(reason, "failed")
    run.heartbeat_at = now
    _fill_counters(run, stats)
    return run


def close_run(
    session: Session, run_id: int, status: str | None, exit_code: int | None, note: str, now: datetime
) -> CrawlRun:
    """The parent's word once the child has exited: it fills in whatever the child could not write.

    `status` None keeps what the child recorded (or "failed" if it recorded nothing); a status given by
    the parent (timed out, interrupted, killed) wins over the child's, which only saw a shutdown.
    """
    run = session.get_one(CrawlRun, run_id)
    run.exit_code = exit_code
    run.note = note
    if run.finished_at is None:
        run.finished_at = now
        run.finish_reason = run.finish_reason or note[:64]
    if status is not None and not (run.finish_reason == "finished" and status in _STOPPED):
        run.status = status
    elif run.status in (None, "running"):
        run.status = "failed"
    return run


def record_unrun(
    session: Session, site_key: str, status: str, scheduled_for: datetime | None, note: str, now: datetime
) -> CrawlRun:
    """A scheduled run that never started (missed its grace time, or the previous run still going)."""
    run = CrawlRun(
        site_key=site_key,
        trigger="scheduled",
        started_at=now,
        finished_at=now,
        finish_reason=status,
        status=status,
        scheduled_for=scheduled_for,
        note=note,
        stats={},
    )
    session.add(run)
    session.flush()
    return run


def close_dead_runs(
    session: Session, now: datetime, stale_after: timedelta = DEFAULT_STALE_AFTER
) -> list[CrawlRun]:
    """Close every run still "running" whose process is gone: `killed` when this host can see that its
    process no longer exists, `lost` when it ran elsewhere and has not checkpointed for `stale_after`.

    Runs with no recorded process (archived before processes were recorded) are left as they are.
    """
    running = session.scalars(
        select(CrawlRun).where(CrawlRun.status == "running", CrawlRun.process.is_not(None))
    )
    closed = []
    for run in running:
        identity = ProcessIdentity.parse(run.process)
        verdict = liveness(identity) if identity is not None else Liveness.UNKNOWN
        beat = run.heartbeat_at or run.started_at
        if verdict is Liveness.ALIVE or (verdict is Liveness.UNKNOWN and now - beat < stale_after):
            continue
        who = identity.describe() if identity else run.process
        run.status = "killed" if verdict is Liveness.DEAD else "lost"
        run.finished_at = beat
        run.finish_reason = run.finish_reason or run.status
        run.note = (
            f"its process ({who}) is gone"
            if verdict is Liveness.DEAD
            else f"no heartbeat from {who} since {beat:%Y-%m-%d %H:%M:%S} UTC"
        ) + "; counters as of its last checkpoint"
        closed.append(run)
    return closed


def site_history(session: Session, site_key: str, limit: int = 20) -> list[CrawlRun]:
    """The site's most recent closed runs, newest first."""
    query = (
        select(CrawlRun)
        .where(CrawlRun.site_key == site_key, CrawlRun.finished_at.is_not(None))
        .order_by(CrawlRun.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def latest_runs_by_site(session: Session) -> list[CrawlRun]:
    """The newest run of every site that has one, by site key."""
    newest = select(func.max(CrawlRun.id)).group_by(CrawlRun.site_key).scalar_subquery()
    return list(session.scalars(select(CrawlRun).where(CrawlRun.id.in_(newest)).order_by(CrawlRun.site_key)))


def errors_by_kind(stats: Mapping[str, Any]) -> dict[str, int]:
    """What went wrong, by kind: `download/TimeoutError`, `http/503`, `spider/KeyError`, `blocked/412`,
    `log/ERROR` (errors logged, which include exceptions in item pipelines)."""
    kinds: dict[str, int] = {}
    for key, value in stats.items():
        kind = _error_kind(key)
        if kind is not None and int(value):
            kinds[kind] = kinds.get(kind, 0) + int(value)
    return kinds


def refusals_by_kind(stats: Mapping[str, Any]) -> dict[str, int]:
    """`refused/<kind>` stats as {kind: count}: requests refused on purpose (see crawler.refusals)."""
    return {k.split("/", 1)[1]: int(v) for k, v in stats.items() if k.startswith("refused/") and int(v)}


def blocked_count(stats: Mapping[str, Any]) -> int:
    if "blocked/total" in stats:
        return int(stats["blocked/total"])
    return sum(int(v) for k, v in stats.items() if k.startswith("blocked/"))


def _error_kind(key: str) -> str | None:
    if key.startswith("downloader/exception_type_count/"):
        name = key.rsplit(".", 1)[-1].rsplit("/", 1)[-1]
        return None if name in DELIBERATE_REFUSALS else f"download/{name}"
    if key.startswith("downloader/response_status_count/5"):
        return "http/" + key.rsplit("/", 1)[-1]
    if key.startswith("spider_exceptions/") and key != "spider_exceptions/count":
        return "spider/" + key.split("/", 1)[1]
    if key == "item_error_count":
        return "pipeline/error"
    if key in ("log_count/ERROR", "log_count/CRITICAL"):  # Scrapy counts item-pipeline exceptions only here
        return "log/" + key.rsplit("/", 1)[-1]
    if key.startswith("blocked/") and key != "blocked/total":
        return key
    return None


def recent_runs(session: Session, limit: int = 50, site_key: str | None = None) -> list[CrawlRun]:
    query = select(CrawlRun).order_by(CrawlRun.id.desc()).limit(limit)
    if site_key:
        query = query.where(CrawlRun.site_key == site_key)
    return list(session.scalars(query))


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)


def find_runs(
    session: Session,
    *,
    site_key: str | None = None,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[CrawlRun]:
    """Crawl history newest first, optionally one site's or one status's, a page at a time."""
    query = select(CrawlRun).order_by(CrawlRun.id.desc()).limit(limit).offset(offset)
    if site_key:
        query = query.where(CrawlRun.site_key == site_key)
    if status:
        query = query.where(CrawlRun.status == status)
    return list(session.scalars(query))


def recorded_sites(session: Session) -> list[SiteRecord]:
    """Every site the archive has recorded, by key: what the archive knows without the registry."""
    return list(session.scalars(select(SiteRecord).order_by(SiteRecord.key)))
