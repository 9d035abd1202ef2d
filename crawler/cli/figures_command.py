"""`canlian figures`: the key figures of the archived reports (who got what, where, when), each row with
its source article and sentence; or, with `--text FILE`, the figures of one plain-text report, for checking
a report whose figures look wrong. Exit codes: 0 ok (also when nothing matched), 2 usage error."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from crawler.cli.commands import reading
from crawler.cli.crawling_args import iso_date
from crawler.cli.tables import render
from crawler.figures import Context, Figure, extract_figures, place_named
from storage.figure_queries import FigureFilters, FigureRecord, FigureTotal, figure_totals, iter_figures
from storage.figures import shanghai_date

TABLE_LIMIT = 200  # rows a table prints; csv and jsonl print everything


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "figures", help="key figures of the reports: programme, value, region, period"
    )
    parser.add_argument(
        "--programme", metavar="P", help="a programme (sub-programmes included), e.g. 两项补贴"
    )
    parser.add_argument(
        "--measure", metavar="M", help="people, households, money, rate ... (or 人数, 金额 ...)"
    )
    parser.add_argument("--region", metavar="R", help="province, city or county the figure is about")
    parser.add_argument("--since", type=iso_date, metavar="YYYY-MM-DD", help="period ends on/after")
    parser.add_argument("--until", type=iso_date, metavar="YYYY-MM-DD", help="period starts on/before")
    parser.add_argument("--by", choices=["year", "region", "site"], help="one row per group and programme")
    parser.add_argument("--copies", action="store_true", help="every copy's figures, not each story's once")
    parser.add_argument("--format", choices=["table", "csv", "jsonl"], default="table")
    parser.add_argument("--text", type=Path, metavar="FILE", help="read a plain-text report instead")
    parser.add_argument("--date", type=iso_date, metavar="YYYY-MM-DD", help="with --text: the report's date")
    parser.add_argument("--json", action="store_true", help="with --text: one JSON object per figure")
    parser.set_defaults(handler=figures)


def figures(args: argparse.Namespace) -> int:
    if args.text is not None:
        return _text_figures(args)
    filters = FigureFilters(args.programme, args.measure, args.region, args.since, args.until, args.copies)
    with reading(args) as session:
        records = iter_figures(session, filters)
        if args.by:
            _print_totals(figure_totals(records, args.by), args.by, args.format)
        else:
            _print_records(records, args.format)
    return 0


def _text_figures(args: argparse.Namespace) -> int:
    try:
        text = args.text.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"canlian: cannot read {args.text}: {error}", file=sys.stderr)
        return 2
    region = None
    if args.region:
        region = place_named(args.region)
        if region is None:
            print(
                f"canlian: unknown or ambiguous region {args.region!r} (write 宁波市/江北区)", file=sys.stderr
            )
            return 2
    found = extract_figures(text, Context(region, args.date))
    if args.json or args.format == "jsonl":
        for figure in found:
            print(json.dumps(figure.to_dict(), ensure_ascii=False))
    else:
        print(render(FIGURE_COLUMNS[:-1], [_text_row(f) for f in found]))
    return 0


FIGURE_COLUMNS = ["programme", "measure", "value", "unit", "region", "period", "as written", "sentence"]


def _text_row(figure: Figure) -> list[object]:
    return [*_values(figure.programme, figure.measure, figure.value, figure.value_max, figure.unit),
            figure.region.name if figure.region else "", figure.period.label if figure.period else "",
            figure.text]  # fmt: skip


def _values(programme: str, measure: str, value: float, top: float | None, unit: str) -> list[object]:
    shown = _number(value) if top is None else f"{_number(value)}~{_number(top)}"
    return [programme, measure, shown, unit]


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _print_records(records: Iterator[FigureRecord], fmt: str) -> None:
    if fmt == "jsonl":
        for record in records:
            print(json.dumps(record.to_dict(), ensure_ascii=False))
    elif fmt == "csv":
        _write_csv(r.to_dict() for r in records)
    else:
        rows = []
        for number, record in enumerate(records):
            if number == TABLE_LIMIT:
                print(f"(first {TABLE_LIMIT} rows; --format csv or jsonl for all)", file=sys.stderr)
                break
            rows.append(_record_row(record))
        headers = ["article", "published", *FIGURE_COLUMNS]
        print(render(headers, rows, max_width=40) if rows else "No figures match.")


def _record_row(record: FigureRecord) -> list[object]:
    f = record.figure
    day = shanghai_date(record.published_at)  # the calendar date of Beijing time, as periods are
    published = day.isoformat() if day else ""
    return [record.article_id, published, *_values(f.programme, f.measure, f.value, f.value_max, f.unit),
            f.region or "", f.period or "", f.text, f.sentence]  # fmt: skip


def _print_totals(totals: list[FigureTotal], by: str, fmt: str) -> None:
    dicts = [_total_dict(t, by) for t in totals]
    if fmt == "jsonl":
        for item in dicts:
            print(json.dumps(item, ensure_ascii=False))
    elif fmt == "csv":
        _write_csv(iter(dicts))
    elif dicts:
        rows = [[*list(d.values())[:-1], _clipped_ids(d["articles"])] for d in dicts]
        print(render(list(dicts[0]), rows))
    else:
        print("No figures match.")


def _total_dict(total: FigureTotal, by: str) -> dict[str, Any]:
    return {
        by: total.group,
        "programme": total.programme,
        "measure": total.measure,
        "unit": total.unit,
        "figures": total.figures,
        "total": _number(total.total),
        "min": _number(total.low),
        "max": _number(total.high),
        "articles": " ".join(str(a) for a in total.articles),
    }


def _clipped_ids(ids: str, shown: int = 6) -> str:
    parts = ids.split()
    return " ".join(parts[:shown]) + (f" (+{len(parts) - shown})" if len(parts) > shown else "")


def _write_csv(rows: Iterable[dict[str, Any]]) -> None:
    writer: csv.DictWriter[str] | None = None
    for row in rows:
        if writer is None:
            writer = csv.DictWriter(sys.stdout, fieldnames=list(row))
            writer.writeheader()
        writer.writerow(row)
