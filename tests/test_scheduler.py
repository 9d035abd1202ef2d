"""Scheduler plans and triggers with a fixed "now" (never sleeping), and the configured scheduler as built."""

from __future__ import annotations

import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

import scheduler as sched
from crawler.schedules import (
    JOB_PREFIX,
    NIGHT_MINUTES,
    NIGHT_START_MINUTE,
    TIMEZONE,
    JobPlan,
    cron_trigger,
    default_cron,
    plan_jobs,
)
from crawler.sites import load_registry
from crawler.supervisor import CrawlSpec, child_command, child_environment, log_path_for, verdict
from storage.scheduling import persisted_next_run_times

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=TIMEZONE)  # a Tuesday, noon in Beijing


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=TIMEZONE)  # type: ignore[misc]


def test_default_times_are_stable_and_inside_the_night_window() -> None:
    keys = [f"site-{i}" for i in range(200)]
    crons = [default_cron(key) for key in keys]
    assert crons == [default_cron(key) for key in keys]  # no per-process hash seed
    for cron in crons:
        minute, hour, *rest = cron.split()
        assert rest == ["*", "*", "*"]
        assert NIGHT_START_MINUTE <= int(hour) * 60 + int(minute) < NIGHT_START_MINUTE + NIGHT_MINUTES


def test_default_times_spread_sites_over_the_night() -> None:
    minutes = []
    for i in range(60):
        minute, hour = default_cron(f"province-{i}").split()[:2]
        minutes.append(int(hour) * 60 + int(minute))
    assert len(set(minutes)) >= 50  # not all at once
    assert max(minutes) - min(minutes) > NIGHT_MINUTES * 0.8
    hours = {m // 60 for m in minutes}
    assert hours == {0, 1, 2, 3, 4, 5}


def test_nightly_trigger_fires_next_night_in_beijing_time() -> None:
    trigger = cron_trigger("30 2 * * *")
    assert trigger.get_next_fire_time(None, NOW) == at(2026, 3, 11, 2, 30)
    assert trigger.get_next_fire_time(None, at(2026, 3, 11, 2, 29, 59)) == at(2026, 3, 11, 2, 30)
    # Beijing has no daylight saving: 02:30 is 18:30 UTC the day before, every day of the year.
    summer = trigger.get_next_fire_time(None, at(2026, 7, 1, 12, 0))
    assert summer is not None and summer.astimezone(UTC).hour == 18


def test_five_fields_are_crontab_weekdays_with_sunday_zero() -> None:
    weekdays = cron_trigger("0 3 * * 1-5")  # crontab: Monday to Friday
    fires = []
    moment: datetime | None = at(2026, 3, 13, 12, 0)  # Friday noon
    for _ in range(3):
        moment = weekdays.get_next_fire_time(None, moment)
        assert moment is not None
        fires.append(moment)
        moment += timedelta(seconds=1)
    assert [f.strftime("%a %H:%M") for f in fires] == ["Mon 03:00", "Tue 03:00", "Wed 03:00"]
    sunday = cron_trigger("0 4 * * 0").get_next_fire_time(None, NOW)
    assert sunday == at(2026, 3, 15, 4, 0)
    assert cron_trigger("0 4 * * 7").get_next_fire_time(None, NOW) == sunday
    stepped = cron_trigger("0 4 * * */2")  # the step is a step, not a weekday
    assert stepped.get_next_fire_time(None, NOW) is not None


def test_six_fields_have_seconds_first() -> None:
    trigger = cron_trigger("15 0 13 * * *")
    assert trigger.get_next_fire_time(None, NOW) == at(2026, 3, 10, 13, 0, 15)


@pytest.mark.parametrize("bad", ["", "* * *", "61 * * * *", "0 25 * * *", "x 1 * * *"])
def test_bad_cron_expressions_name_the_expression(bad: str) -> None:
    with pytest.raises(ValueError, match="cron expression"):
        cron_trigger(bad)


def test_plans_use_override_then_default(tmp_path: Path) -> None:
    registry = load_registry()
    sites = registry.enabled()[:3]
    assert sites, "the built-in registry has enabled sites"
    plans = plan_jobs(sites, {sites[0].key: "0 1 * * *"})
    assert plans[0] == JobPlan(sites[0].key, "0 1 * * *")
    assert [p.cron for p in plans[1:]] == [default_cron(s.key) for s in sites[1:]]
    assert {p.job_id for p in plans} == {JOB_PREFIX + s.key for s in sites}
    with pytest.raises(ValueError, match="cron expression"):
        plan_jobs(sites, {sites[0].key: "every night"})


def _config(database_url: str, tmp_path: Path) -> sched.SchedulerConfig:
    return sched.SchedulerConfig(
        database_url, CrawlSpec(database_url, tmp_path / "logs"), misfire_grace=3 * 3600
    )


PLANS = [JobPlan("alpha", "30 2 * * *"), JobPlan("beta", "45 3 * * *")]


def test_built_scheduler_has_safe_job_defaults(engine: Any, database_url: str, tmp_path: Path) -> None:
    scheduler = sched.build_scheduler(_config(database_url, tmp_path), PLANS)
    assert str(scheduler.timezone) == "Asia/Shanghai"
    pending = scheduler.get_jobs()
    assert [job.id for job in pending] == ["crawl:alpha", "crawl:beta"]
    assert {job.func_ref for job in pending} == {"scheduler:crawl_job"}  # importable, not __main__
    scheduler.start(paused=True)
    try:
        for job in scheduler.get_jobs():  # as stored in the archive database
            assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 3 * 3600)
            assert job.next_run_time > datetime.now(UTC)
    finally:
        sched.stop_scheduler(scheduler)


