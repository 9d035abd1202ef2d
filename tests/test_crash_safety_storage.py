"""Storage faults: a full disk, a read-only archive, a locked archive at shutdown, a flaky server, and
several processes started together on a new archive. After each, the archive is consistent and a rerun
archives exactly what an uninterrupted crawl does."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from crash_web import ARTICLES, KEYS, CrashWeb
from faults import REPO, ArchivePicture, CrawlProcess, check_consistent, picture, wait_for
from mounts import read_only, resize, tmpfs
from postgres import PostgresServer, find_pg_bin
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.engine import create_archive_engine
from storage.models import CrawlRun, Page
from storage.schema import upgrade

pytestmark = pytest.mark.e2e


def canlian(database_url: str, *args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "crawler.cli", "--database", database_url, *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)


def finish_and_compare(url: str, sites_file: Path, log: Path, reference: ArchivePicture) -> None:
    final = CrawlProcess(url, sites_file, KEYS, log)
    assert final.wait() == 0, final.text()
    assert picture(url).differences(reference) == {}
    check_consistent(url)


def served(running, more: int):  # type: ignore[no-untyped-def]
    start = running.counters.total("article")
    return lambda: running.counters.total("article") - start >= more


def test_a_full_disk_stops_the_crawl_with_one_clear_line_and_a_rerun_completes_it(
    crash_web: CrashWeb, crash_reference: ArchivePicture, tmp_path: Path
) -> None:
    _, sample, sites_file = crash_web
    sample.publish(ARTICLES)
    with tmpfs(tmp_path / "disk", 1400) as disk:  # about 40% of what the whole crawl needs
        url = f"sqlite:///{disk / 'archive.db'}"
        crawl = CrawlProcess(url, sites_file, KEYS, tmp_path / "full.log")
        code = crawl.wait(240)  # bounds a hang: a crawl retrying a full disk ran for minutes
        output = crawl.text()
        assert code != 0, output
        assert "disk full" in output, output
        assert "write conflict" not in output, "a full disk is not retried as a lock conflict"
        assert "Traceback" not in crawl.output.read_text(), "one line, no traceback"
        check_consistent_after_close(url)
        resize(disk, 65536)  # space freed
        finish_and_compare(url, sites_file, tmp_path / "after.log", crash_reference)


def check_consistent_after_close(url: str) -> None:
    """What the failed crawl left is intact (the next command closes its run, if it could not)."""
    engine = create_archive_engine(url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    engine.dispose()


def test_a_read_only_archive_is_refused_with_one_line_and_still_searchable(
    crash_web: CrashWeb, tmp_path: Path
) -> None:
    _, _, sites_file = crash_web
    folder = tmp_path / "archive"
    folder.mkdir()
    url = f"sqlite:///{folder / 'archive.db'}"
    first = CrawlProcess(url, sites_file, ["sample-cdpf"], tmp_path / "first.log")
    assert first.wait() == 0, first.text()
    with read_only(folder):
        crawl = canlian(url, "--sites", str(sites_file), "crawl", "sample-cdpf")
        out, err = crawl.communicate(timeout=120)
        assert crawl.returncode == 2, out + err
        assert "read-only" in err and len(err.strip().splitlines()) == 1, err
        search = canlian(url, "search", "残联")
        out, err = search.communicate(timeout=120)
        assert search.returncode == 0, err
        assert out.strip(), "a read-only archive can still be searched"


def test_a_read_only_postgresql_archive_is_refused_with_one_line(
    crash_web: CrashWeb, postgres_url: str, tmp_path: Path
) -> None:
    import psycopg

    _, _, sites_file = crash_web
    engine = create_archive_engine(postgres_url)
    upgrade(engine)
    engine.dispose()
    database = postgres_url.rsplit("/", 1)[1]
    admin = postgres_url.rsplit("/", 1)[0].replace("postgresql+psycopg", "postgresql") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'ALTER DATABASE "{database}" SET default_transaction_read_only = on')
    crawl = canlian(postgres_url, "--sites", str(sites_file), "crawl", "sample-cdpf")
    out, err = crawl.communicate(timeout=120)
    assert crawl.returncode == 2, out + err
    assert "read-only" in err and len(err.strip().splitlines()) == 1, err


def test_sigterm_stops_a_crawl_promptly_while_another_process_holds_the_archive(
    crash_web: CrashWeb, crash_reference: ArchivePicture, tmp_path: Path
) -> None:
    running, sample, sites_file = crash_web
    sample.publish(ARTICLES)
    path = tmp_path / "archive.db"
    url = f"sqlite:///{path}"
    crawl = CrawlProcess(url, sites_file, KEYS, tmp_path / "locked.log")
    wait_for(served(running, 10), 120, "the crawl to start archiving", crawl)
    blocker = sqlite3.connect(path, timeout=60, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the archive: the crawl's writes wait
    try:
        wait_for(served(running, 40), 120, "pages to pile up behind the lock", crawl)
        crawl.kill(signal.SIGTERM)
        crawl.wait(60)  # bounds a hang: five 30 s busy waits were the old behaviour
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    finish_and_compare(url, sites_file, tmp_path / "after.log", crash_reference)


def test_an_article_a_flaky_server_refused_is_fetched_by_the_next_crawl(
    database_url: str, crash_web: CrashWeb, tmp_path: Path
) -> None:
    _, sample, sites_file = crash_web
    sample.publish(ARTICLES)
    index = ARTICLES - 3  # on the first list page
    sample.fail_next("sample-cdpf", index, 3)  # the request and both retries
    first = CrawlProcess(database_url, sites_file, ["sample-cdpf"], tmp_path / "1.log")
    assert first.wait() == 0, first.text()
    path = sample.entry("sample-cdpf", index).path
    assert not archived(database_url, path)
    second = CrawlProcess(database_url, sites_file, ["sample-cdpf"], tmp_path / "2.log")
    assert second.wait() == 0, second.text()
    assert archived(database_url, path), "the frontier kept the refused article for the next crawl"
    assert "'frontier/resumed': 1" in second.log.read_text()


def archived(database_url: str, path: str) -> bool:
    engine = create_archive_engine(database_url)
    with Session(engine) as session:
        found = session.scalar(select(func.count()).select_from(Page).where(Page.url_key.endswith(path)))
    engine.dispose()
    return bool(found)


def test_crawls_and_readers_started_together_on_a_new_archive(
    database_url: str, crash_web: CrashWeb, crash_reference: ArchivePicture, tmp_path: Path
) -> None:
    _, sample, sites_file = crash_web
    sample.publish(ARTICLES)
    crawls = [
        CrawlProcess(database_url, sites_file, ["sample-county", "sample-portal"], tmp_path / "a.log"),
        CrawlProcess(database_url, sites_file, ["sample-county"], tmp_path / "b.log"),  # the same site
        CrawlProcess(database_url, sites_file, ["sample-cdpf"], tmp_path / "c.log"),
    ]
    readers = [canlian(database_url, "search", "残联"), canlian(database_url, "runs")]
    for reader in readers:
        _, err = reader.communicate(timeout=180)
        assert reader.returncode == 0, err
        assert "Traceback" not in err, err
    codes = [crawl.wait() for crawl in crawls]
    for crawl in crawls:
        assert "Traceback" not in crawl.output.read_text(), crawl.text()
    busy = [c for c, code in zip(crawls, codes, strict=True) if code != 0]
    assert len(busy) <= 1, [c.text() for c in busy]
    for crawl in busy:
        assert "site_busy" in crawl.output.read_text(), crawl.text()
    engine = create_archive_engine(database_url)
    with Session(engine) as session:
        county = session.scalars(select(CrawlRun.status).where(CrawlRun.site_key == "sample-county")).all()
    engine.dispose()
    assert sorted(county) in (["finished", "finished"], ["finished", "skipped"]), county
    finish_and_compare(database_url, sites_file, tmp_path / "final.log", crash_reference)


@pytest.mark.postgres
def test_a_full_postgresql_disk_stops_the_crawl_and_a_rerun_completes_it(
    crash_web: CrashWeb, crash_reference: ArchivePicture, tmp_path: Path
) -> None:
    """A server of its own whose data directory sits on a small disk (its WAL elsewhere: PostgreSQL
    stops altogether when it cannot write WAL, which is not the case under test)."""
    _, sample, sites_file = crash_web
    sample.publish(ARTICLES)
    bin_dir = find_pg_bin()
    if bin_dir is None:
        pytest.skip("no PostgreSQL server binaries")
    holder = Path(tempfile.mkdtemp(prefix="canlian-pgdisk-"))  # the server's user must reach it
    shutil.chown(holder, "postgres")
    with tmpfs(holder / "disk", 96 * 1024) as disk:
        server = PostgresServer(bin_dir, data=disk / "data", wal=holder / "wal")
        server.start()
        try:
            url = server.url()
            engine = create_archive_engine(url)
            upgrade(engine)
            engine.dispose()
            filler = disk / "filler"
            fill_leaving(filler, disk, 1536 * 1024)  # about a third of what the crawl needs
            crawl = CrawlProcess(url, sites_file, KEYS, tmp_path / "full.log")
            code = crawl.wait(240)
            output = crawl.text()
            assert code != 0, output
            assert "disk full" in output, output
            assert "Traceback" not in crawl.output.read_text(), "one line, no traceback"
            filler.unlink()  # space freed
            finish_and_compare(url, sites_file, tmp_path / "after.log", crash_reference)
        finally:
            server.stop()
    shutil.rmtree(holder, ignore_errors=True)


def fill_leaving(filler: Path, disk: Path, free_bytes: int) -> None:
    stats = os.statvfs(disk)
    size = stats.f_bavail * stats.f_frsize - free_bytes
    with open(filler, "wb") as handle:
        handle.truncate(0)
        chunk = b"\0" * (1 << 20)
        while size > 0:
            handle.write(chunk[: min(size, len(chunk))])
            size -= len(chunk)
