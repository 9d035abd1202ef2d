"""`canlian schedule start|list|run-now|status` and `canlian health`: the scheduler for operators.

Exit codes beyond the usual ones: `schedule start` 3 = another scheduler holds the archive's lease,
4 = the lease was lost while running; `health` 1 = at least one site is failing.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shlex
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from crawler.cli.commands import archive_engine, reading
from crawler.cli.parser import parse_overrides
from crawler.cli.tables import render
from crawler.healthcheck import assess_run, check_after_run
from crawler.lease import LeaseHeld, LeaseLost
from crawler.schedules import JOB_PREFIX, TIMEZONE, JobPlan, cron_trigger, plan_jobs
from crawler.sites import extra_files_from_env, load_registry
from crawler.supervisor import CrawlSpec, Supervisor, run_sequentially
from storage.engine import DEFAULT_DATA_DIR, database_url_from_env
from storage.models import CrawlRun
from storage.runs import latest_runs_by_site
from storage.scheduling import current_lease, health_records, persisted_next_run_times

EXIT_LEASE_HELD, EXIT_LEASE_LOST = 3, 4
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    schedule = commands.add_parser("schedule", help="the nightly scheduler (see docs/scheduler.md)")
    actions = schedule.add_subparsers(dest="schedule_command", required=True, metavar="ACTION")
    start_parser = actions.add_parser("start", help="run the scheduler until SIGTERM / Ctrl-C")
    add_start_arguments(start_parser)
    start_parser.set_defaults(handler=start)
    list_parser = actions.add_parser("list", help="each site's schedule and next run")
    list_parser.add_argument("--cron", action="append", default=[], metavar="SITE=EXPR")
    list_parser.add_argument("--json", action="store_true")
    list_parser.set_defaults(handler=list_jobs, only=[])
    run_now = actions.add_parser("run-now", help="crawl sites now as supervised child processes")
    run_now.add_argument("site_keys", nargs="+", metavar="SITE")
    add_crawl_arguments(run_now)
    run_now.set_defaults(handler=run_sites_now)
    status_parser = actions.add_parser("status", help="the scheduler, next runs, and every site's last run")
    status_parser.add_argument("--json", action="store_true")
    status_parser.set_defaults(handler=status)

    health_parser = commands.add_parser("health", help="site health from the run history")
    health_parser.add_argument("--site", metavar="KEY")
    health_parser.add_argument("--json", action="store_true")
    health_parser.set_defaults(handler=health)


def add_crawl_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--time-limit", type=float, default=4 * 3600, metavar="SECONDS", help="per crawl")
    parser.add_argument(
        "--kill-grace", type=float, default=90, metavar="SECONDS", help="after SIGTERM, before SIGKILL"
    )
    parser.add_argument("--log-dir", metavar="DIR", help="crawl logs (default: $CANLIAN_DATA_DIR/logs)")
    parser.add_argument("-s", "--set", dest="overrides", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--crawl-command", metavar="CMD", help=argparse.SUPPRESS)  # tests: a stand-in child


def add_start_arguments(parser: argparse.ArgumentParser) -> None:
    add_crawl_arguments(parser)
    parser.add_argument("--standby", action="store_true", help="wait for the lease instead of refusing")
    parser.add_argument("--cron", action="append", default=[], metavar="SITE=EXPR", help="per-site schedule")
    parser.add_argument("--only", action="append", default=[], metavar="SITE", help="schedule these only")
    parser.add_argument("--misfire-grace", type=int, default=6 * 3600, metavar="SECONDS")
    parser.add_argument("--max-concurrent", type=int, default=2, metavar="N")
    parser.add_argument("--lease-ttl", type=float, default=60, metavar="SECONDS")
    parser.add_argument("--heartbeat", type=float, default=15, metavar="SECONDS")
    parser.add_argument("--webhook", default=os.environ.get("CANLIAN_WEBHOOK_URL"), metavar="URL")
    parser.add_argument("--webhook-format", choices=["json", "dingtalk", "wecom", "feishu"])
    parser.add_argument("--webhook-secret", default=os.environ.get("CANLIAN_WEBHOOK_SECRET"))
    parser.add_argument("--remind-after", type=float, default=24, metavar="HOURS", help="repeat alerts")


def crawl_spec(args: argparse.Namespace, database: str, sites_files: list[str]) -> CrawlSpec:
    data_dir = Path(os.environ.get("CANLIAN_DATA_DIR", DEFAULT_DATA_DIR))
    return CrawlSpec(
        database_url=database,
        log_dir=Path(args.log_dir or data_dir / "logs").resolve(),
        sites_files=tuple(str(Path(f).resolve()) for f in sites_files),
        settings=parse_overrides(args.overrides),
        command=tuple(shlex.split(args.crawl_command)) if args.crawl_command else (),
        time_limit=args.time_limit,
        kill_grace=args.kill_grace,
    )


def _plans(args: argparse.Namespace) -> tuple[list[JobPlan], list[str]]:
    sites_files = [*extra_files_from_env(), *args.sites]
    registry = load_registry(sites_files)
    sites = [registry.get(key) for key in args.only] if args.only else registry.enabled()
    overrides = parse_overrides(args.cron)
    for key in overrides:
        registry.get(key)  # a typo in --cron must not silently leave a site on its default
    return plan_jobs(sites, overrides), sites_files


def start(args: argparse.Namespace) -> int:
    from scheduler import SchedulerConfig, serve  # the top-level module imports this one for its parser

    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    plans, sites_files = _plans(args)
    database = args.database or database_url_from_env()
    config = SchedulerConfig(
        database_url=database,
        spec=crawl_spec(args, database, sites_files),
        misfire_grace=args.misfire_grace,
        max_concurrent=args.max_concurrent,
        lease_ttl=args.lease_ttl,
        heartbeat=args.heartbeat,
        standby=args.standby,
        webhook=args.webhook,
        webhook_format=args.webhook_format,
        webhook_secret=args.webhook_secret,
        remind_after=timedelta(hours=args.remind_after),
    )
    try:
        return serve(config, plans)
    except LeaseHeld as error:
        print(f"canlian schedule: {error}", file=sys.stderr)
        return EXIT_LEASE_HELD
    except LeaseLost as error:
        print(f"canlian schedule: stopped: {error}", file=sys.stderr)
        return EXIT_LEASE_LOST


def list_jobs(args: argparse.Namespace) -> int:
    plans, _ = _plans(args)
    now = datetime.now(TIMEZONE)
    with reading(args) as session:
        stored = persisted_next_run_times(session)
    records = [
        {
            "site": plan.site_key,
            "cron": plan.cron,
            "next_run": _iso(cron_trigger(plan.cron).get_next_fire_time(None, now)),
            "job_store_next_run": _iso(stored.get(plan.job_id)),
        }
        for plan in plans
    ]
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=2))
        return 0
    rows = [(r["site"], r["cron"], _local(r["next_run"]), _local(r["job_store_next_run"])) for r in records]
    print(render(["site", "cron (Asia/Shanghai)", "next run", "in job store"], rows))
    return 0


def run_sites_now(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    sites_files = [*extra_files_from_env(), *args.sites]
    registry = load_registry(sites_files)
    for key in args.site_keys:
        registry.get(key)
    engine = archive_engine(args)
    supervisor = Supervisor(engine, crawl_spec(args, args.database or database_url_from_env(), sites_files))
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: supervisor.stop_all(hurry=supervisor.stopping.is_set()))
    try:
        outcomes = run_sequentially(supervisor, args.site_keys, "manual")
        for outcome in outcomes:
            check_after_run(engine, outcome.run_id)
    finally:
        engine.dispose()
    rows = [(o.site_key, o.run_id, o.status, o.note, o.log_path) for o in outcomes]
    print(render(["site", "run", "status", "note", "log"], rows, max_width=80))
    return 0 if all(o.status == "finished" for o in outcomes) else 1


def status(args: argparse.Namespace) -> int:
    now = datetime.now(UTC)
    with reading(args, notice_dead_runs=True) as session:
        lease = current_lease(session)
        jobs = persisted_next_run_times(session)
        latest = latest_runs_by_site(session)
        day_ago = now - timedelta(hours=24)
        recent = session.scalars(select(CrawlRun).where(CrawlRun.started_at >= day_ago)).all()
        problems = [r for r in recent if r.status not in ("finished", "running")]
        scheduler = _lease_record(lease, now)
        sites = [_run_record(run, jobs.get(JOB_PREFIX + run.site_key)) for run in latest]
    report: dict[str, Any] = {"scheduler": scheduler, "sites": sites, "problems_24h": len(problems)}
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    print(f"Scheduler: {scheduler['summary']}")
    print(f"Last 24 h: {len(recent)} runs, {len(problems)} not finished normally\n")
    columns = ["site", "trigger", "status", "took", "pages", "new", "errors", "blocked"]
    rows = [[s["site"], _local(s["started_at"]), *(s[c] for c in columns[1:]), _why(s)] for s in sites]
    print(render(["site", "last run", *columns[1:], "why / next run"], rows, max_width=80))
    return 0


def _lease_record(lease: Any, now: datetime) -> dict[str, Any]:
    if lease is None:
        return {"running": False, "summary": "not running (no lease held)"}
    alive = lease.expires_at > now
    beat = int((now - lease.heartbeat_at).total_seconds())
    state = "running" if alive else "DEAD (lease expired)"
    summary = f"{state}: {lease.host} pid {lease.pid}, heartbeat {beat} s ago"
    return {
        "running": alive,
        "holder": lease.holder,
        "host": lease.host,
        "pid": lease.pid,
        "heartbeat_at": lease.heartbeat_at.isoformat(),
        "expires_at": lease.expires_at.isoformat(),
        "summary": summary,
    }


def _run_record(run: CrawlRun, next_run: datetime | None) -> dict[str, Any]:
    took = (run.finished_at - run.started_at).total_seconds() if run.finished_at else None
    return {
        "site": run.site_key,
        "run_id": run.id,
        "started_at": run.started_at.isoformat(),
        "trigger": run.trigger,
        "status": run.status or "unknown",
        "took": f"{took:.0f} s" if took is not None else "",
        "pages": run.pages_fetched,
        "new": run.articles_new,
        "errors": run.errors,
        "blocked": run.blocked,
        "errors_by_kind": run.errors_by_kind,
        "note": run.note or run.finish_reason or "",
        "log": run.log_path,
        "next_run": _iso(next_run),
    }


def _why(site: dict[str, Any]) -> str:
    if site["status"] not in ("finished", "running"):
        return str(site["note"])
    return f"next {_local(site['next_run'])}" if site["next_run"] else ""


def health(args: argparse.Namespace) -> int:
    with reading(args, notice_dead_runs=True) as session:
        stored = health_records(session)
        verdicts = [assess_run(session, run.id) for run in latest_runs_by_site(session)]
    verdicts = [v for v in verdicts if not args.site or v.site_key == args.site]
    records: list[dict[str, Any]] = [
        {
            "site": v.site_key,
            "state": v.state,
            "since": stored[v.site_key].state_since.isoformat() if v.site_key in stored else None,
            "run_id": v.run_id,
            "findings": [f.to_dict() for f in v.findings],
        }
        for v in verdicts
    ]
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=2))
    else:
        rows = [
            (r["site"], _shout(r["state"]), _local(r["since"]), r["run_id"], _messages(r["findings"]))
            for r in records
        ]
        print(render(["site", "state", "since", "run", "why"], rows, max_width=100))
    return 1 if any(v.state == "failing" for v in verdicts) else 0


def _shout(state: str) -> str:
    return state if state == "ok" else state.upper()  # problems stand out in a long table


def _messages(findings: list[dict[str, str]]) -> str:
    return "; ".join(f["message"] for f in findings) or "-"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _local(iso: str | None) -> str:
    if not iso:
        return ""
    return datetime.fromisoformat(iso).astimezone(TIMEZONE).strftime("%Y-%m-%d %H:%M")
