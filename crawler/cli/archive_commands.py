"""Commands that query the archive: search and crawl history."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from crawler.cli.commands import reading
from crawler.cli.tables import render
from storage.queries import search_articles
from storage.runs import recent_runs


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    search_parser = commands.add_parser("search", help="search the archive")
    search_parser.add_argument("query")
    search_parser.add_argument("--site", metavar="KEY")
    search_parser.add_argument("--limit", type=int, default=20)
    search_parser.add_argument("--format", choices=["table", "json", "jsonl"], default="table")
    search_parser.set_defaults(handler=search)

    runs_parser = commands.add_parser("runs", help="crawl history")
    runs_parser.add_argument("--limit", type=int, default=30)
    runs_parser.add_argument("--site", metavar="KEY")
    runs_parser.set_defaults(handler=runs)


def search(args: argparse.Namespace) -> int:
    with reading(args) as session:
        hits = search_articles(session, args.query, limit=args.limit, site=args.site)
    if args.format == "table":
        rows = [
            (h.id, h.published_at.date() if h.published_at else "", h.site, h.title, h.snippet) for h in hits
        ]
        print(render(["id", "date", "site", "title", "snippet"], rows))
        print(f"\n{len(hits)} result(s) for {args.query!r}")
        return 0
    records = [
        {**asdict(h), "published_at": h.published_at.isoformat() if h.published_at else None} for h in hits
    ]
    if args.format == "json":
        print(json.dumps(records, ensure_ascii=False, indent=2))
    else:
        for record in records:
            print(json.dumps(record, ensure_ascii=False))
    return 0


def runs(args: argparse.Namespace) -> int:
    with reading(args) as session:
        rows = [
            (
                r.id,
                r.site_key,
                r.trigger,
                r.started_at.strftime("%Y-%m-%d %H:%M"),
                r.finish_reason or "running",
                r.pages_fetched,
                r.articles_new,
                r.articles_updated,
                r.not_relevant,
                r.errors,
            )
            for r in recent_runs(session, args.limit, args.site)
        ]
    print(
        render(
            [
                "run",
                "site",
                "trigger",
                "started (UTC)",
                "finish",
                "pages",
                "new",
                "updated",
                "not relevant",
                "errors",
            ],
            rows,
        )
    )
    return 0
