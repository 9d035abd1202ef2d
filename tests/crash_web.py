"""The sample web the crash-safety tests crawl, and the archive an uninterrupted crawl of it makes.

Registered as a pytest plugin (tests/conftest.py); module-scoped, so each test module shares one server and
one reference crawl.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from faults import ArchivePicture, CrawlProcess, picture

from sampleweb import SampleWeb, site_definitions, start, write_sites_toml
from sampleweb.server import RunningSampleWeb

ARTICLES = 60  # per site: several list pages on every strategy
KEYS = [site.key for site in SampleWeb(seed=13, articles_per_site=1).sites]
CrashWeb = tuple[RunningSampleWeb, SampleWeb, Path]


@pytest.fixture(scope="module")
def crash_web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CrashWeb]:
    sample = SampleWeb(seed=13, articles_per_site=ARTICLES)
    with start(sample) as running:
        sites_file = tmp_path_factory.mktemp("crash-web") / "sites.toml"
        write_sites_toml(site_definitions(running.base_urls, ARTICLES), sites_file)
        yield running, sample, sites_file


@pytest.fixture(scope="module")
def crash_reference(crash_web: CrashWeb, tmp_path_factory: pytest.TempPathFactory) -> ArchivePicture:
    """The whole sample web crawled once, without interruption."""
    _, sample, sites_file = crash_web
    sample.publish(ARTICLES)
    folder = tmp_path_factory.mktemp("reference")
    url = f"sqlite:///{folder / 'reference.db'}"
    crawl = CrawlProcess(url, sites_file, KEYS, folder / "crawl.log")
    assert crawl.wait() == 0, crawl.text()
    return picture(url)
