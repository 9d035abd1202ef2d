"""Dedup benchmark: merge precision and recall on a generated edit corpus, and the per-article cost of
`storage.dedup.assign_story` as a SQLite archive grows (10k, 100k, 1M stories).

    python -m bench.bench_dedup [--stories 1500] [--sizes 10000,100000,1000000] [--sample 300]

Quality: every document goes through `storage.archive.record_fetch` (as a crawl would) into a fresh archive;
pairs of documents in one archived story are compared with the generator's ground truth.
Scale: an archive of N background stories is bulk-loaded (articles, stories and LSH band rows computed by
the same functions the archive uses), then a sample of new originals and edited copies of archived
stories goes through `record_fetch`, each in its own transaction rolled back afterwards, timing
`assign_story` alone and the whole write.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sqlite3
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from math import comb
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

import storage.archive
import storage.dedup
from bench.dedup_bulk import grow_archive
from bench.dedup_corpus import EDITS, Doc, edit_corpus, original
from crawler.extraction.model import Article as Extracted
from storage.archive import Assessment, FetchedPage, record_fetch
from storage.engine import create_archive_engine, writer
from storage.models import Article
from storage.runs import SiteInfo, upsert_site
from storage.schema import upgrade
from storage.transactions import write_transaction

T0 = datetime(2026, 11, 1, tzinfo=UTC)
SITE = SiteInfo("bench", "某县人民政府", "county", "浙江省", None, None, False)
RELEVANT = Assessment(relevant=True, score=1.0, reason="bench")


def fresh_engine(directory: Path, name: str) -> Engine:
    engine = create_archive_engine(f"sqlite:///{directory / name}")
    upgrade(engine)
    write_transaction(engine, lambda session: upsert_site(session, SITE, T0))
    return engine


def store(session: Session, number: int, doc: Doc) -> int:
    url = f"http://bench.test/art/{number}.html"
    page = FetchedPage(SITE.key, url, url, 200, {}, url.encode(), T0)
    result = Extracted(url=url, title=doc.title, body=doc.body, extractor_version="bench")
    stored = record_fetch(session, page, result, RELEVANT)
    assert stored.article_id is not None
    return stored.article_id


def quality(directory: Path, stories: int, seed: int) -> dict[str, Any]:
    docs = edit_corpus(seed, stories)
    engine = fresh_engine(directory, "quality.db")
    ids = []
    for number, doc in enumerate(docs):

        def work(session: Session, number: int = number, doc: Doc = doc) -> int:
            return store(session, number, doc)

        ids.append(write_transaction(engine, work))
    with Session(engine) as session:
        story_of = dict(session.execute(select(Article.id, Article.story_id)).all())
    engine.dispose()
    predicted = [story_of[i] for i in ids]
    cells = Counter(zip(predicted, (d.story for d in docs), strict=True))
    true_pairs = sum(comb(n, 2) for n in Counter(d.story for d in docs).values())
    merged_pairs = sum(comb(n, 2) for n in Counter(predicted).values())
    both = sum(comb(n, 2) for n in cells.values())
    originals = {d.story: p for d, p in zip(docs, predicted, strict=True) if d.edit == "original"}
    by_edit: dict[str, list[bool]] = {name: [] for name in EDITS}
    successor_merged = 0
    for doc, story in zip(docs, predicted, strict=True):
        if doc.edit == "successor":
            successor_merged += story == originals[doc.story.removesuffix("-next")]
        elif doc.edit != "original":
            for name in doc.edit.split(" + "):
                by_edit[name].append(story == originals[doc.story])
    return {
        "documents": len(docs),
        "stories": len({d.story for d in docs}),
        "precision": both / merged_pairs if merged_pairs else 1.0,
        "recall": both / true_pairs if true_pairs else 1.0,
        "true_pairs": true_pairs,
        "merged_pairs": merged_pairs,
        "recall_by_edit": {k: (sum(v), len(v)) for k, v in by_edit.items()},
        "successors": (successor_merged, sum(d.edit == "successor" for d in docs)),
    }


def timed(target: Any, name: str, sink: list[float]) -> Callable[..., Any]:
    real = getattr(target, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            sink.append(time.perf_counter() - start)

    return wrapper


def scale(directory: Path, size: int, sample: int, seed: int) -> dict[str, Any]:
    engine = create_archive_engine(f"sqlite:///{directory / f'scale_{size}.db'}")
    upgrade(engine)
    write_transaction(engine, lambda session: upsert_site(session, SITE, T0))
    build = time.perf_counter()
    grow_archive(engine, seed, size, SITE.key)
    build_seconds = time.perf_counter() - build
    assign_times: list[float] = []
    verify_calls: list[float] = []
    write_times: list[float] = []
    # Timers around the archive's own calls; restored below.
    real_assign, real_confirm = storage.archive.__dict__["assign_story"], storage.dedup.__dict__["confirm"]
    setattr(storage.archive, "assign_story", timed(storage.archive, "assign_story", assign_times))  # noqa: B010
    setattr(storage.dedup, "confirm", timed(storage.dedup, "confirm", verify_calls))  # noqa: B010
    rng = random.Random(seed + size)
    correct = 0
    try:
        for n in range(sample):
            is_copy = n % 2 == 1
            number = rng.randrange(size) if is_copy else size + n
            doc = original(seed, number)
            if is_copy:
                doc = EDITS[rng.choice(sorted(EDITS))](doc, rng)
            start = time.perf_counter()
            with Session(writer(engine)) as session, session.begin():
                article_id = store(session, size + 10_000_000 + n, doc)
                story = session.get_one(Article, article_id).story_id
                write_times.append(time.perf_counter() - start)
                correct += (story == number + 1) if is_copy else (story not in range(1, size + 1))
                session.rollback()
    finally:
        setattr(storage.archive, "assign_story", real_assign)  # noqa: B010
        setattr(storage.dedup, "confirm", real_confirm)  # noqa: B010
    engine.dispose()
    return {
        "size": size,
        "build_s": build_seconds,
        "assign_ms_median": statistics.median(assign_times) * 1000,
        "assign_ms_mean": statistics.fmean(assign_times) * 1000,
        "assign_ms_p95": sorted(assign_times)[int(0.95 * len(assign_times))] * 1000,
        "write_ms_median": statistics.median(write_times) * 1000,
        "verifications_per_article": len(verify_calls) / sample,
        "correct": (correct, sample),
        "db_mb": (directory / f"scale_{size}.db").stat().st_size / 1e6,
    }


def machine() -> str:
    cores, python = os.cpu_count(), platform.python_version()
    return f"{platform.machine()}, {cores} cores, Python {python}, SQLite {sqlite3.sqlite_version}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_dedup", description=__doc__)
    parser.add_argument("--stories", type=int, default=1500, help="originals in the edit corpus")
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--sample", type=int, default=300, help="timed inserts per archive size")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--dir", type=Path, help="where the archives go (default: a temporary directory)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-dedup-", dir=args.dir) as tmp:
        directory = Path(tmp)
        print(f"machine: {machine()}\n")
        started = time.perf_counter()
        q = quality(directory, args.stories, args.seed)
        print_quality(q, time.perf_counter() - started)
        rows = []
        for size in (int(s) for s in args.sizes.split(",") if s):
            rows.append(scale(directory, size, args.sample, args.seed))
            print_scale(rows, args.sample)
    return 0


def print_quality(q: dict[str, Any], seconds: float) -> None:
    print(f"## Merge quality ({q['documents']} documents, {q['stories']} true stories, {seconds:.0f} s)\n")
    print("| measure | value |\n| --- | --- |")
    print(f"| pairwise precision | {q['precision']:.4f} ({q['merged_pairs']} merged pairs) |")
    print(f"| pairwise recall | {q['recall']:.4f} ({q['true_pairs']} true pairs) |")
    for name, (hit, total) in q["recall_by_edit"].items():
        print(f"| copies with edit '{name}' joined | {hit}/{total} |")
    merged, total = q["successors"]
    print(f"| successor reports merged (should be 0) | {merged}/{total} |\n")


def print_scale(rows: list[dict[str, Any]], sample: int) -> None:
    print(f"## Per-article dedup cost (SQLite, {sample} timed inserts: half new, half edited copies)\n")
    print(
        "| stories | build s | DB MB | assign median ms | mean ms | p95 ms | write median ms "
        "| verifications/article | placed correctly |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        hit, total = r["correct"]
        print(
            f"| {r['size']:,} | {r['build_s']:.0f} | {r['db_mb']:.0f} | {r['assign_ms_median']:.2f} "
            f"| {r['assign_ms_mean']:.2f} | {r['assign_ms_p95']:.2f} | {r['write_ms_median']:.2f} "
            f"| {r['verifications_per_article']:.2f} | {hit}/{total} |"
        )
    if len(rows) > 1:
        print(
            f"\nratio of median assign time, largest / smallest: "
            f"{rows[-1]['assign_ms_median'] / rows[0]['assign_ms_median']:.2f}"
        )
    print(flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
