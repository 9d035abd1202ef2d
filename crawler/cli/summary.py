"""What `canlian crawl` and `canlian demo` print when the crawl is over: a table per site, then a line for
everything a user must know that is not a plain count (refusals by kind, challenges, traps, start URLs that
could not be fetched, pages left for the next crawl, an archive that stopped taking writes)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from crawler.cli.tables import render
from crawler.pipelines.archive import UNAVAILABLE_STAT
from crawler.refusals import REFUSAL_KINDS
from crawler.runner import CrawlResult
from storage.queries import SiteTotals

REFUSED = "refused/*"
COLUMNS = [
    ("responses", "downloader/response_count"),
    ("article pages", "archive/pages"),
    ("known, skipped", "incremental/skipped_known"),
    ("new", "archive/new"),
    ("updated", "archive/updated"),
    ("unchanged", "archive/unchanged"),
    ("duplicate", "archive/duplicate"),
    ("not relevant", "archive/not_relevant"),
    ("no article", "archive/no_article"),
    ("blocked", "blocked/total"),
    ("refused", REFUSED),
    ("traps", "listing/stopped_no_new"),
    ("errors", "errors/total"),
]
_REASONS = {
    "site_busy": "another crawl of the site is running (see canlian runs)",
    "blocked": "the site answered with anti-bot challenges (see 'blocked' above); not retried",
}


def count(stats: Mapping[str, Any], key: str) -> int:
    if key == REFUSED:
        return sum(int(v) for k, v in stats.items() if k.startswith("refused/"))
    return int(stats.get(key, 0))


def table(results: Sequence[CrawlResult]) -> str:
    rows = [[r.site_key, *(count(r.stats, key) for _, key in COLUMNS)] for r in results]
    return render(["site", *(name for name, _ in COLUMNS)], rows)


def notes(result: CrawlResult) -> list[str]:
    """The lines to print under the table for one site."""
    stats, site = result.stats, result.site_key
    lines = []
    if not result.ok:
        why = stats.get(UNAVAILABLE_STAT) or _REASONS.get(result.finish_reason, "")
        lines.append(f"! {site}: crawl ended with {result.finish_reason!r}" + (f": {why}" if why else ""))
    if starts := count(stats, "listing/start_failed"):
        lines.append(f"! {site}: {starts} start URL(s) could not be fetched (see the log): no list was read")
    if blocked := {k.split("/", 1)[1]: int(v) for k, v in stats.items() if k.startswith("blocked/")}:
        total = blocked.pop("total", sum(blocked.values()))
        kinds = ", ".join(f"{_challenge(k)} ×{n}" for k, n in sorted(blocked.items()))
        lines.append(f"  {site}: {total} anti-bot answer(s), not archived, not retried: {kinds}")
    for kind, description in REFUSAL_KINDS.items():
        if refused := count(stats, f"refused/{kind}"):
            lines.append(f"  {site}: {refused} request(s) refused: {description}")
    if traps := count(stats, "listing/stopped_no_new"):
        lines.append(f"  {site}: paging stopped {traps} time(s): list pages that brought no new article")
    if pending := count(stats, "frontier/pending_left"):
        lines.append(f"  {site}: {pending} article page(s) left for the next crawl (failed or not reached)")
    if abandoned := count(stats, "frontier/abandoned"):
        lines.append(f"  {site}: {abandoned} article page(s) given up after repeated failures")
    return lines


def footer(results: Sequence[CrawlResult], totals: Sequence[SiteTotals]) -> str:
    new = sum(count(r.stats, "archive/new") for r in results)
    copies = sum(count(r.stats, "archive/duplicate") for r in results)
    held, sites = sum(t.articles for t in totals), len(totals)
    holds = f"the archive holds {held} article{'s' * (held != 1)} from {sites} site{'s' * (sites != 1)}"
    if new == copies == 0:
        if all(r.ok for r in results):
            return f"No new articles: the archive already held everything the lists show ({holds})."
        return f"No new articles this run; {holds}."
    also = f" and {copies} new cop{'ies' if copies != 1 else 'y'} of archived stories" if copies else ""
    return f"{new} new article{'s' * (new != 1)}{also} this run; {holds}."


def _challenge(kind: str) -> str:
    return "captcha page" if kind == "captcha" else f"HTTP {kind}"
