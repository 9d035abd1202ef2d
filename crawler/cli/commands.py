"""Commands that read the registry or the archive, or extract saved pages: no crawling."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from crawler.cli.tables import render
from crawler.extraction import article_to_dict, extract
from crawler.extraction.model import Article
from crawler.sites import extra_files_from_env, load_registry
from storage.engine import create_archive_engine, database_url_from_env
from storage.schema import backfill_dedup_index, current_revisions, head_revisions, upgrade


def archive_engine(args: argparse.Namespace) -> Engine:
    engine = create_archive_engine(args.database or database_url_from_env())
    upgrade(engine)
    return engine


@contextmanager
def reading(args: argparse.Namespace) -> Iterator[Session]:
    engine = archive_engine(args)
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


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
