"""Crawls as child processes with a wall-clock limit, recorded whatever happens to the child.

The Twisted reactor cannot restart in one process, and a hung crawl must not block the next night, so
every crawl is `python -m scrapy crawl SITE` in its own session (process group). The parent creates the
run row first and hands its id to the child (`CANLIAN_RUN_ID`); the child's archive pipeline adopts it and
closes it with Scrapy's stats. On timeout or shutdown the parent sends SIGTERM to the crawl alone (Scrapy
then closes gracefully and records the run), waits a grace period, then SIGKILLs the whole group. Last, the
parent closes the row itself with what it knows (timed out, interrupted, killed by a signal, exit code):
the archive holds a finished run row whatever became of the child.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from storage.liveness import ProcessIdentity
from storage.runs import close_run, record_unrun, start_run
from storage.site_locks import live_lock_holder
from storage.transactions import write_transaction

logger = logging.getLogger(__name__)
POLL_SECONDS = 0.2
SETTINGS_MODULE = "crawler.settings"


@dataclass(frozen=True, slots=True)
class CrawlSpec:
    """How to start a child crawl; plain data so it can be logged and tested."""

    database_url: str
    log_dir: Path
    sites_files: tuple[str, ...] = ()
    settings: Mapping[str, str] = field(default_factory=dict)  # extra Scrapy `-s NAME=VALUE`
    # A stand-in command for tests and unusual deployments; {site}, {run_id} and {log} are filled in.
    command: tuple[str, ...] = ()
    time_limit: float = 4 * 3600.0
    kill_grace: float = 90.0


@dataclass(frozen=True, slots=True)
class RunOutcome:
    run_id: int
    site_key: str
    status: str
    exit_code: int | None
    note: str
    log_path: str


def log_path_for(log_dir: Path, site_key: str, run_id: int, started: datetime) -> Path:
    return log_dir / site_key / f"{started:%Y%m%d-%H%M%S}-run{run_id}.log"


def child_command(spec: CrawlSpec, site_key: str, run_id: int, trigger: str, log_path: Path) -> list[str]:
    if spec.command:
        return [part.format(site=site_key, run_id=run_id, log=log_path) for part in spec.command]
    settings = {
        "CANLIAN_RUN_ID": str(run_id),
        "CANLIAN_RUN_TRIGGER": trigger,
        "LOG_FILE": str(log_path),
        **spec.settings,
    }
    pairs = [arg for name, value in settings.items() for arg in ("-s", f"{name}={value}")]
    return [sys.executable, "-m", "scrapy", "crawl", site_key, *pairs]


def child_environment(spec: CrawlSpec) -> dict[str, str]:
    # The database URL goes through the environment, not argv, so a password never shows in `ps`.
    env = dict(os.environ)
    env["CANLIAN_DATABASE_URL"] = spec.database_url
    env["SCRAPY_SETTINGS_MODULE"] = SETTINGS_MODULE
    if spec.sites_files:
        env["CANLIAN_SITES_FILES"] = os.pathsep.join(spec.sites_files)
    return env


def verdict(
    stopped_for: str | None, returncode: int, spec: CrawlSpec, killed: bool
) -> tuple[str | None, str]:
    """(status the parent imposes, or None to keep the child's; note) after the child exited."""
    forced = f"SIGKILL after {spec.kill_grace:g} s grace" if killed else "stopped on SIGTERM"
    if stopped_for == "timed_out":
        return "timed_out", f"wall-clock limit of {spec.time_limit:g} s reached; {forced}"
    if stopped_for == "interrupted":
        return "interrupted", f"scheduler shutting down; {forced}"
    if returncode < 0:
        return "killed", f"killed by {signal.Signals(-returncode).name} (not sent by the scheduler)"
    return None, f"exit status {returncode}"


class Supervisor:
    """Starts and watches child crawls; `stop_all()` stops every running one (graceful shutdown)."""

    def __init__(self, engine: Engine, spec: CrawlSpec) -> None:
        self.engine = engine
        self.spec = spec
        self.stopping = threading.Event()
        self.hurry = threading.Event()  # a second Ctrl-C: skip the grace period
        self._lock = threading.Lock()
        self._children: dict[int, subprocess.Popen[bytes]] = {}

    def running(self) -> int:
        with self._lock:
            return len(self._children)

    def stop_all(self, hurry: bool = False) -> None:
        self.stopping.set()
        if hurry:
            self.hurry.set()

    def run(
        self,
        site_key: str,
        trigger: str,
        scheduled_for: datetime | None = None,
        launched_by: str | None = None,
    ) -> RunOutcome:
        started = datetime.now(UTC)

        def open_run(session: Session) -> tuple[int, str, str]:
            holder = live_lock_holder(session, site_key, started)
            if holder is not None:  # whoever started it (a crawl from the CLI, an orphan of a dead scheduler)
                note = f"site {site_key} is being crawled by {holder.describe()}"
                run = record_unrun(session, site_key, "skipped", scheduled_for, note, started)
                run.trigger = trigger
                return run.id, "", note
            run = start_run(
                session,
                site_key,
                trigger,
                started,
                scheduled_for=scheduled_for,
                launched_by=launched_by,
                process=str(ProcessIdentity.current()),  # the child takes the run over when it starts
            )
            run.log_path = str(log_path_for(self.spec.log_dir, site_key, run.id, started))
            return run.id, run.log_path, ""

        run_id, log_path, busy = write_transaction(self.engine, open_run)
        if busy:
            logger.warning("%s run %d: skipped: %s", site_key, run_id, busy)
            return RunOutcome(run_id, site_key, "skipped", None, busy, "")
        try:
            status, exit_code, note = self._supervise(site_key, run_id, trigger, Path(log_path))
        except BaseException as error:
            self._close(run_id, "failed", None, f"scheduler error: {error!r}"[:500])
            raise
        final = self._close(run_id, status, exit_code, note)
        logger.info("%s run %d: %s (%s)", site_key, run_id, final, note)
        return RunOutcome(run_id, site_key, final, exit_code, note, log_path)

    def _close(self, run_id: int, status: str | None, exit_code: int | None, note: str) -> str:
        def work(session: Session) -> str:
            run = close_run(session, run_id, status, exit_code, note, datetime.now(UTC))
            return run.status or "failed"

        return write_transaction(self.engine, work)

    def _supervise(
        self, site_key: str, run_id: int, trigger: str, log_path: Path
    ) -> tuple[str | None, int | None, str]:
        if self.stopping.is_set():
            return "interrupted", None, "scheduler shutting down before the crawl started"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        command = child_command(self.spec, site_key, run_id, trigger, log_path)
        with open(log_path, "ab") as log:  # Scrapy logs here too; this catches what it cannot (crashes)
            child = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=child_environment(self.spec),
                start_new_session=True,  # our own signals only: Ctrl-C in a terminal must not hit it first
            )
        with self._lock:
            self._children[child.pid] = child
        try:
            stopped_for = self._wait(child)
            killed = self._stop(child) if stopped_for else False
        finally:
            _kill_group(child.pid)  # leftovers (extraction workers) die with the crawl
            with self._lock:
                del self._children[child.pid]
        status, note = verdict(stopped_for, child.returncode, self.spec, killed)
        return status, child.returncode, note

    def _wait(self, child: subprocess.Popen[bytes]) -> str | None:
        """Wait for the child; the reason we must stop it ("timed_out", "interrupted"), or None."""
        deadline = time.monotonic() + self.spec.time_limit
        while True:
            try:
                child.wait(timeout=POLL_SECONDS)
                return None
            except subprocess.TimeoutExpired:
                pass
            if self.stopping.is_set():
                return "interrupted"
            if time.monotonic() >= deadline:
                return "timed_out"

    def _stop(self, child: subprocess.Popen[bytes]) -> bool:
        """SIGTERM the crawl, then SIGKILL its group after the grace period; True if it had to be killed."""
        logger.warning("stopping crawl pid %d (SIGTERM)", child.pid)
        _signal(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + self.spec.kill_grace
        while time.monotonic() < deadline and not self.hurry.is_set():
            try:
                child.wait(timeout=POLL_SECONDS)
                return False
            except subprocess.TimeoutExpired:
                pass
        logger.warning("crawl pid %d still running: SIGKILL", child.pid)
        _kill_group(child.pid)
        child.wait()
        return True


def _signal(pid: int, signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):  # it exited on its own meanwhile
        os.kill(pid, signum)


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # nothing left in the group
        os.killpg(pgid, signal.SIGKILL)


def run_sequentially(supervisor: Supervisor, site_keys: Sequence[str], trigger: str) -> list[RunOutcome]:
    """`canlian schedule run-now`: one child crawl after another, each with the same limits."""
    outcomes = []
    for key in site_keys:
        if supervisor.stopping.is_set():
            break
        outcomes.append(supervisor.run(key, trigger))
    return outcomes
