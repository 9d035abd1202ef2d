"""An archive for the web tests: the sample web crawled into SQLite or PostgreSQL, plus what a crawl of it
cannot produce: hostile archived text, a second version of a copy, and a crawl history long enough to page.

Built once per backend per test process (the SQLite file once per test run, shared by the xdist workers
under a file lock); the app only reads it.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from crawling import crawl
from filelock import FileLock
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.extraction.model import Article as Extracted
from crawler.extraction.model import Attachment
from crawler.sites import load_registry
from sampleweb import SampleWeb, site_definitions, start, write_sites_toml
from storage.archive import Assessment, FetchedPage, record_fetch
from storage.engine import create_archive_engine
from storage.models import Article, Fetch, Page
from storage.runs import SiteInfo, close_run, finish_run, record_unrun, start_run, upsert_site
from storage.transactions import write_transaction
from web import create_app, open_archive

ARTICLES_PER_SITE = 12
HOSTILE_SITE = SiteInfo(
    "hostile-site", '恶意站点"><img src=x onerror=alert(1)>', "county", "浙江省", "嘉兴市", "秀洲区", False
)
HOSTILE_TITLE = '<script>alert("title")</script>残联发布"><img src=x onerror=alert(1)>'
HOSTILE_BODY = (
    "县残联今天发布通知。<script>alert('body')</script>\n"
    '请点击<a href="javascript:alert(1)">这里</a>办理两项补贴。"><img src=x onerror=alert(2)>\n'
    "共有120名残疾人受益。"
)
HOSTILE_RAW = (
    b'<html><head><meta charset="utf-8"><script>alert("raw")</script></head>'
    b"<body><p>\xe6\xae\x8b\xe8\x81\x94</p></body></html>"
)
EDIT = "更正：文中受益人数应为1860人。"
T_EXTRA = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
EXTRA_RUNS = 60  # more than a page of runs (50)
EXTRA_STATUSES = ("finished", "failed", "timed_out", "missed")


@dataclass(frozen=True)
class SampleArchive:
    url: str
    sites_file: str
    hostile_story: int
    hostile_fetch: int
    edited_story: int
    edited_article: int
    gbk_fetch: int  # a sample-county page: GBK bytes, charset only in its <meta>


def hostile_article(body: str = HOSTILE_BODY) -> Extracted:
    return Extracted(
        url="http://hostile.example/art/1.html",
        title=HOSTILE_TITLE,
        body=body,
        published_at=datetime(2026, 11, 3, 2, 30, tzinfo=UTC),
        source="<i>来源</i>嘉兴日报",
        editors=("<svg onload=alert(3)>",),
        attachments=(Attachment("<script>x</script>附件.pdf", "javascript:alert(4)", 2048),),
        extractor_version="test",
    )


def _add_hostile(session: Session) -> tuple[int, int]:
    upsert_site(session, HOSTILE_SITE, T_EXTRA)
    relevant = Assessment(relevant=True, score=0.9, terms=("残联",), reason="test")
    page = FetchedPage(
        HOSTILE_SITE.key,
        "http://hostile.example/art/1.html",
        "http://hostile.example/art/1.html",
        200,
        {"Content-Type": "text/html; charset=utf-8"},
        HOSTILE_RAW,
        T_EXTRA,
    )
    first = record_fetch(session, page, hostile_article(), relevant)
    session.flush()
    article = session.get_one(Article, first.article_id)
    assert article.story_id is not None
    return article.story_id, first.fetch_id


def _add_version(session: Session) -> tuple[int, int]:
    """A second version of a sample-cdpf copy: a figure corrected, a line appended (what an editor does)."""
    article = session.scalars(
        select(Article).where(Article.site_key == "sample-cdpf").order_by(Article.id).limit(1)
    ).one()
    fetch = session.get_one(Fetch, article.fetch_id)
    body = article.body.replace("1", "7", 1) + "\n" + EDIT
    extracted = Extracted(
        url=article.url,
        title=article.title,
        body=body,
        published_at=article.published_at,
        source=article.source,
        editors=tuple(article.editors),
        extractor_version=article.extractor_version,
    )
    page = FetchedPage(
        article.site_key,
        fetch.requested_url,
        fetch.final_url,
        200,
        dict(fetch.headers),
        b"<html>v2</html>",
        fetch.fetched_at + timedelta(days=1),
    )
    relevant = Assessment(relevant=True, score=article.relevance_score, terms=tuple(article.relevance_terms))
    record_fetch(session, page, extracted, relevant)
    session.flush()
    assert article.story_id is not None
    return article.story_id, article.id


def _add_runs(session: Session) -> None:
    for number in range(EXTRA_RUNS):
        at = T_EXTRA + timedelta(hours=number)
        status = EXTRA_STATUSES[number % len(EXTRA_STATUSES)]
        if status == "missed":
            record_unrun(session, "sample-portal", "missed", at, "machine was off", at)
            continue
        run = start_run(session, "sample-portal", "scheduled", at, scheduled_for=at)
        stats = {"archive/pages": number, "archive/new": 1, "downloader/response_count": number + 2}
        finish_run(session, run.id, "finished" if status == "finished" else "shutdown", stats, at)
        if status != "finished":
            close_run(session, run.id, status, 1, f"run {number} ended {status}", at)


def _gbk_fetch(session: Session) -> int:
    query = (
        select(Fetch.id)
        .join(Page, Page.id == Fetch.page_id)
        .where(Page.site_key == "sample-county", Fetch.raw_sha256.is_not(None), Fetch.status == 200)
        .order_by(Fetch.id)
        .limit(1)
    )
    return session.scalars(query).one()


def build(url: str, workdir: Path) -> SampleArchive:
    web = SampleWeb(seed=2026, articles_per_site=ARTICLES_PER_SITE)
    sites_file = workdir / "sites.toml"
    with start(web) as running:
        write_sites_toml(site_definitions(running.base_urls), sites_file)
        result = crawl(url, sites_file, [site.key for site in web.sites], workdir / "crawl.log")
    assert result.returncode == 0, result.stdout + result.stderr
    engine = create_archive_engine(url)
    try:
        hostile_story, hostile_fetch = write_transaction(engine, _add_hostile)
        edited_story, edited_article = write_transaction(engine, _add_version)
        write_transaction(engine, _add_runs)
        with Session(engine) as session:
            gbk = _gbk_fetch(session)
    finally:
        engine.dispose()
    return SampleArchive(
        url, str(sites_file), hostile_story, hostile_fetch, edited_story, edited_article, gbk
    )


_BUILT: dict[str, SampleArchive] = {}  # per test process: every test module shares the archive


def sqlite_archive(tmp_path_factory: pytest.TempPathFactory) -> SampleArchive:
    if "sqlite" not in _BUILT:
        shared = tmp_path_factory.getbasetemp()
        if os.environ.get("PYTEST_XDIST_WORKER"):  # each worker has its own base under the run's
            shared = shared.parent
        folder = shared / "web-archive"
        done = shared / "web-archive.json"
        with FileLock(str(shared / "web-archive.lock")):
            if not done.exists():
                folder.mkdir(exist_ok=True)
                archive = build(f"sqlite:///{folder / 'archive.db'}", folder)
                done.write_text(json.dumps(asdict(archive)))
        _BUILT["sqlite"] = SampleArchive(**json.loads(done.read_text()))
    return _BUILT["sqlite"]


def postgres_archive(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> SampleArchive:
    if "postgresql" not in _BUILT:
        import psycopg

        server = request.getfixturevalue("postgres_server")
        with psycopg.connect(server.url().replace("+psycopg", ""), autocommit=True) as connection:
            connection.execute('CREATE DATABASE "web_archive"')
        _BUILT["postgresql"] = build(server.url("web_archive"), tmp_path_factory.mktemp("web-pg"))
    return _BUILT["postgresql"]


def app_for(archive: SampleArchive):  # type: ignore[no-untyped-def]
    return create_app(open_archive(archive.url), load_registry([archive.sites_file]))
