"""What a crawl tells the user: every refusal class in the summary, `canlian runs` and the run record, and a
crawl whose start URL is refused says so, exits non-zero, and `canlian health` names it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from crawling import FAST
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.cli.summary import footer, notes, table
from crawler.runner import CrawlResult
from sampleweb import SampleWeb, site_definitions, start, write_sites_toml
from storage.engine import create_archive_engine
from storage.models import CrawlRun
from storage.queries import SiteTotals

REPO = Path(__file__).resolve().parents[1]


def result(**stats: int) -> CrawlResult:
    return CrawlResult("site-a", 1, "finished", {"archive/run_id": 1, **stats})


def test_the_table_has_a_column_for_blocked_refused_and_traps() -> None:
    stats = {"refused/soft_404": 2, "refused/too_large": 1, "blocked/total": 5, "blocked/412": 5}
    header, _, row = table([result(**stats, **{"listing/stopped_no_new": 1})]).splitlines()
    assert header.split() == [
        "site",
        "responses",
        "article",
        "pages",
        "known,",
        "skipped",
        "new",
        "updated",
        "unchanged",
        "duplicate",
        "not",
        "relevant",
        "no",
        "article",
        "blocked",
        "refused",
        "traps",
        "errors",
    ]
    assert row.split()[-4:] == ["5", "3", "1", "0"]


def test_each_refusal_class_gets_a_line() -> None:
    lines = "\n".join(
        notes(result(**{"refused/soft_404": 2, "refused/private_address": 1, "blocked/captcha": 3}))
    )
    assert "2 request(s) refused: a 'page not found' page served with HTTP 200" in lines
    assert "1 request(s) refused: to a private or loopback address" in lines
    assert "3 anti-bot answer(s), not archived, not retried: captcha page ×3" in lines


def test_the_footer_counts_new_articles_and_copies_apart_in_good_grammar() -> None:
    totals = [SiteTotals("site-a", "A", 30, 25, 30)]
    text = footer([result(**{"archive/new": 23, "archive/duplicate": 2})], totals)
    expected = "23 new articles and 2 new copies of archived stories this run; "
    assert text == expected + "the archive holds 25 articles from 1 site."
    assert footer([result()], totals).startswith("No new articles: the archive already held everything")


@pytest.mark.e2e
def test_a_refused_start_url_fails_the_crawl_and_the_site_health(tmp_path: Path) -> None:
    web = SampleWeb(seed=3, articles_per_site=5)
    database = f"sqlite:///{tmp_path / 'archive.db'}"
    with start(web) as running:
        [definition] = site_definitions({"sample-cdpf": running.base_urls["sample-cdpf"]})
        definition.pop("allow_private_network")  # a site on a loopback address, not declared as such
        sites = tmp_path / "sites.toml"
        write_sites_toml([definition], sites)
        crawl = canlian(database, sites, "crawl", "sample-cdpf", *(a for s in FAST for a in ("-s", s)))
        assert running.counters.total("list") == 0, "nothing was sent to the refused address"
    assert crawl.returncode == 1, crawl.stdout + crawl.stderr
    assert "start URL(s) could not be fetched" in crawl.stdout
    assert "request(s) refused: to a private or loopback address" in crawl.stdout
    assert "already held everything" not in crawl.stdout
    health = canlian(database, sites, "health")
    assert health.returncode == 1
    assert "start URL(s) could not be fetched (refused: private_address ×1)" in health.stdout
    engine = create_archive_engine(database)
    with Session(engine) as session:
        run = session.scalars(select(CrawlRun)).one()
        assert (run.refused, run.refused_by_kind) == (1, {"private_address": 1})
    engine.dispose()
    runs = canlian(database, sites, "runs")
    assert "refused" in runs.stdout.splitlines()[0]


def canlian(database: str, sites: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "crawler.cli", "--database", database, "--sites", str(sites), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, cwd=REPO, check=False)
