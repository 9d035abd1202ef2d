"""End to end: crawl the whole bundled sample web into a real database and compare with its ground truth.

The crawl runs as a child process (`python -m crawler.cli crawl ...`), as the scheduler runs it: the Twisted
reactor cannot be restarted inside the test process.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from crawling import crawl
from sqlalchemy import select
from sqlalchemy.orm import Session

from sampleweb import CHROME_MARKERS, RunningSampleWeb, SampleWeb, site_definitions, start, write_sites_toml
from storage.engine import create_archive_engine
from storage.models import Article, CrawlRun, Fetch, Page

pytestmark = pytest.mark.e2e

FAST = [
    "DOWNLOAD_DELAY=0",
    "AUTOTHROTTLE_ENABLED=False",
    "CONCURRENT_REQUESTS_PER_DOMAIN=8",
    "LOG_LEVEL=INFO",
]


@pytest.fixture
def sample_web(tmp_path: Path) -> Iterator[tuple[SampleWeb, RunningSampleWeb, Path]]:
    web = SampleWeb(seed=2026, articles_per_site=30)
    with start(web) as running:
        sites_file = tmp_path / "sites.toml"
        write_sites_toml(site_definitions(running.base_urls), sites_file)
        yield web, running, sites_file


def test_whole_sample_web_is_archived_exactly_as_the_ground_truth_says(
    sample_web: tuple[SampleWeb, RunningSampleWeb, Path], database_url: str, tmp_path: Path
) -> None:
    web, running, sites_file = sample_web
    keys = [site.key for site in web.sites]
    first = crawl(database_url, sites_file, keys, tmp_path / "first.log")
    assert first.returncode == 0, first.stdout + first.stderr + (tmp_path / "first.log").read_text()

    base_to_site = {urlsplit(url).netloc: key for key, url in running.base_urls.items()}
    truth = {(r.site, r.path): r for r in web.truth() if r.kind == "article"}
    relevant = {key for key, record in truth.items() if record.relevant}

    engine = create_archive_engine(database_url)
    with Session(engine) as session:
        articles = session.scalars(select(Article)).all()
        archived = {}
        for article in articles:
            parts = urlsplit(article.url)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            archived[(base_to_site[parts.netloc], path)] = article
        assert len(archived) == len(articles), "one article per page"
        missing, unexpected = sorted(relevant - set(archived)), sorted(set(archived) - relevant)
        assert not missing, f"relevant pages not archived: {missing[:5]}"
        assert not unexpected, f"unrelated pages archived: {unexpected[:5]}"
        for key, article in archived.items():
            expected = truth[key]
            assert article.title == expected.title, key
            assert article.published_at == datetime.fromisoformat(expected.published_at), key
            leaks = [marker for marker in CHROME_MARKERS if marker in article.body]
            assert not leaks, f"{key}: chrome {leaks} in body"
        # Every article page fetched, relevant or not, is kept with its raw bytes.
        fetched_pages = session.scalar(select(Page.id).limit(1))
        assert fetched_pages is not None
        assert all(f.raw_sha256 for f in session.scalars(select(Fetch)))
        runs = session.scalars(select(CrawlRun)).all()
        assert {r.site_key for r in runs} == set(keys)
        assert all(r.finish_reason == "finished" and r.errors == 0 for r in runs)
        assert sum(r.articles_new + r.articles_duplicate for r in runs) == len(relevant)

    fetched_paths = [path for key in keys for path in running.counters.paths(key)]
    assert not [p for p in fetched_paths if p.startswith("/private/")], "robots.txt disallows /private/"
    assert any(p.startswith("/news/") for p in fetched_paths), "the city site's lists were crawled"

    second = crawl(database_url, sites_file, keys, tmp_path / "second.log")
    assert second.returncode == 0, second.stderr
    assert "No new articles" in second.stdout
    with Session(engine) as session:
        assert len(session.scalars(select(Article)).all()) == len(relevant), "a re-crawl adds no rows"
        latest = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(len(keys))).all()
        assert sum(r.articles_new for r in latest) == 0
        assert sum(r.pages_fetched for r in latest) == 0, "incremental: known article pages are not fetched"
        assert all(r.stats.get("incremental/known_pages", 0) > 0 for r in latest)
    engine.dispose()
