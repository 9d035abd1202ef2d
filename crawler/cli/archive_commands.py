"""Commands that query the archive: search, export, stats and crawl history."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import date

from sqlalchemy.orm import Session

from crawler.cli.commands import archive_engine, reading
from crawler.cli.tables import render
from storage.export import ExportRefused, output_file, write_records
from storage.queries import FIELDS, LEVELS, Filters, Hit, iter_records, search
from storage.runs import recent_runs
from storage.stats import articles_per_month, run_summaries, sizes

BOLD = ("\033[1m", "\033[0m")
BRACKETS = ("【", "】")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    search_parser = commands.add_parser("search", help="full-text search (Chinese-aware) of the archive")
    search_parser.add_argument("query", help='words (ANDed), "a phrase", a OR b, NOT a / -a')
    _add_filters(search_parser)
    search_parser.add_argument("--limit", type=int, default=20)
    search_parser.add_argument("--sort", choices=["newest", "best"], default="newest")
    search_parser.add_argument("--format", choices=["table", "json", "jsonl", "csv"], default="table")
    search_parser.set_defaults(handler=search_command)

    export_parser = commands.add_parser("export", help="export stories (or copies) as JSON lines or CSV")
    export_parser.add_argument("query", nargs="?", help="optional search query, as for `canlian search`")
    _add_filters(export_parser)
    export_parser.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    export_parser.add_argument("--out", required=True, metavar="FILE", help="destination file, - for stdout")
    export_parser.add_argument("--force", action="store_true", help="overwrite an existing file")
    export_parser.set_defaults(handler=export_command)

    stats_parser = commands.add_parser("stats", help="articles per month, crawl runs, archive size")
    stats_parser.add_argument("--json", action="store_true")
    stats_parser.set_defaults(handler=stats_command)

    runs_parser = commands.add_parser("runs", help="crawl history")
    runs_parser.add_argument("--limit", type=int, default=30)
    runs_parser.add_argument("--site", metavar="KEY")
    runs_parser.set_defaults(handler=runs)


def _add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", type=date.fromisoformat, metavar="YYYY-MM-DD", help="published on/after")
    parser.add_argument("--until", type=date.fromisoformat, metavar="YYYY-MM-DD", help="published on/before")
    parser.add_argument("--site", metavar="KEY")
    parser.add_argument("--region", metavar="NAME", help="province, city or county (site or article)")
    parser.add_argument("--level", choices=LEVELS)
    parser.add_argument("--source", metavar="NAME", help="part of the article's source line")
    parser.add_argument("--copies", action="store_true", help="every copy, not one line per story")


def filters_from(args: argparse.Namespace) -> Filters:
    return Filters(args.since, args.until, args.site, args.region, args.level, args.source)


def search_command(args: argparse.Namespace) -> int:
    marks = BOLD if args.format == "table" and sys.stdout.isatty() else BRACKETS
    with reading(args) as session:
        hits = search(
            session,
            args.query,
            filters_from(args),
            copies=args.copies,
            limit=args.limit,
            sort=args.sort,
            marks=marks,
        )
    if args.format == "table":
        print(_hit_table(hits))
        unit = "copies" if args.copies else "stories"
        print(
            f"\n{len(hits)} {unit} for {args.query!r}"
            + (" (limit reached)" if len(hits) == args.limit else "")
        )
    elif args.format == "json":
        print(json.dumps([_hit_dict(h) for h in hits], ensure_ascii=False, indent=2))
    elif args.format == "jsonl":
        for hit in hits:
            print(json.dumps(_hit_dict(hit), ensure_ascii=False))
    else:
        writer = csv.writer(sys.stdout)
        writer.writerow([*FIELDS, "snippet"])
        for hit in hits:
            values = _hit_dict(hit)
            values["regions"] = ";".join(hit.record.regions)
            writer.writerow(["" if values[k] is None else values[k] for k in [*FIELDS, "snippet"]])
    return 0


def _hit_dict(hit: Hit) -> dict[str, object]:
    return {**hit.record.to_dict(), "snippet": hit.snippet}


def _hit_table(hits: list[Hit]) -> str:
    rows = [
        (
            h.record.id,
            h.record.published_at.date() if h.record.published_at else "",
            h.record.site,
            h.record.copies,
            h.record.title,
            h.snippet,
        )
        for h in hits
    ]
    # The snippet keeps its full width: clipping could cut an ANSI sequence in half.
    return render(["id", "date", "site", "copies", "title", "snippet"], rows, max_width=200)


def export_command(args: argparse.Namespace) -> int:
    try:
        with reading(args) as session, output_file(args.out, force=args.force) as out:
            count = write_records(
                iter_records(session, args.query, filters_from(args), copies=args.copies), out, args.format
            )
    except ExportRefused as error:
        print(f"canlian: export refused: {error}", file=sys.stderr)
        return 2
    if args.out != "-":
        print(f"{count} {'copies' if args.copies else 'stories'} written to {args.out}", file=sys.stderr)
    return 0


def stats_command(args: argparse.Namespace) -> int:
    engine = archive_engine(args)
    try:
        with Session(engine) as session:
            months, summaries, size = (
                articles_per_month(session),
                run_summaries(session),
                sizes(session, engine),
            )
    finally:
        engine.dispose()
    if args.json:
        record = {
            "articles_per_month": [_slots(m) for m in months],
            "runs": [_slots(s) for s in summaries],
            "size": _slots(size),
        }
        print(json.dumps(record, ensure_ascii=False, default=str, indent=2))
        return 0
    print(
        render(
            ["month", "region", "site", "articles"], [(m.month, m.region, m.site, m.articles) for m in months]
        )
    )
    print()
    run_rows = [
        (
            s.site,
            s.runs,
            s.last_started.strftime("%Y-%m-%d %H:%M") if s.last_started else "",
            s.last_finish or "",
            s.pages,
            s.new,
            s.errors,
        )
        for s in summaries
    ]
    print(render(["site", "runs", "last run (UTC)", "last finish", "pages", "new", "errors"], run_rows))
    disk = f", {size.disk_bytes / 1e6:.1f} MB on disk" if size.disk_bytes is not None else ""
    print(
        f"\n{size.articles} articles in {size.stories} stories;"
        f" {size.database_bytes / 1e6:.1f} MB in the database{disk}"
    )
    return 0


def _slots(value: object) -> dict[str, object]:
    return {name: getattr(value, name) for name in getattr(value, "__slots__", ())}


def runs(args: argparse.Namespace) -> int:
    with reading(args, notice_dead_runs=True) as session:
        rows = [
            (
                r.id,
                r.site_key,
                r.trigger,
                r.started_at.strftime("%Y-%m-%d %H:%M"),
                r.status or r.finish_reason or "running",
                r.pages_fetched,
                r.articles_new,
                r.articles_updated,
                r.not_relevant,
                r.blocked,
                r.refused,
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
                "status",
                "pages",
                "new",
                "updated",
                "not relevant",
                "blocked",
                "refused",
                "errors",
            ],
            rows,
        )
    )
    return 0