def test_restarts_replace_jobs_and_carry_a_missed_fire_time_over(
    engine: Any, database_url: str, tmp_path: Path
) -> None:
    config = _config(database_url, tmp_path)
    first = sched.build_scheduler(config, PLANS)
    first.start(paused=True)
    missed = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    first.modify_job("crawl:alpha", next_run_time=missed)  # it fell due while no scheduler ran
    sched.stop_scheduler(first)

    with Session(engine) as session:
        persisted = persisted_next_run_times(session)
    assert persisted["crawl:alpha"] == missed
    again = sched.build_scheduler(config, PLANS, persisted)
    again.start(paused=True)
    try:
        jobs = {job.id: job for job in again.get_jobs()}
        assert len(jobs) == 2  # replaced, not duplicated
        assert jobs["crawl:alpha"].next_run_time == missed  # runs once on resume: the catch-up
        beta = cron_trigger("45 3 * * *").get_next_fire_time(None, datetime.now(TIMEZONE))
        assert jobs["crawl:beta"].next_run_time == beta
    finally:
        sched.stop_scheduler(again)


def test_executor_hands_the_fire_time_to_the_job(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[tuple[str, str, datetime | None]] = []

    class FakeSupervisor:
        engine = None

        def run(self, site_key: str, trigger: str, scheduled_for: datetime | None, launched_by: str) -> Any:
            calls.append((site_key, trigger, scheduled_for))
            return type("Outcome", (), {"run_id": 1, "status": "finished"})()

    monkeypatch.setattr(sched, "_check_health", lambda runtime, run_id: None)
    started = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)
    config = _config("sqlite://", tmp_path)
    sched.set_runtime(sched.Runtime(FakeSupervisor(), "me", started, config))  # type: ignore[arg-type]
    try:
        for due in (started - timedelta(hours=1), started + timedelta(hours=1)):
            sched._due_times[JOB_PREFIX + "alpha"] = due
            sched.crawl_job("alpha")
        sched.crawl_job("alpha")  # run without a recorded fire time (never happens via the executor)
    finally:
        sched.set_runtime(None)
    assert [c[1] for c in calls] == ["catch-up", "scheduled", "scheduled"]
    assert calls[0][2] == started - timedelta(hours=1)


def test_child_command_and_environment(tmp_path: Path) -> None:
    spec = CrawlSpec(
        "postgresql+psycopg://u:secret@127.0.0.1/db",
        tmp_path,
        ("/x/sites.toml",),
        {"DOWNLOAD_DELAY": "0"},
    )
    log = log_path_for(tmp_path, "alpha", 7, datetime(2026, 3, 10, 1, 2, 3, tzinfo=UTC))
    assert log == tmp_path / "alpha" / "20260310-010203-run7.log"
    command = child_command(spec, "alpha", 7, "scheduled", log)
    assert command[1:5] == ["-m", "scrapy", "crawl", "alpha"]
    assert "CANLIAN_RUN_ID=7" in command and "DOWNLOAD_DELAY=0" in command and f"LOG_FILE={log}" in command
    assert not any("secret" in part for part in command)  # the URL goes through the environment
    env = child_environment(spec)
    assert env["CANLIAN_DATABASE_URL"] == spec.database_url and env["CANLIAN_SITES_FILES"] == "/x/sites.toml"
    stand_in = CrawlSpec("sqlite://", tmp_path, command=("sleep-for", "{site}", "{run_id}"))
    assert child_command(stand_in, "alpha", 7, "manual", log) == ["sleep-for", "alpha", "7"]


def test_verdicts_after_the_child_exits(tmp_path: Path) -> None:
    spec = CrawlSpec("sqlite://", tmp_path, time_limit=60, kill_grace=5)
    assert verdict("timed_out", -9, spec, killed=True) == (
        "timed_out",
        "wall-clock limit of 60 s reached; SIGKILL after 5 s grace",
    )
    assert verdict("interrupted", 0, spec, killed=False)[0] == "interrupted"
    assert verdict(None, -signal.SIGKILL, spec, killed=False) == (
        "killed",
        "killed by SIGKILL (not sent by the scheduler)",
    )
    assert verdict(None, 0, spec, killed=False) == (None, "exit status 0")  # the child's record stands
    assert verdict(None, 1, spec, killed=False) == (None, "exit status 1")
