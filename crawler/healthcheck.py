"""After every run: judge the site's health against its history, store the verdict, alert on news.

`crawler.health` decides (pure); this module reads the history, writes the verdict and alert bookkeeping in
one transaction, then posts the alerts that `claim_alert` let through. An alert the webhook failed to take
is un-claimed, so the next run tries again instead of the problem going unannounced.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from crawler.health import HISTORY_RUNS, Finding, SiteHealth, assess, facts_from_run
from crawler.notify import Alert, Notifier
from storage.models import CrawlRun
from storage.runs import site_history
from storage.scheduling import Resolved, claim_alert, save_health, track_problems
from storage.scheduling_models import HealthAlert
from storage.transactions import write_transaction

logger = logging.getLogger(__name__)
DEFAULT_REMIND_AFTER = timedelta(hours=24)


def assess_run(session: Session, run_id: int) -> SiteHealth:
    run = session.get_one(CrawlRun, run_id)
    history = [r for r in site_history(session, run.site_key, limit=HISTORY_RUNS + 1) if r.id < run_id]
    return assess(facts_from_run(run), [facts_from_run(r) for r in history])


def check_after_run(
    engine: Engine,
    run_id: int,
    notifier: Notifier | None = None,
    remind_after: timedelta = DEFAULT_REMIND_AFTER,
    now: datetime | None = None,
) -> SiteHealth:
    at = now or datetime.now(UTC)

    def work(session: Session) -> tuple[SiteHealth, list[Finding], list[Resolved]]:
        health = assess_run(session, run_id)
        site = health.site_key
        save_health(session, site, health.state, [f.to_dict() for f in health.findings], run_id, at)
        resolved = track_problems(session, site, health.problems, at)
        if notifier is None:
            return health, [], []
        claimed = [f for f in health.findings if claim_alert(session, site, str(f.cause), at, remind_after)]
        return health, claimed, [r for r in resolved if r.announced]

    health, claimed, recovered = write_transaction(engine, work)
    if health.state != "ok":
        logger.warning(
            "site %s is %s: %s", health.site_key, health.state, "; ".join(health.problems.values())
        )
    if notifier is not None:
        _announce(engine, notifier, health, claimed, recovered, at)
    return health


def _announce(
    engine: Engine,
    notifier: Notifier,
    health: SiteHealth,
    claimed: Sequence[Finding],
    recovered: Sequence[Resolved],
    at: datetime,
) -> None:
    if claimed:
        findings = [(str(f.cause), f.level, f.message) for f in claimed]
        if not notifier.send(Alert(health.site_key, health.state, findings, health.run_id, at)):
            _unclaim(engine, health.site_key, [str(f.cause) for f in claimed])
    if recovered and health.state == "ok":
        resolved = [(r.cause, "ok", r.message) for r in recovered]
        notifier.send(Alert(health.site_key, "ok", resolved, health.run_id, at))


def _unclaim(engine: Engine, site_key: str, causes: list[str]) -> None:
    def work(session: Session) -> None:
        session.execute(
            update(HealthAlert)
            .where(HealthAlert.site_key == site_key, HealthAlert.cause.in_(causes))
            .values(last_sent_at=None)
            .execution_options(synchronize_session=False)
        )

    write_transaction(engine, work)
