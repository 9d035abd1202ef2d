"""A crawl run as the pages and the API show it: every count of the crawl summary (`canlian crawl`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from storage.models import CrawlRun
from storage.runs import find_runs
from web.params import RUNS_PAGE_SIZE, RunsRequest

# (field, label): the summary `canlian crawl` prints, in its order, then what the scheduler adds.
COUNTS = (
    ("responses", "响应"),
    ("pages", "文章页"),
    ("known_skipped", "已知跳过"),
    ("new", "新增"),
    ("updated", "更新"),
    ("unchanged", "未变"),
    ("duplicate", "重复"),
    ("not_relevant", "无关"),
    ("no_article", "无正文"),
    ("errors", "错误"),
    ("blocked", "被拦截"),
)
# Counts kept only in the run's stats (Scrapy's own keys and the incremental filter's).
_FROM_STATS = {"responses": "downloader/response_count", "known_skipped": "incremental/skipped_known"}
_COLUMNS = {
    "pages": "pages_fetched",
    "new": "articles_new",
    "updated": "articles_updated",
    "unchanged": "articles_unchanged",
    "duplicate": "articles_duplicate",
    "not_relevant": "not_relevant",
    "no_article": "no_article",
    "errors": "errors",
    "blocked": "blocked",
}


def run_counts(run: CrawlRun) -> dict[str, int]:
    stats = run.stats or {}
    counts = {name: int(stats.get(key, 0) or 0) for name, key in _FROM_STATS.items()}
    counts.update((name, int(getattr(run, column) or 0)) for name, column in _COLUMNS.items())
    return {name: counts[name] for name, _label in COUNTS}


def run_record(run: CrawlRun) -> dict[str, Any]:
    """The API's fields of a run (times ISO 8601 in UTC, as the archive stores them)."""

    def iso(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "id": run.id,
        "site": run.site_key,
        "trigger": run.trigger,
        "status": run.status,
        "started_at": iso(run.started_at),
        "finished_at": iso(run.finished_at),
        "scheduled_for": iso(run.scheduled_for),
        "finish_reason": run.finish_reason,
        **run_counts(run),
        "errors_by_kind": dict(run.errors_by_kind or {}),
        "exit_code": run.exit_code,
        "note": run.note,
    }


def run_page(session: Session, query: RunsRequest) -> tuple[list[CrawlRun], bool]:
    """The query's page of runs, and whether another page follows."""
    offset = (query.page - 1) * RUNS_PAGE_SIZE
    runs = find_runs(
        session, site_key=query.site, status=query.status, limit=RUNS_PAGE_SIZE + 1, offset=offset
    )
    return runs[:RUNS_PAGE_SIZE], len(runs) > RUNS_PAGE_SIZE
