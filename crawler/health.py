"""Site health from run history: pure functions, no database, no network.

A run is judged against the site's own history, because "normal" differs per site: a county site that
yields three articles a night is healthy, a portal that suddenly yields none is not. The most specific
explanation wins: a run that fetched nothing because robots.txt forbids it is reported as that, not also
as "empty".
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from storage.models import CrawlRun

OK, WARNING, FAILING = "ok", "warning", "failing"
MIN_PAGES_FOR_RATIO = 5  # below this, an extraction-failure ratio is noise
LAYOUT_JUMP = 0.3  # failure ratio above the site's usual one by this much: the layout changed
LAYOUT_FLOOR = 0.5  # ... and at least this high
LAYOUT_NO_HISTORY = 0.9  # without history, only a near-total failure is suspicious
HISTORY_RUNS = 10


class Cause(StrEnum):
    UNREACHABLE = "unreachable"
    START_FAILED = "start_failed"
    ROBOTS_FORBIDDEN = "robots_forbidden"
    BLOCKED = "blocked"
    EMPTY = "empty"
    LAYOUT_CHANGED = "layout_changed"
    CRAWL_FAILED = "crawl_failed"
    TIMED_OUT = "timed_out"
    MISSED = "missed"


@dataclass(frozen=True, slots=True)
class RunFacts:
    """What health needs to know about one run."""

    run_id: int
    site_key: str
    status: str
    started_at: datetime
    pages: int = 0  # article pages archived (any outcome)
    no_article: int = 0  # pages where extraction found no article
    responses: int = 0
    download_errors: Mapping[str, int] = field(default_factory=dict)  # exception name -> count
    blocked: int = 0
    blocked_by_status: Mapping[str, int] = field(default_factory=dict)
    robots_forbidden: int = 0
    logged_errors: int = 0  # ERROR lines in the crawl's log (item pipeline exceptions show only there)
    # An incremental night reached its lists and found nothing new: 304s, or every article already known.
    lists_unchanged: int = 0
    known_skipped: int = 0
    start_failed: int = 0  # start URLs that could not be fetched (refused, HTTP errors, unreachable)
    refused_by_kind: Mapping[str, int] = field(default_factory=dict)
    finish_reason: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class Finding:
    cause: Cause
    level: str  # warning | failing
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"cause": str(self.cause), "level": self.level, "message": self.message}


@dataclass(frozen=True, slots=True)
class SiteHealth:
    site_key: str
    state: str
    findings: tuple[Finding, ...]
    run_id: int | None

    @property
    def problems(self) -> dict[str, str]:
        return {str(f.cause): f.message for f in self.findings}


def facts_from_run(run: CrawlRun) -> RunFacts:
    stats: Mapping[str, Any] = run.stats or {}
    kinds: Mapping[str, Any] = run.errors_by_kind or {}
    return RunFacts(
        run_id=run.id,
        site_key=run.site_key,
        status=run.status or ("finished" if run.finish_reason == "finished" else "failed"),
        started_at=run.started_at,
        pages=run.pages_fetched,
        no_article=run.no_article,
        responses=int(stats.get("downloader/response_count", 0)),
        download_errors={k.split("/", 1)[1]: int(v) for k, v in kinds.items() if k.startswith("download/")},
        blocked=run.blocked,
        blocked_by_status={k.split("/", 1)[1]: int(v) for k, v in kinds.items() if k.startswith("blocked/")},
        robots_forbidden=int(stats.get("robotstxt/forbidden", 0)),
        lists_unchanged=int(stats.get("incremental/list_not_modified", 0)),
        start_failed=int(stats.get("listing/start_failed", 0)),
        refused_by_kind=dict(run.refused_by_kind or {}),
        known_skipped=int(stats.get("incremental/skipped_known", 0)),
        logged_errors=int(kinds.get("log/ERROR", 0)) + int(kinds.get("log/CRITICAL", 0)),
        finish_reason=run.finish_reason or "",
        note=run.note or "",
    )


def assess(latest: RunFacts, history: Sequence[RunFacts]) -> SiteHealth:
    """Health of `latest.site_key` after `latest`; `history` holds earlier runs, newest first."""
    findings = _status_findings(latest) + _access_findings(latest)
    explained = {f.cause for f in findings} & {
        Cause.UNREACHABLE,
        Cause.ROBOTS_FORBIDDEN,
        Cause.BLOCKED,
        Cause.START_FAILED,
    }
    if latest.status in ("finished", "timed_out") and not explained:
        findings += _yield_findings(latest, [h for h in history if h.status == "finished"][:HISTORY_RUNS])
    levels = {f.level for f in findings}
    state = FAILING if FAILING in levels else WARNING if WARNING in levels else OK
    return SiteHealth(latest.site_key, state, tuple(findings), latest.run_id)


def _status_findings(run: RunFacts) -> list[Finding]:
    if run.status == "missed":
        return [Finding(Cause.MISSED, WARNING, f"scheduled crawl missed: {run.note or 'no scheduler'}")]
    if run.status == "timed_out":
        return [Finding(Cause.TIMED_OUT, WARNING, f"crawl stopped at its time limit ({run.note})")]
    if run.status in ("failed", "killed", "lost"):
        why = run.note or run.finish_reason or "no reason recorded"
        return [Finding(Cause.CRAWL_FAILED, FAILING, f"crawl {run.status}: {why}")]
    return []


def _access_findings(run: RunFacts) -> list[Finding]:
    if run.status in ("missed", "skipped"):
        return []
    findings = []
    if run.start_failed:
        refused = _top(dict(run.refused_by_kind)) or "see the crawl log"
        message = f"{run.start_failed} start URL(s) could not be fetched (refused: {refused})"
        findings.append(Finding(Cause.START_FAILED, FAILING, message))
    errors = sum(run.download_errors.values())
    if run.pages == 0 and errors and run.responses <= 1:  # one response may be robots.txt
        findings.append(
            Finding(Cause.UNREACHABLE, FAILING, f"no answer from the site: {_top(run.download_errors)}")
        )
    if run.robots_forbidden and run.pages == 0:
        findings.append(
            Finding(
                Cause.ROBOTS_FORBIDDEN,
                FAILING,
                f"robots.txt forbids the crawl ({run.robots_forbidden} requests refused)",
            )
        )
    if run.blocked and (run.pages == 0 or run.blocked >= run.pages):
        codes = _top({f"HTTP {k}": v for k, v in run.blocked_by_status.items()}) or f"{run.blocked} responses"
        findings.append(Finding(Cause.BLOCKED, FAILING, f"blocked by an anti-bot challenge: {codes}"))
    elif run.blocked:
        findings.append(Finding(Cause.BLOCKED, WARNING, f"{run.blocked} responses were anti-bot challenges"))
    return findings


def _yield_findings(run: RunFacts, history: Sequence[RunFacts]) -> list[Finding]:
    usual_pages = statistics.median([h.pages for h in history]) if history else 0
    if run.pages == 0 and (run.lists_unchanged or run.known_skipped):
        return []  # a quiet night: the lists answered, and held nothing the archive lacks
    if run.pages == 0:
        logged = f"; {run.logged_errors} errors in the crawl log" if run.logged_errors else ""
        if usual_pages > 0:
            message = f"no article pages this run (usually {usual_pages:g}){logged}"
            return [Finding(Cause.EMPTY, FAILING, message)]
        return [Finding(Cause.EMPTY, WARNING, f"no article pages found{logged}")]
    if run.pages < MIN_PAGES_FOR_RATIO:
        return []
    ratio = run.no_article / run.pages
    usual = [h.no_article / h.pages for h in history if h.pages >= MIN_PAGES_FOR_RATIO]
    if len(usual) >= 2:
        baseline = statistics.median(usual)
        if ratio >= LAYOUT_FLOOR and ratio >= baseline + LAYOUT_JUMP:
            message = (
                f"extraction failed on {ratio:.0%} of article pages (usually {baseline:.0%}): "
                "the page layout may have changed"
            )
            return [Finding(Cause.LAYOUT_CHANGED, FAILING, message)]
    elif ratio >= LAYOUT_NO_HISTORY:
        message = f"extraction failed on {ratio:.0%} of article pages: check the site's layout"
        return [Finding(Cause.LAYOUT_CHANGED, WARNING, message)]
    return []


def _top(counts: Mapping[str, int], limit: int = 3) -> str:
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return ", ".join(f"{name} ×{count}" for name, count in ranked)
