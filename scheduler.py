"""The nightly scheduler: one APScheduler 3.x job per enabled site, each crawl a supervised child process.

Traps this module exists to avoid (see docs/scheduler.md):
- APScheduler's default misfire grace is 1 s: a nightly run would be skipped if the machine was busy or
  asleep. Grace is hours here, with `coalesce` and `max_instances=1`; missed and skipped runs are recorded.
- Jobs are pickled into the archive database by reference: the function is named as "scheduler:crawl_job",
  never taken from `__main__`, and every job has a fixed id with `replace_existing`, so restarts never add
  copies. Replacing a job recomputes its next run from "now", which would silently drop a run that fell due
  while no scheduler was running: such a past fire time is carried over and runs once, as a catch-up.
- One job store must not serve two schedulers: a lease row with a heartbeat admits one (storage.scheduling).
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import FrameType
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED, JobEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.orm import Session

from crawler.healthcheck import DEFAULT_REMIND_AFTER, check_after_run
from crawler.lease import LeaseKeeper
from crawler.notify import Notifier, WebhookFormat
from crawler.schedules import JOB_PREFIX, TIMEZONE, JobPlan, cron_trigger
from crawler.supervisor import CrawlSpec, Supervisor
from storage.engine import create_archive_engine
from storage.runs import close_dead_runs, record_unrun
from storage.scheduling import persisted_next_run_times
from storage.schema import upgrade
from storage.transactions import write_transaction

JOB_FUNCTION = "scheduler:crawl_job"  # by reference: the job store pickles it and `__main__` won't resolve
DEFAULT_MISFIRE_GRACE = 6 * 3600

logger = logging.getLogger("canlian.scheduler")


@dataclass(frozen=True)
class SchedulerConfig:
    database_url: str
    spec: CrawlSpec
    misfire_grace: int = DEFAULT_MISFIRE_GRACE
    max_concurrent: int = 2
    lease_ttl: float = 60.0
    heartbeat: float = 15.0
    standby: bool = False
    webhook: str | None = None
    webhook_format: str | None = None
    webhook_secret: str | None = None
    remind_after: timedelta = DEFAULT_REMIND_AFTER


class SiteJobExecutor(ThreadPoolExecutor):  # type: ignore[misc]
    """Tells each crawl job the fire time it was submitted for (APScheduler 3.x passes it nothing).

    `_do_submit_job` is the executors' documented extension hook; it runs only once `max_instances`
    admitted the job, and one instance per job id at most means one pending entry per id.
    """

    def _do_submit_job(self, job: Any, run_times: Sequence[datetime]) -> None:
        with _due_lock:
            _due_times[job.id] = run_times[-1]
        super()._do_submit_job(job, run_times)


_due_lock = threading.Lock()
_due_times: dict[str, datetime] = {}


@dataclass
class Runtime:
    """What the running job functions need; set by `serve`. Not picklable, so never a job argument."""

    supervisor: Supervisor
    holder: str
    started_at: datetime
    config: SchedulerConfig
    notifier: Notifier | None = None


_runtime: Runtime | None = None


def set_runtime(runtime: Runtime | None) -> None:
    global _runtime
    _runtime = runtime


def crawl_job(site_key: str) -> str:
    """The job every site's schedule fires (by reference, see JOB_FUNCTION)."""
    runtime = _runtime
    if runtime is None:
        raise RuntimeError("crawl_job runs only inside a started scheduler (scheduler.main)")
    with _due_lock:
        due = _due_times.pop(JOB_PREFIX + site_key, None)
    # Due before this scheduler started: the run fell due while none was running.
    trigger = "catch-up" if due is not None and due < runtime.started_at else "scheduled"
    outcome = runtime.supervisor.run(site_key, trigger, scheduled_for=due, launched_by=runtime.holder)
    _check_health(runtime, outcome.run_id)
    return outcome.status


def _check_health(runtime: Runtime, run_id: int) -> None:
    try:
        check_after_run(runtime.supervisor.engine, run_id, runtime.notifier, runtime.config.remind_after)
    except Exception:  # health is advice: its failure must not fail the crawl that was just recorded
        logger.exception("health check after run %d failed", run_id)


def build_scheduler(
    config: SchedulerConfig,
    plans: Sequence[JobPlan],
    persisted: Mapping[str, datetime | None] | None = None,
    now: datetime | None = None,
) -> BackgroundScheduler:
    """The configured scheduler with its jobs pending (not started): tests inspect it as it is.

    `persisted` holds the job store's next run times from before this start (see module docstring).
    """
    now = now or datetime.now(UTC)
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=create_archive_engine(config.database_url))},
        executors={"default": SiteJobExecutor(max_workers=config.max_concurrent)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": config.misfire_grace},
        timezone=TIMEZONE,
    )
    for plan in plans:
        kept = (persisted or {}).get(plan.job_id)
        extra = {"next_run_time": kept} if kept is not None and kept <= now else {}
        scheduler.add_job(
            JOB_FUNCTION,
            trigger=cron_trigger(plan.cron),
            args=[plan.site_key],
            id=plan.job_id,
            name=f"crawl {plan.site_key} ({plan.cron})",
            replace_existing=True,
            **extra,
        )
    return scheduler


def add_listeners(scheduler: BackgroundScheduler, runtime: Runtime) -> None:
    def on_event(event: JobEvent) -> None:
        try:
            _record_event(runtime, event)
        except Exception:
            logger.exception("could not record scheduler event %s for %s", event.code, event.job_id)

    scheduler.add_listener(on_event, EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES | EVENT_JOB_ERROR)


