"""Commands that read the registry or the archive, or extract saved pages: no crawling."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, time
from functools import partial
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from crawler.cli.crawling_args import iso_date
from crawler.cli.tables import render
from crawler.extraction import EXTRACTOR_VERSION, article_to_dict, extract
from crawler.extraction.dates import SHANGHAI
from crawler.extraction.model import Article
from crawler.sites import extra_files_from_env, load_registry
from storage.engine import create_archive_engine, database_url_from_env
from storage.reextract import ReextractSummary, article_ids, reextract_articles
from storage.runs import close_dead_runs
from storage.schema import backfill_dedup_index, current_revisions, head_revisions, upgrade
from storage.transactions import write_transaction


def archive_engine(args: argparse.Namespace) -> Engine:
    engine = create_archive_engine(args.database or database_url_from_env())
    upgrade(engine)
    return engine


@contextmanager
def reading(args: argparse.Namespace, notice_dead_runs: bool = False) -> Iterator[Session]:
    """A session on the archive; `notice_dead_runs` first closes runs whose process is gone, so what the
    command shows about runs is the truth."""
    engine = archive_engine(args)
    try:
        if notice_dead_runs:
            close_dead(engine)
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


def close_dead(engine: Engine) -> None:
    """Close the runs whose crawl process is gone (killed, or lost with its host) and say so on stderr."""

    def work(session: Session) -> list[str]:
        return [f"run {r.id} of {r.site_key}: {r.status} ({r.note})" for r in close_dead_runs(session, now)]

    now = datetime.now(UTC)
    for line in write_transaction(engine, work):
        print(f"canlian: closed {line}", file=sys.stderr)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sites_parser = commands.add_parser("sites", help="list the site registry")
    sites_parser.add_argument("--json", action="store_true")
    sites_parser.set_defaults(handler=sites)

    extract = commands.add_parser("extract", help="extract article fields from saved HTML files")
    extract.add_argument("paths", nargs="+", metavar="PATH")
    extract.add_argument("--url", help="the page's URL (default: file:// URL of the path)")
    extract.add_argument("--header", action="append", default=[], metavar="'Name: value'")
    extract.add_argument("--json", action="store_true", help="JSON output (the default; kept for scripts)")
    extract.set_defaults(handler=extract_pages)

    again = commands.add_parser(
        "reextract", help="re-run the current extractor over the archived raw pages (offline)"
    )
    again.add_argument("--site", metavar="KEY")
    again.add_argument("--since", metavar="DATE", type=iso_date, help="articles published on or after DATE")
    again.set_defaults(handler=reextract)

    db_parser = commands.add_parser("db", help="archive schema")
    db_parser.add_argument("action", choices=["upgrade", "current"])
    db_parser.set_defaults(handler=db)


def sites(args: argparse.Namespace) -> int:
    registry = load_registry([*extra_files_from_env(), *args.sites])
    if args.json:
        for site in registry:
            record = {
                "key": site.key,
                "name": site.name,
                "level": site.level,
                "province": site.province,
                "city": site.city,
                "county": site.county,
                "list_strategy": site.list_strategy,
                "start_urls": list(site.start_urls),
                "federation": site.federation,
                "verified": site.verified,
                "enabled": site.enabled,
                "source_file": site.source_file,
            }
            print(json.dumps(record, ensure_ascii=False))
        return 0
    rows = [
        (
            s.key,
            s.level,
            "/".join(p for p in (s.province, s.city, s.county) if p),
            s.list_strategy,
            "yes" if s.verified else "no",
            "yes" if s.enabled else "no",
            s.name,
        )
        for s in registry
    ]
    print(render(["key", "level", "region", "lists", "verified", "enabled", "name"], rows))
    return 0


def extract_pages(args: argparse.Namespace) -> int:
    headers = dict(_header(h) for h in args.header)
    failed = False
    several = len(args.paths) > 1
    for path in args.paths:
        record, ok = _extract_file(Path(path), args.url, headers)
        failed |= not ok
        if several:
            record = {"path": path, **record}
        print(json.dumps(record, ensure_ascii=False, indent=None if several else 2))
    return 1 if failed else 0


def _extract_file(path: Path, url: str | None, headers: dict[str, str]) -> tuple[dict[str, object], bool]:
    try:
        raw = path.read_bytes()
    except OSError as error:
        return {"error": f"cannot read {path}: {error.strerror}"}, False
    result = extract(raw, url or path.resolve().as_uri(), headers)
    if isinstance(result, Article):
        return article_to_dict(result), True
    return {"error": str(result.reason), "detail": result.detail}, False


def _header(text: str) -> tuple[str, str]:
    name, sep, value = text.partition(":")
    if not sep:
        print(f"canlian: ignoring header {text!r} (expected 'Name: value')", file=sys.stderr)
    return name.strip(), value.strip()


REEXTRACT_BATCH = 200


def reextract(args: argparse.Namespace) -> int:
    engine = archive_engine(args)
    since = datetime.combine(args.since, time(), SHANGHAI) if args.since else None
    with Session(engine) as session:
        ids = article_ids(session, args.site, since)
    summary = ReextractSummary()
    progress = Progress(len(ids), "re-extracting")
    try:
        for start in range(0, len(ids), REEXTRACT_BATCH):
            chunk = ids[start : start + REEXTRACT_BATCH]
            # A fresh summary per attempt: write_transaction may retry the chunk after a lock conflict.
            part = write_transaction(engine, partial(reextract_chunk, ids=chunk))
            summary.merge(part)
            progress.advance(len(chunk))
    finally:
        progress.close()
        engine.dispose()
    print(
        f"{summary.seen} articles re-extracted with {EXTRACTOR_VERSION}: {summary.changed} changed, "
        f"{summary.unchanged} unchanged"
    )
    for name, count in summary.fields.most_common():
        print(f"  {name}: {count} changed")
    for reason, count in summary.no_article.most_common():
        print(f"  no article any more ({reason}): {count}, kept as archived")
    return 0


def reextract_chunk(session: Session, ids: list[int]) -> ReextractSummary:
    part = ReextractSummary()
    for _ in reextract_articles(session, ids, extract, part):
        pass
    return part


class Progress:
    """A one-line progress bar on stderr when it is a terminal; silent otherwise."""

    def __init__(self, total: int, label: str) -> None:
        self.total, self.label, self.done = total, label, 0
        self.active = sys.stderr.isatty() and total > 0

    def advance(self, count: int) -> None:
        self.done += count
        if self.active:
            filled = 30 * self.done // self.total
            bar = "#" * filled + "." * (30 - filled)
            print(f"\r{self.label} [{bar}] {self.done}/{self.total}", end="", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.active:
            print(file=sys.stderr)


def db(args: argparse.Namespace) -> int:
    engine = create_archive_engine(args.database or database_url_from_env())
    try:
        if args.action == "upgrade":
            before = ", ".join(current_revisions(engine)) or "empty"
            upgrade(engine)
            banded = backfill_dedup_index(engine)
            print(f"archive schema: {before} -> {', '.join(current_revisions(engine))}")
            if banded:
                print(f"near-duplicate index: {banded} earlier copies indexed")
        else:
            current = ", ".join(current_revisions(engine)) or "empty"
            print(f"archive schema: {current} (latest: {', '.join(head_revisions())})")
    finally:
        engine.dispose()
    return 0
