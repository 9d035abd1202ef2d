"""The `canlian` command line: a pure parser (no side effects), so tests can check it directly.

Each command module adds its own subcommands through `register(commands)` and names its handler with
`set_defaults(handler=...)`; this module only assembles them.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from importlib import import_module

# Modules that contribute subcommands, in the order `canlian --help` lists them.
COMMAND_MODULES = (
    "crawler.cli.crawling",  # crawl, demo
    "crawler.cli.commands",  # sites, extract, db
    "crawler.cli.archive_commands",  # search, export, stats, runs
    "crawler.cli.story_commands",  # show
    "crawler.cli.figures_command",  # figures
    "crawler.cli.schedule_commands",  # schedule, health
    "crawler.cli.serve_command",  # serve
)


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
    for name in COMMAND_MODULES:
        import_module(name).register(commands)
    return parser


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "crawl" and not args.all and not args.site_keys:
        parser.error("crawl: name at least one SITE or use --all")
    return args


def parse_overrides(pairs: Sequence[str]) -> dict[str, str]:
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise ValueError(f"setting override {pair!r} is not NAME=VALUE")
        overrides[name.strip()] = value
    return overrides
