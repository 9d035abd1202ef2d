"""`canlian crawl` and `canlian demo`: crawls in this process, then a summary for people."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from crawler.cli import summary
from crawler.cli.commands import archive_engine, close_dead
from crawler.cli.crawling_args import iso_date
from crawler.cli.parser import parse_overrides
from crawler.cli.tables import render
from crawler.runner import CrawlResult, project_settings, run_crawls
from crawler.sites import extra_files_from_env, load_registry
from storage.engine import data_dir, database_url_from_env
from storage.queries import archive_totals, search_articles
from storage.schema import probe_writable

DEMO_QUERY = "两项补贴"
DEMO_PORT_BASE = 18700
# The sample web is our own loopback server: no politeness delays needed there.
DEMO_SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "LOG_LEVEL": "WARNING",
}


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    crawl_parser = commands.add_parser("crawl", help="crawl sites now, in this process")
    crawl_parser.add_argument("site_keys", nargs="*", metavar="SITE")
    crawl_parser.add_argument("--all", action="store_true", help="every enabled site in the registry")
    crawl_parser.add_argument(
        "-s",
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a Scrapy setting (repeatable)",
    )
    crawl_parser.add_argument(
        "--trigger", default="manual", choices=["manual", "scheduled", "catch-up", "demo"]
    )
    crawl_parser.add_argument(
        "--since", metavar="DATE", type=iso_date, help="backfill no further back than this date (YYYY-MM-DD)"
    )
    crawl_parser.add_argument(
        "--full", action="store_true", help="fetch known articles again (turn incremental crawling off)"
    )
    crawl_parser.add_argument(
        "--dry-run",
        action="store_true",
        help="fetch list pages only; print the article URLs a crawl would fetch",
    )
    crawl_parser.set_defaults(handler=crawl)

    demo_parser = commands.add_parser("demo", help="serve the bundled sample web on 127.0.0.1 and crawl it")
    demo_parser.add_argument("--articles", type=int, default=40, help="articles per sample site")
    demo_parser.add_argument("--seed", type=int, default=2026)
    demo_parser.add_argument(
        "--port-base",
        type=int,
        default=DEMO_PORT_BASE,
        help="first of the sample sites' ports (fixed so that re-runs see the same URLs)",
    )
    demo_parser.set_defaults(handler=demo)


def crawl(args: argparse.Namespace) -> int:
    sites_files = [*extra_files_from_env(), *args.sites]
    registry = load_registry(sites_files)
    keys = [site.key for site in registry.enabled()] if args.all else list(args.site_keys)
    for key in keys:
        registry.get(key)  # unknown keys fail here, before any crawl starts
    overrides: dict[str, Any] = {
        "CANLIAN_SITES_FILES": sites_files,
        "CANLIAN_RUN_TRIGGER": args.trigger,
        **parse_overrides(args.overrides),
    }
    if args.database:
        overrides["CANLIAN_DATABASE_URL"] = args.database
    if args.since:
        overrides["CANLIAN_SINCE"] = args.since.isoformat()
    if args.full:
        overrides["CANLIAN_INCREMENTAL"] = False
    if args.dry_run:
        overrides.update({"CANLIAN_DRY_RUN": True, "ITEM_PIPELINES": {}, "LOG_LEVEL": "WARNING"})
    prepare_archive(args)
    results = run_crawls(keys, project_settings(overrides))
    if args.dry_run:
        total = sum(int(r.stats.get("dryrun/would_fetch", 0)) for r in results)
        print(f"dry run: {total} article page(s) would be fetched", file=sys.stderr)
        return 0
    print_summary(results, args)
    return 0 if all(r.ok for r in results) else 1


def prepare_archive(args: argparse.Namespace) -> None:
    """Before any crawl starts: the schema at the latest revision (one process at a time), runs of dead
    crawl processes closed; an archive that cannot be used fails here, with one line (exit 2)."""
    engine = archive_engine(args)
    try:
        probe_writable(engine)
        close_dead(engine)
    finally:
        engine.dispose()


def demo(args: argparse.Namespace) -> int:
    from sampleweb import SampleWeb, site_definitions, start, write_sites_toml  # needed only here

    web = SampleWeb(seed=args.seed, articles_per_site=args.articles)
    ports = {site.key: args.port_base + i for i, site in enumerate(web.sites)}
    database = args.database or database_url_from_env()
    sites_file = data_dir() / "sampleweb" / "sites.toml"
    sites_file.parent.mkdir(parents=True, exist_ok=True)
    with start(web, ports=ports) as running:
        write_sites_toml(site_definitions(running.base_urls, args.articles), sites_file)
        print(
            f"Sample web serving {len(ports)} sites on 127.0.0.1:{min(ports.values())}-{max(ports.values())}"
        )
        print(f"Archive: {database}\n")
        overrides = {
            **DEMO_SETTINGS,
            "CANLIAN_SITES_FILES": [str(sites_file)],
            "CANLIAN_RUN_TRIGGER": "demo",
            "CANLIAN_DATABASE_URL": database,
        }
        results = run_crawls(list(ports), project_settings(overrides))
    args.database = database
    print_summary(results, args)
    print_sample_search(args)
    print(
        f"\nBrowse the archive: .venv/bin/canlian --sites {sites_file} serve   (then open http://127.0.0.1:8000/)"
    )
    return 0 if all(r.ok for r in results) else 1


def print_summary(results: Sequence[CrawlResult], args: argparse.Namespace) -> None:
    print(summary.table(results))
    for result in results:
        for line in summary.notes(result):
            print(line)
    engine = archive_engine(args)
    with Session(engine) as session:
        totals = archive_totals(session)
    engine.dispose()
    print("\n" + summary.footer(results, totals))


def print_sample_search(args: argparse.Namespace) -> None:
    engine = archive_engine(args)
    with Session(engine) as session:
        hits = search_articles(session, DEMO_QUERY, limit=5)
    engine.dispose()
    print(f"\nSample search {DEMO_QUERY!r} (canlian search {DEMO_QUERY}):")
    rows = [(h.id, h.published_at.date() if h.published_at else "", h.site, h.title) for h in hits]
    print(render(["id", "date", "site", "title"], rows))
