"""Figures: precision and recall of (programme, measure, value, unit, region, period) tuples, exact and per
field, on the sample web's generated reports and on the hand-labelled set (its tuning and held-out parts
apart); figures per second; and what the figures hook adds to an archive write.

    python -m bench.bench_figures [--seed 2026] [--articles-per-site 300] [--repeats 5] [--writes 300]

A prediction is located when its span overlaps a labelled figure's; a field counts when the figure is
located and the field agrees. Exact scores compare whole tuples (the value with its range top).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest import mock

from sqlalchemy.orm import Session

from crawler.extraction.model import Article as Extracted
from crawler.figures import NATIONAL, Context, extract_figures, place_named
from crawler.figures.evaluation import FIELDS, Expected, Item, Scores, parse_labelled
from sampleweb import SampleWeb
from sampleweb.figtruth import figure_truth
from storage import archive
from storage.archive import Assessment, FetchedPage, record_fetch
from storage.engine import create_archive_engine
from storage.runs import SiteInfo, upsert_site
from storage.schema import upgrade
from storage.transactions import write_transaction

LABELLED = Path(__file__).resolve().parent.parent / "tests" / "data" / "figures"


def sample_items(seed: int, per_site: int) -> list[Item]:
    """Every original federation report of the sample web (copies carry the same text)."""
    web = SampleWeb(seed=seed, articles_per_site=per_site)
    items = []
    for site in web.sites:
        region = place_named(site.county or site.city or site.province) if site.province else NATIONAL
        for index in range(per_site):
            entry = web.entry(site.key, index)
            if not entry.story.relevant or entry.republishes is not None:
                continue
            body = "\n".join(p.text for p in entry.story.paragraphs)
            truth = tuple(Expected((t.start, t.end), *t.key()) for t in figure_truth(entry))
            context = Context(region, entry.published.date(), entry.story.title)
            items.append(Item(f"{site.key}#{index}", body, context, truth))
    return items


def labelled(name: str) -> list[Item]:
    return parse_labelled((LABELLED / f"{name}.txt").read_text(encoding="utf-8").splitlines(), name)


def score(items: list[Item]) -> Scores:
    scores = Scores()
    for item in items:
        scores.add(extract_figures(item.text, item.context), item.expected)
    return scores


def row(name: str, items: int, s: Scores) -> str:
    fields = " | ".join(f"{s.precision(s.fields[f]):.3f} / {s.recall(s.fields[f]):.3f}" for f in FIELDS)
    return (
        f"| {name} | {items} | {s.expected} | {s.predicted} | {s.precision(s.exact):.3f} | "
        f"{s.recall(s.exact):.3f} | {s.precision(s.located):.3f} / {s.recall(s.located):.3f} | {fields} |"
    )


def throughput(items: list[Item], repeats: int) -> tuple[float, float, float]:
    """Median over ``repeats`` passes, in CPU time (the machine is shared): figures per CPU-second, articles
    per CPU-second, CPU ms per 1,000 characters."""
    rates, figures = [], 0
    characters = sum(len(item.text) for item in items)
    for _ in range(repeats):
        started = time.process_time()
        figures = sum(len(extract_figures(item.text, item.context)) for item in items)
        rates.append(time.process_time() - started)
    elapsed = statistics.median(rates)
    return figures / elapsed, len(items) / elapsed, elapsed * 1000 / (characters / 1000)


def write_cost(items: list[Item], repeats: int) -> tuple[float, float]:
    """Median CPU seconds to archive ``items`` into a fresh SQLite file, with the figures hook and without
    it, measured alternately in one run."""
    with_hook, without = [], []
    for _ in range(repeats):
        with_hook.append(_timed_writes(items))
        with mock.patch.object(archive, "record_figures", return_value=0):
            without.append(_timed_writes(items))
    return statistics.median(with_hook), statistics.median(without)


def _timed_writes(items: list[Item]) -> float:
    with tempfile.TemporaryDirectory() as folder:
        engine = create_archive_engine(f"sqlite:///{Path(folder) / 'archive.db'}")
        upgrade(engine)
        write_transaction(engine, _site)
        started = time.process_time()  # CPU time: the machine is shared, wall clock swings twofold
        for chunk in _chunks(items, 50):
            write_transaction(engine, _writer(chunk))
        elapsed = time.process_time() - started
        engine.dispose()
    return elapsed


def _site(session: Session) -> None:
    upsert_site(session, SiteInfo("bench", "秀洲区", "county", "浙江省", "嘉兴市", "秀洲区", False), _T0)


_T0 = datetime(2024, 1, 2, tzinfo=UTC)


def _writer(chunk: list[Item]) -> Callable[[Session], None]:
    def write(session: Session) -> None:
        for item in chunk:
            url = f"http://127.0.0.1:9/{item.id}.html"
            page = FetchedPage("bench", url, url, 200, {}, item.text.encode(), _T0 + timedelta(seconds=1))
            extracted = Extracted(
                url=url, title=item.id, body=item.text, published_at=_T0, extractor_version="b"
            )
            record_fetch(session, page, extracted, Assessment(relevant=True, score=1.0))

    return write


def _chunks(items: list[Item], size: int) -> Iterator[list[Item]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--articles-per-site", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--writes", type=int, default=300, help="articles archived per write-cost pass")
    args = parser.parse_args()
    print(
        f"Command: `python -m bench.bench_figures --seed {args.seed} --articles-per-site "
        f"{args.articles_per_site} --repeats {args.repeats} --writes {args.writes}`\n"
    )
    sample = sample_items(args.seed, args.articles_per_site)
    print_scores(sample)
    print_costs(sample, args.repeats, args.writes)
    return 0


def print_scores(sample: list[Item]) -> None:
    sets = [
        ("sample web (generated; rules tuned on it)", sample),
        ("hand-labelled, tuning part", labelled("tune")),
        ("hand-labelled, held out (never tuned on)", labelled("heldout")),
    ]
    header = " | ".join(f"{f} P / R" for f in FIELDS)
    print(f"| set | items | figures | predicted | exact P | exact R | located P / R | {header} |")
    print("|" + " --- |" * (7 + len(FIELDS)))
    for name, items in sets:
        print(row(name, len(items), score(items)))


def print_costs(sample: list[Item], repeats: int, writes: int) -> None:
    per_second, articles, per_thousand = throughput(sample, repeats)
    print(
        f"\nSpeed (sample web, {len(sample)} reports, median of {repeats}): "
        f"{per_second:,.0f} figures/CPU-s, {articles:,.0f} reports/CPU-s, "
        f"{per_thousand:.2f} CPU ms per 1,000 characters"
    )
    passes = max(1, repeats // 2)
    with_hook, without = write_cost(sample[:writes], passes)
    print(
        f"Archive write of {min(writes, len(sample))} reports (SQLite file, chunks of 50, median CPU "
        f"time of {passes}): {with_hook:.2f} s with figures, {without:.2f} s without "
        f"({with_hook / without:.2f}x)"
    )


if __name__ == "__main__":
    sys.exit(main())
