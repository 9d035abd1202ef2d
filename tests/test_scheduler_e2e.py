"""End to end: `python scheduler.py` processes crawling the sample web (on 127.0.0.1) into a real archive.

Nothing here depends on how fast the machine starts a scheduler: jobs that must run at once are left in the
job store as already due (they run as catch-ups as soon as the scheduler is up, however late that is), and
the one test of cron firing uses a cron every few seconds, so its first fire time always lies ahead.
"now"-independent trigger arithmetic is tested in test_scheduler.py.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from faults import check_consistent
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

import scheduler as sched
from crawler.schedules import JobPlan
from crawler.supervisor import CrawlSpec
from sampleweb import SampleWeb, site_definitions, start, write_sites_toml
from storage.models import Article, CrawlRun, Fetch
from storage.scheduling import current_lease, health_records, persisted_next_run_times

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[1]
FAST = ["DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", "CANLIAN_EXTRACT_WORKERS=0", "LOG_LEVEL=INFO"]
SITES = ("sample-county", "sample-portal", "sample-cdpf", "sample-citynews")
STARTUP = 120  # seconds a scheduler may take to come up: only bounds a hang
EVERY_FOUR_SECONDS = "*/4 * * * * *"
QUICK = "python -c 'pass'"
HANG = "python -c 'import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)'"


@pytest.fixture(scope="module")
def sites_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with start(SampleWeb(seed=7, articles_per_site=5)) as running:
        path = tmp_path_factory.mktemp("sampleweb") / "sites.toml"
        used = {k: v for k, v in running.base_urls.items() if k in SITES}  # the sample web may grow
        write_sites_toml(site_definitions(used), path)
        yield path


class SchedulerProcess:
    def __init__(self, database_url: str, sites: Path, tmp_path: Path, name: str, args: list[str]) -> None:
        self.log = tmp_path / f"scheduler-{name}.log"
        command = [sys.executable, str(REPO / "scheduler.py"), "--database", database_url]
        command += ["--sites", str(sites), "--log-dir", str(tmp_path / "logs"), "--heartbeat", "0.5"]
        command += ["--lease-ttl", "3", "--kill-grace", "5", *(a for s in FAST for a in ("-s", s)), *args]
        env = {**os.environ, "CANLIAN_DATA_DIR": str(tmp_path / "data")}
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=REPO)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout)


@pytest.fixture
def launch(database_url: str, sites_file: Path, tmp_path: Path) -> Iterator[Callable[..., SchedulerProcess]]:
    started: list[SchedulerProcess] = []

    def launch_one(*args: str, name: str = "a") -> SchedulerProcess:
        started.append(SchedulerProcess(database_url, sites_file, tmp_path, name, list(args)))
        return started[-1]

    yield launch_one
    for process in started:  # only the processes this test started
        try:
            process.stop(timeout=15)
        except subprocess.TimeoutExpired:
            process.process.kill()
            process.process.wait()


def wait_until(condition: Callable[[], Any], timeout: float, what: str, log: SchedulerProcess) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}; scheduler log:\n{log.output()[-4000:]}")


def closed_runs(engine: Engine) -> list[CrawlRun]:
    with Session(engine) as session:
        return list(session.scalars(select(CrawlRun).where(CrawlRun.finished_at.is_not(None))))


def checked(engine: Engine) -> dict[str, str]:
    """Site -> health state: written after a run is closed, so the scheduler is done with the run."""
    with Session(engine) as session:
        return {h.site_key: h.state for h in health_records(session).values()}


def scheduler_ready(engine: Engine, jobs: int) -> bool:
    with Session(engine) as session:
        return current_lease(session) is not None and len(persisted_next_run_times(session)) >= jobs


def test_scheduled_crawls_are_recorded_and_a_second_scheduler_stays_out(
    engine: Engine, launch: Callable[..., SchedulerProcess]
) -> None:
    keys = ["sample-county", "sample-cdpf"]
    args = [a for key in keys for a in ("--only", key, "--cron", f"{key}={EVERY_FOUR_SECONDS}")]
    first = launch(*args)
    wait_until(lambda: scheduler_ready(engine, 2), STARTUP, "the first scheduler to be ready", first)

    second = launch(*args, name="b")
    assert second.process.wait(STARTUP) == 3, second.output()
    assert "another scheduler holds this archive's lease" in second.output()

    def checked_both() -> bool:
        return set(checked(engine)) == set(keys) and {r.site_key for r in finished(engine)} == set(keys)

    wait_until(checked_both, STARTUP, "a run of each site and its health check", first)
    with Session(engine) as session:
        holder = current_lease(session)
        assert holder is not None and str(holder.pid) == str(first.process.pid)
    assert checked(engine) == dict.fromkeys(keys, "ok")
    assert first.stop() == 0
    for run in finished(engine):
        assert (run.trigger, run.launched_by) == ("scheduled", holder.holder), run.note
        assert run.scheduled_for is not None and run.scheduled_for.second % 4 == 0, "fired by the cron"
        assert timedelta(0) <= run.started_at - run.scheduled_for < timedelta(seconds=STARTUP)
        assert run.log_path and "Spider closed (finished)" in Path(run.log_path).read_text()
    first_runs = {r.site_key: r for r in sorted(finished(engine), key=lambda r: r.id, reverse=True)}
    assert all(r.pages_fetched > 0 and r.articles_new + r.articles_duplicate > 0 for r in first_runs.values())
    with Session(engine) as session:
        assert current_lease(session) is None  # released, so a standby can take over at once
        statuses = set(session.scalars(select(CrawlRun.status)))
    assert statuses <= {"finished", "skipped", "interrupted"}, statuses  # skipped: the last still running


def finished(engine: Engine) -> list[CrawlRun]:
    return [r for r in closed_runs(engine) if r.status == "finished"]


def test_missed_fire_times_run_once_within_grace_and_are_recorded_beyond_it(
    engine: Engine, database_url: str, launch: Callable[..., SchedulerProcess], tmp_path: Path
) -> None:
    plans = [JobPlan("sample-portal", "0 3 * * *"), JobPlan("sample-citynews", "0 4 * * *")]
    config = sched.SchedulerConfig(database_url, CrawlSpec(database_url, tmp_path))
    earlier = sched.build_scheduler(config, plans)  # a scheduler that ran before, then stopped
    earlier.start(paused=True)
    now = datetime.now(UTC).replace(microsecond=0)
    earlier.modify_job("crawl:sample-portal", next_run_time=now - timedelta(hours=1))
    earlier.modify_job("crawl:sample-citynews", next_run_time=now - timedelta(hours=3))
    sched.stop_scheduler(earlier)

    args = ["--misfire-grace", "7200", "--crawl-command", QUICK]  # which crawl runs matters, not its pages
    for plan in plans:
        args += ["--only", plan.site_key, "--cron", f"{plan.site_key}={plan.cron}"]
    process = launch(*args)
    wait_until(lambda: len(checked(engine)) == 2, STARTUP, "a catch-up and a missed run", process)
    time.sleep(1.5)  # would a second catch-up follow? (it must not)
    runs = {run.site_key: run for run in closed_runs(engine)}
    assert len(runs) == 2
    caught_up, missed = runs["sample-portal"], runs["sample-citynews"]
    assert (caught_up.trigger, caught_up.exit_code) == ("catch-up", 0), caught_up.note
    assert caught_up.scheduled_for == now - timedelta(hours=1)
    assert (missed.status, missed.scheduled_for, missed.pages_fetched) == (
        "missed",
        now - timedelta(hours=3),
        0,
    )
    assert "7200 s grace" in (missed.note or "")
    with Session(engine) as session:
        upcoming = persisted_next_run_times(session)
    assert all(t is not None and t > datetime.now(UTC) for t in upcoming.values())  # back on the cron
    assert process.stop() == 0


def test_a_hung_crawl_is_stopped_at_its_limit_and_recorded(
    engine: Engine, database_url: str, launch: Callable[..., SchedulerProcess], tmp_path: Path
) -> None:
    due_now(database_url, tmp_path, [JobPlan("sample-county", "0 3 * * *")])
    process = launch(
        "--only", "sample-county", "--cron", "sample-county=0 3 * * *", "--crawl-command", HANG,
        "--time-limit", "1.5", "--kill-grace", "1",
    )  # fmt: skip
    wait_until(lambda: checked(engine), STARTUP, "the hung crawl to be stopped", process)
    [run] = closed_runs(engine)
    assert (run.status, run.exit_code) == ("timed_out", -signal.SIGKILL), run.note
    assert run.note == "wall-clock limit of 1.5 s reached; SIGKILL after 1 s grace"
    assert run.finished_at is not None and run.finished_at - run.started_at < timedelta(seconds=STARTUP)
    assert process.process.poll() is None  # the scheduler carries on
    with Session(engine) as session:
        [health] = health_records(session).values()
        assert health.findings[0]["cause"] == "timed_out"
    assert process.stop() == 0


def test_sigterm_mid_crawl_leaves_a_consistent_archive(
    engine: Engine, database_url: str, launch: Callable[..., SchedulerProcess], tmp_path: Path
) -> None:
    due_now(database_url, tmp_path, [JobPlan("sample-cdpf", "0 3 * * *")])
    process = launch("--only", "sample-cdpf", "--cron", "sample-cdpf=0 3 * * *", "-s", "DOWNLOAD_DELAY=0.5")

    def fetching() -> bool:
        with Session(engine) as session:
            return bool(session.scalar(select(func.count()).select_from(Fetch)))

    wait_until(fetching, STARTUP, "the crawl to archive its first page", process)
    assert process.stop() == 0, process.output()
    with Session(engine) as session:
        [run] = session.scalars(select(CrawlRun)).all()
        assert (run.status, run.finish_reason) == ("interrupted", "shutdown"), run.note
        assert run.finished_at is not None and run.pages_fetched >= 1
        run_ids = set(session.scalars(select(Fetch.run_id)))
        assert run_ids == {run.id}
        fetch_ids = set(session.scalars(select(Fetch.id)))
        assert set(session.scalars(select(Article.fetch_id))) <= fetch_ids
        assert current_lease(session) is None


def due_now(database_url: str, tmp_path: Path, plans: list[JobPlan]) -> None:
    """Leave the job store as a scheduler that stopped before these jobs fell due: the next scheduler
    runs them at once as catch-ups, however long it takes to start."""
    config = sched.SchedulerConfig(database_url, CrawlSpec(database_url, tmp_path))
    earlier = sched.build_scheduler(config, plans)
    earlier.start(paused=True)
    for plan in plans:
        earlier.modify_job(plan.job_id, next_run_time=datetime.now(UTC) - timedelta(minutes=1))
    sched.stop_scheduler(earlier)


def test_a_standby_takes_over_a_killed_scheduler_without_crawling_a_site_twice(
    engine: Engine, database_url: str, launch: Callable[..., SchedulerProcess], tmp_path: Path
) -> None:
    every_two_seconds = "*/2 * * * * *"  # the successor tries again and again while the orphan crawls
    plans = [JobPlan("sample-cdpf", every_two_seconds)]
    due_now(database_url, tmp_path, plans)
    args = ["--only", "sample-cdpf", "--cron", f"sample-cdpf={every_two_seconds}", "-s", "DOWNLOAD_DELAY=1"]
    first = launch(*args)

    def crawling() -> bool:
        with Session(engine) as session:
            return bool(session.scalar(select(func.count()).select_from(Fetch)))

    wait_until(crawling, STARTUP, "the first scheduler's crawl to archive a page", first)
    standby = launch(*args, "--standby", name="b")
    os.kill(first.process.pid, signal.SIGKILL)  # the scheduler alone: its crawl lives on, orphaned
    first.process.wait(10)

    def orphan_done() -> CrawlRun | None:
        with Session(engine) as session:
            first_run = session.scalars(select(CrawlRun).order_by(CrawlRun.id)).first()
            return first_run if first_run is not None and first_run.status != "running" else None

    def skipped() -> list[CrawlRun]:
        """Runs the standby did not start because the site's lock is held by a live crawl."""
        with Session(engine) as session:
            runs = session.scalars(select(CrawlRun).where(CrawlRun.status == "skipped"))
            return [r for r in runs if "is being crawled by" in (r.note or "")]

    wait_until(skipped, STARTUP, "the standby to try the site while the orphan still crawls", standby)
    orphan = wait_until(orphan_done, STARTUP, "the orphaned crawl to finish", standby)
    assert (orphan.status, orphan.finish_reason) == ("finished", "finished"), orphan.note
    with Session(engine) as session:
        holder = current_lease(session)
        assert holder is not None and holder.pid == standby.process.pid
    assert standby.stop() == 0, standby.output()
    check_consistent(database_url)
