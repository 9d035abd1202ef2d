"""Fault injection for the crash-safety tests: crawls as killable processes, small disks, and a comparable
picture of an archive (what an uninterrupted crawl must equal)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from crawling import FAST
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from storage.engine import create_archive_engine
from storage.models import Article, ArticleVersion, CrawlRun, Fetch, Page

REPO = Path(__file__).resolve().parents[1]


class CrawlProcess:
    """`canlian crawl` in its own process group, as a terminal or a service manager would start it."""

    def __init__(
        self, database_url: str, sites_file: Path, keys: list[str], log: Path, *settings: str
    ) -> None:
        command = [
            sys.executable,
            "-m",
            "crawler.cli",
            "--database",
            database_url,
            "--sites",
            str(sites_file),
        ]
        command += ["crawl", *keys]
        for setting in [*FAST, f"LOG_FILE={log}", *settings]:
            command += ["-s", setting]
        self.log = log
        self.output = log.with_suffix(".out")
        with open(self.output, "wb") as out:
            self.process = subprocess.Popen(
                command, stdout=out, stderr=subprocess.STDOUT, cwd=REPO, start_new_session=True
            )

    def kill(self, signum: int = signal.SIGKILL) -> None:
        """SIGKILL the whole group (the crawl and its extraction workers), like an OOM kill or a power cut;
        SIGTERM only the crawl, like `kill PID` or a service stop."""
        try:
            if signum == signal.SIGKILL:
                os.killpg(self.process.pid, signal.SIGKILL)
            else:
                self.process.send_signal(signum)
        except ProcessLookupError:
            pass

    def wait(self, timeout: float = 300) -> int:
        code = self.process.wait(timeout)
        if code == -signal.SIGKILL:  # workers left alone by a SIGTERM'd parent must not outlive the test
            with suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
        return code

    def text(self) -> str:
        parts = [self.output.read_text(errors="replace")]
        if self.log.exists():
            parts.append(self.log.read_text(errors="replace")[-6000:])
        return "\n".join(parts)


def wait_for(
    condition: Callable[[], Any], timeout: float, what: str, process: CrawlProcess | None = None
) -> Any:
    """Poll `condition` until it holds; the deadline only bounds a hang."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if process is not None and process.process.poll() is not None:
            return condition()
        time.sleep(0.05)
    pytest.fail(
        f"timed out after {timeout} s waiting for {what}" + (f"\n{process.text()}" if process else "")
    )


@dataclass(frozen=True)
class ArchivePicture:
    """What two archives of the same web must share, whatever happened while they were built."""

    pages: frozenset[str]
    articles: frozenset[tuple[str, str, str, str, str]]  # url, title, body hash, published, source
    versions: frozenset[tuple[str, tuple[str, ...]]]  # url, its distinct body hashes in order
    stories: frozenset[frozenset[str]]  # each story as the set of its copies' URLs

    def differences(self, other: ArchivePicture) -> dict[str, int]:
        return {
            name: len(getattr(self, name) ^ getattr(other, name))
            for name in ("pages", "articles", "versions", "stories")
            if getattr(self, name) != getattr(other, name)
        }


def picture(database_url: str) -> ArchivePicture:
    engine = create_archive_engine(database_url)
    try:
        with Session(engine) as session:
            pages = frozenset(session.scalars(select(Page.url_key)))
            articles = session.execute(
                select(
                    Article.id, Article.url, Article.title, Article.body_hash, Article.published_at
                ).add_columns(Article.source, Article.story_id)
            ).all()
            hashes: dict[int, list[str]] = {}
            for article_id, body_hash in session.execute(
                select(ArticleVersion.article_id, ArticleVersion.body_hash).order_by(ArticleVersion.id)
            ):
                hashes.setdefault(article_id, []).append(body_hash)
    finally:
        engine.dispose()
    stories: dict[int | None, set[str]] = {}
    for row in articles:
        stories.setdefault(row.story_id, set()).add(row.url)
    return ArchivePicture(
        pages=pages,
        articles=frozenset(
            (
                r.url,
                r.title,
                r.body_hash,
                r.published_at.isoformat() if r.published_at else "",
                r.source or "",
            )
            for r in articles
        ),
        versions=frozenset((r.url, tuple(dict.fromkeys(hashes.get(r.id, [])))) for r in articles),
        stories=frozenset(frozenset(urls) for urls in stories.values()),
    )


def check_consistent(database_url: str) -> None:
    """Integrity on SQLite, no run left open, every fetch belongs to a run whose page count says so (killed
    runs included), and no site crawled by two runs at once (the spans of a site's runs' fetches do not
    overlap)."""
    engine = create_archive_engine(database_url)
    try:
        if engine.dialect.name == "sqlite":
            with engine.connect() as connection:
                assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        with Session(engine) as session:
            runs = session.scalars(select(CrawlRun).order_by(CrawlRun.id)).all()
            assert [r.id for r in runs if r.status == "running"] == [], "no run left running"
            spans, fetches = _fetch_spans(session)
            assert {r.id: r.pages_fetched for r in runs} == {r.id: fetches.get(r.id, 0) for r in runs}
            by_site: dict[str, list[tuple[Any, Any]]] = {}
            for run in runs:
                if run.id in spans:
                    by_site.setdefault(run.site_key, []).append(spans[run.id])
            for site, intervals in by_site.items():
                intervals.sort()
                for (_, end), (start, _) in pairwise(intervals):
                    assert end <= start, f"two runs of {site} fetched at the same time"
    finally:
        engine.dispose()


def _fetch_spans(session: Session) -> tuple[dict[int, tuple[Any, Any]], dict[int, int]]:
    spans: dict[int, tuple[Any, Any]] = {}
    counts: dict[int, int] = {}
    for run_id, fetched_at in session.execute(select(Fetch.run_id, Fetch.fetched_at)):
        assert run_id is not None, "every fetch belongs to a run"
        first, last = spans.get(run_id, (fetched_at, fetched_at))
        spans[run_id] = (min(first, fetched_at), max(last, fetched_at))
        counts[run_id] = counts.get(run_id, 0) + 1
    return spans, counts
