"""The `canlian` command line: a pure parser (no side effects), so tests can check it directly."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

DEMO_PORT_BASE = 18700


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="canlian", description="Watch and archive reports about China's disability federations (残联)."
    )
    parser.add_argument(
        "--database",
        metavar="URL",
        help="SQLAlchemy URL (default: $CANLIAN_DATABASE_URL or SQLite at data/archive.db)",
    )
    parser.add_argument(
        "--sites",
        metavar="FILE",
        action="append",
        default=[],
        help="extra site registry TOML file (repeatable)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    crawl = commands.add_parser("crawl", help="crawl sites now, in this process")
    crawl.add_argument("site_keys", nargs="*", metavar="SITE")
    crawl.add_argument("--all", action="store_true", help="every enabled site in the registry")
    crawl.add_argument(
        "-s",
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a Scrapy setting (repeatable)",
    )
    crawl.add_argument("--trigger", default="manual", choices=["manual", "scheduled", "catch-up", "demo"])

    sites = commands.add_parser("sites", help="list the site registry")
    sites.add_argument("--json", action="store_true")

    search = commands.add_parser("search", help="search the archive")
    search.add_argument("query")
    search.add_argument("--site", metavar="KEY")
    search.add_argument("--limit", type=int, default=20)
    search.add_argument("--format", choices=["table", "json", "jsonl"], default="table")

    extract = commands.add_parser("extract", help="extract article fields from saved HTML files")
    extract.add_argument("paths", nargs="+", metavar="PATH")
    extract.add_argument("--url", help="the page's URL (default: file:// URL of the path)")
    extract.add_argument("--header", action="append", default=[], metavar="'Name: value'")
    extract.add_argument("--json", action="store_true", help="JSON output (the default; kept for scripts)")

    runs = commands.add_parser("runs", help="crawl history")
    runs.add_argument("--limit", type=int, default=30)
    runs.add_argument("--site", metavar="KEY")

    demo = commands.add_parser("demo", help="serve the bundled sample web on 127.0.0.1 and crawl it")
    demo.add_argument("--articles", type=int, default=40, help="articles per sample site")
    demo.add_argument("--seed", type=int, default=2026)
    demo.add_argument(
        "--port-base",
        type=int,
        default=DEMO_PORT_BASE,
        help="first of the sample sites' ports (fixed so that re-runs see the same URLs)",
    )

    db = commands.add_parser("db", help="archive schema")
    db.add_argument("action", choices=["upgrade", "current"])
    return parser


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    args = build_parser().parse_args(argv)
    if args.command == "crawl" and not args.all and not args.site_keys:
        build_parser().error("crawl: name at least one SITE or use --all")
    return args


def parse_overrides(pairs: Sequence[str]) -> dict[str, str]:
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise ValueError(f"setting override {pair!r} is not NAME=VALUE")
        overrides[name.strip()] = value
    return overrides