def _record_event(runtime: Runtime, event: Any) -> None:
    site_key = str(event.job_id).removeprefix(JOB_PREFIX)
    if event.code == EVENT_JOB_ERROR:
        # The job closed its run as failed before raising; what is left is to make it loud.
        logger.error("crawl job for %s raised %r\n%s", site_key, event.exception, event.traceback)
        return
    if event.code == EVENT_JOB_MISSED:
        due, status = event.scheduled_run_time, "missed"
        note = f"due {due:%Y-%m-%d %H:%M %Z}, not started within {runtime.config.misfire_grace} s grace"
    else:
        due, status = event.scheduled_run_times[-1], "skipped"
        note = f"due {due:%Y-%m-%d %H:%M %Z} while the previous crawl of the site was still running"
    logger.warning("%s: scheduled crawl %s: %s", site_key, status, note)
    run_id = write_transaction(
        runtime.supervisor.engine,
        lambda s: record_unrun(s, site_key, status, due, note, datetime.now(UTC)).id,
    )
    _check_health(runtime, run_id)


def serve(config: SchedulerConfig, plans: Sequence[JobPlan]) -> int:
    """Run until SIGTERM / Ctrl-C. Raises LeaseHeld (another scheduler runs) or LeaseLost."""
    engine = create_archive_engine(config.database_url)
    upgrade(engine)
    supervisor = Supervisor(engine, config.spec)
    stop = threading.Event()
    install_signal_handlers(stop, supervisor)
    keeper = LeaseKeeper(engine, config.lease_ttl, config.heartbeat)
    try:
        if not keeper.acquire(stop, config.standby):
            return 0  # told to stop while standing by
        scheduler: BackgroundScheduler | None = None
        try:
            started = datetime.now(UTC)
            # Runs whose crawl process died with an earlier scheduler (or alone) are closed; runs whose
            # crawl still goes on are left to it: its site lock keeps us from starting the site again.
            write_transaction(engine, lambda s: close_dead_runs(s, started))
            with Session(engine) as session:
                persisted = persisted_next_run_times(session)
            scheduler = build_scheduler(config, plans, persisted, started)
            runtime = Runtime(supervisor, keeper.me.holder, started, config, _notifier(config))
            set_runtime(runtime)
            add_listeners(scheduler, runtime)
            scheduler.start(paused=True)
            _drop_stale_jobs(scheduler, plans)
            scheduler.resume()
            for job in scheduler.get_jobs():
                logger.info("%s: next run %s", job.name, job.next_run_time)
            keeper.keep(stop)
            return 0
        finally:
            _shutdown(scheduler, supervisor)
            keeper.release()
    finally:
        set_runtime(None)
        engine.dispose()


def _notifier(config: SchedulerConfig) -> Notifier | None:
    if not config.webhook:
        return None
    fmt = WebhookFormat(config.webhook_format) if config.webhook_format else None
    return Notifier(config.webhook, fmt, config.webhook_secret)


def _drop_stale_jobs(scheduler: BackgroundScheduler, plans: Sequence[JobPlan]) -> None:
    wanted = {plan.job_id for plan in plans}
    for job in scheduler.get_jobs():
        if job.id.startswith(JOB_PREFIX) and job.id not in wanted:
            logger.info("removing the job of %s: no longer an enabled site", job.id.removeprefix(JOB_PREFIX))
            scheduler.remove_job(job.id)


def _shutdown(scheduler: BackgroundScheduler | None, supervisor: Supervisor) -> None:
    """No new crawls, stop the running ones (each records its run), then wait for their threads."""
    if scheduler is not None and scheduler.running:
        stop_scheduler(scheduler, before_wait=supervisor.stop_all)
    else:
        supervisor.stop_all()
    logger.info("scheduler stopped")


def stop_scheduler(scheduler: BackgroundScheduler, before_wait: Callable[[], None] = lambda: None) -> None:
    """Shut down without losing a due job.

    APScheduler 3.x's `shutdown()` wakes its thread, which processes due jobs once more although stopped:
    it submits them to the closed executor (an error) and advances their next run time, so a run due then
    (or during a long wait for running jobs) would be lost. Detaching the job store first leaves those
    fire times in the database, where the next start finds and catches them up.
    """
    scheduler.pause()
    scheduler.remove_jobstore("default", shutdown=True)
    before_wait()
    scheduler.shutdown(wait=True)


def install_signal_handlers(stop: threading.Event, supervisor: Supervisor) -> None:
    """First SIGTERM / Ctrl-C: stop gracefully; a second one: kill the crawls without grace."""

    def handle(signum: int, _frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if stop.is_set():
            logger.warning("second %s: killing running crawls now", name)
            supervisor.stop_all(hurry=True)
        else:
            logger.warning("%s: stopping running crawls, then the scheduler", name)
            stop.set()
            supervisor.stop_all()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)


def main(argv: Sequence[str] | None = None) -> int:
    """`python scheduler.py [--database URL] [--sites FILE] [start options]` (= `canlian schedule start`)."""
    from crawler.cli.schedule_commands import add_start_arguments, start  # the CLI imports this module

    parser = argparse.ArgumentParser(prog="scheduler.py", description=__doc__.splitlines()[0])
    parser.add_argument("--database", metavar="URL", help="SQLAlchemy URL (default: $CANLIAN_DATABASE_URL)")
    parser.add_argument("--sites", metavar="FILE", action="append", default=[], help="extra registry file")
    add_start_arguments(parser)
    return start(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
