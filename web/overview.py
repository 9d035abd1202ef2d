"""What the sites and stats pages show, put together from the storage queries the CLI uses
(`canlian sites`, `canlian health`, `canlian stats`): no query of its own."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from crawler.health import Finding, SiteHealth
from crawler.healthcheck import assess_run
from crawler.sites import Registry, Site
from storage.models import CrawlRun, SiteRecord
from storage.queries import archive_totals
from storage.runs import latest_runs_by_site, recorded_sites
from storage.scheduling import health_records
from storage.stats import MonthCount, articles_per_month
from web.charts import monthly_series


@dataclass(frozen=True, slots=True)
class LastRun:
    id: int
    started_at: datetime
    status: str


@dataclass(frozen=True, slots=True)
class SiteRow:
    key: str
    name: str
    level: str
    region: str
    federation: bool
    in_registry: bool
    verified: bool | None  # None: the site is in the archive but not in this registry
    enabled: bool | None
    articles: int
    last_run: LastRun | None
    health: str | None  # ok | warning | failing; None before any run
    findings: tuple[Finding, ...]
    health_since: datetime | None
    months: tuple[tuple[str, int], ...] = field(default=())


@dataclass(frozen=True, slots=True)
class _ArchiveFacts:
    """What the archive says about every site, by key."""

    articles: dict[str, int]
    months: dict[str, list[tuple[str, int]]]
    latest: dict[str, CrawlRun]
    verdicts: dict[str, SiteHealth]
    since: dict[str, datetime]


def site_rows(session: Session, registry: Registry | None) -> list[SiteRow]:
    """The registry's sites and the archive's, each with its articles, last run and health."""
    listed = {site.key: site for site in registry} if registry is not None else {}
    recorded = {site.key: site for site in recorded_sites(session)}
    latest = {run.site_key: run for run in latest_runs_by_site(session)}
    facts = _ArchiveFacts(
        articles={totals.site: totals.articles for totals in archive_totals(session)},
        months=_months_by_site(articles_per_month(session)),
        latest=latest,
        verdicts={key: assess_run(session, run.id) for key, run in latest.items()},
        since={key: record.state_since for key, record in health_records(session).items()},
    )
    # The archive's sites first: a registry of dozens of sites never crawled here would bury them.
    keys = sorted(listed.keys() | recorded.keys(), key=lambda k: (k not in recorded, k))
    return [_site_row(key, listed.get(key), recorded.get(key), facts) for key in keys]


def _site_row(key: str, site: Site | None, record: SiteRecord | None, facts: _ArchiveFacts) -> SiteRow:
    source = site or record
    assert source is not None
    run, verdict = facts.latest.get(key), facts.verdicts.get(key)
    return SiteRow(
        key=key,
        name=source.name,
        level=source.level,
        region=_region(source.province, source.city, source.county),
        federation=source.federation,
        in_registry=site is not None,
        verified=site.verified if site else None,
        enabled=site.enabled if site else None,
        articles=facts.articles.get(key, 0),
        last_run=LastRun(run.id, run.started_at, run.status or "") if run else None,
        health=verdict.state if verdict else None,
        findings=verdict.findings if verdict else (),
        health_since=facts.since.get(key),
        months=tuple(facts.months.get(key, ())),
    )


def _region(*parts: str | None) -> str:
    return "/".join(p for p in parts if p)


def _months_by_site(counts: Iterable[MonthCount]) -> dict[str, list[tuple[str, int]]]:
    by_site: dict[str, Counter[str]] = defaultdict(Counter)
    for count in counts:
        by_site[count.site][count.month] += count.articles
    return {site: monthly_series(months) for site, months in by_site.items()}


@dataclass(frozen=True, slots=True)
class Total:
    name: str
    articles: int
    sites: int = 1


@dataclass(frozen=True, slots=True)
class StatsView:
    months: list[tuple[str, int]]  # the selection's articles per month, gaps filled
    undated: int
    by_region: list[Total]
    by_site: list[Total]
    rows: list[MonthCount]  # the selection, as `canlian stats` lists it


def stats_view(counts: list[MonthCount], site: str | None, region: str | None) -> StatsView:
    """Articles per month of one site, one region (any part of the site's place starting with it) or all."""
    chosen = [
        c
        for c in counts
        if (site is None or c.site == site)
        and (region is None or any(part.startswith(region) for part in c.region.split("/")))
    ]
    per_month: Counter[str] = Counter()
    regions: dict[str, Counter[str]] = defaultdict(Counter)
    sites: Counter[str] = Counter()
    for count in chosen:
        per_month[count.month] += count.articles
        regions[count.region or "全国"][count.site] += count.articles
        sites[count.site] += count.articles
    by_region = [Total(name, sum(s.values()), len(s)) for name, s in sorted(regions.items())]
    by_site = [Total(name, total) for name, total in sorted(sites.items())]
    return StatsView(monthly_series(per_month), per_month["undated"], by_region, by_site, chosen)
