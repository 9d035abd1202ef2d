"""Chinese full-text search at scale: build rate, size, latency and recall on SQLite and PostgreSQL.

`python -m bench.bench_search --sizes 100000 1000000 [--backends sqlite postgresql] [--workdir DIR]`

Articles are generated from the sample web's story generator (several stories per article for a realistic
length), written with bulk inserts and indexed with `storage.search.add_rows` in the same transaction.
Latency is `storage.queries.search` (stories, newest first, top 20) for 2-, 3- and 6-character strings taken
from generated text, with and without filters, warm, the filters interleaved over three rounds; recall is
measured against a substring scan (`instr`/`strpos`), and a plain `LIKE` top-20 is timed for contrast.
Finally the whole archive is exported (`canlian export --copies`) in a child process whose RSS is sampled, to
show the export streams in constant memory. Prints one markdown table per archive.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, text
from sqlalchemy.orm import Session

from bench.procstat import watch
from sampleweb.sites import JIANGSU, NATIONAL, XIUZHOU
from sampleweb.stories import federation_story
from storage.engine import create_archive_engine
from storage.models import Article, Fetch, Page, SiteRecord
from storage.queries import Filters, matching, search
from storage.schema import upgrade
from storage.search import add_rows
from storage.search_tokens import parse_query

LOCALES = (XIUZHOU, *JIANGSU, *NATIONAL)
SITES = (
    ("zj-xiuzhou", "county", "浙江省", "嘉兴市", "秀洲区"),
    ("js-portal", "province", "江苏省", None, None),
    ("js-huaian", "city", "江苏省", "淮安市", None),
    ("cdpf", "national", None, None, None),
    ("news", "news", None, None, None),
)
FORMS = ("annual", "event", "event", "meeting", "review")
T0 = datetime(2018, 1, 1, tzinfo=UTC)
BATCH = 5000
ROUNDS = 3  # timed passes over each length's queries
FILTERS = {
    "none": Filters(),
    "site": Filters(site="js-huaian"),
    "since 2025": Filters(since=date(2025, 1, 1)),
    "region 浙江": Filters(region="浙江"),
}


def articles(count: int, seed: int = 7) -> Iterator[tuple[str, str, datetime]]:
    rng = random.Random(seed)
    span = int((datetime(2026, 6, 30, tzinfo=UTC) - T0).total_seconds() // 60)
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 4)):
            story = federation_story(
                rng, rng.choice(LOCALES), rng.randint(2018, 2026), rng.choice(FORMS), "{fed}{year}年工作亮点"
            )
            parts.append(story)
        title = parts[0].title
        body = "\n".join(p.text for s in parts for p in s.paragraphs)
        yield title, body, T0 + timedelta(minutes=rng.randrange(span))


def build(engine: Engine, count: int) -> tuple[float, float]:
    """Fill the archive; returns (seconds, mean body length)."""
    upgrade(engine)
    started = time.perf_counter()
    total_length = 0
    with Session(engine) as session, session.begin():
        for key, level, province, city, county in SITES:
            session.add(
                SiteRecord(
                    key=key,
                    name=key,
                    level=level,
                    province=province,
                    city=city,
                    county=county,
                    federation=False,
                    updated_at=T0,
                )
            )
    generated = articles(count)
    done = 0
    while done < count:
        batch = [next(generated) for _ in range(min(BATCH, count - done))]
        with engine.begin() as connection:
            ids = range(done + 1, done + len(batch) + 1)
            site_keys = [SITES[i % len(SITES)][0] for i in ids]
            connection.execute(
                insert(Page),
                [
                    {
                        "id": i,
                        "site_key": s,
                        "url_key": f"b/{i}",
                        "url": f"http://b/{i}",
                        "first_seen_at": T0,
                        "last_fetched_at": T0,
                        "fetch_count": 1,
                    }
                    for i, s in zip(ids, site_keys, strict=True)
                ],
            )
            connection.execute(
                insert(Fetch),
                [
                    {
                        "id": i,
                        "page_id": i,
                        "requested_url": "x",
                        "final_url": "x",
                        "status": 200,
                        "headers": {},
                        "fetched_at": T0,
                        "outcome": "new",
                        "detail": "",
                    }
                    for i in ids
                ],
            )
            connection.execute(
                insert(Article),
                [
                    {
                        "id": i,
                        "page_id": i,
                        "site_key": s,
                        "url": f"http://b/{i}",
                        "title": t,
                        "body": b,
                        "body_hash": str(i),
                        "published_at": when,
                        "source": None,
                        "authors": [],
                        "editors": [],
                        "correspondents": [],
                        "tags": [],
                        "images": [],
                        "attachments": [],
                        "language": "zh",
                        "extractor_version": "bench",
                        "relevance_score": 1.0,
                        "relevance_terms": [],
                        "regions": [],
                        "fetch_id": i,
                        "first_archived_at": T0,
                        "updated_at": T0,
                    }
                    for i, s, (t, b, when) in zip(ids, site_keys, batch, strict=True)
                ],
            )
            places = {key: place for key, *place in SITES}
            add_rows(
                connection,
                [
                    (i, t, b, when, s, [], *places[s])
                    for i, s, (t, b, when) in zip(ids, site_keys, batch, strict=True)
                ],
            )
        total_length += sum(len(b) for _, b, _ in batch)
        done += len(batch)
        print(
            f"  built {done}/{count} ({done / (time.perf_counter() - started):.0f}/s)",
            file=sys.stderr,
            flush=True,
        )
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    if engine.dialect.name == "sqlite":  # fold the WAL into the database before its size is taken
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - started, total_length / count


def sample_queries(length: int, count: int, seed: int) -> list[str]:
    """Substrings of generated text without punctuation: what people search for."""
    rng = random.Random(seed)
    found: list[str] = []
    for _title, body, _when in articles(count * 20, seed=seed):
        start = rng.randrange(max(1, len(body) - length))
        candidate = body[start : start + length]
        if len(candidate) == length and all("\u4e00" <= ch <= "\u9fff" for ch in candidate):
            found.append(candidate)
        if len(found) == count:
            break
    return found


def timed(run: Callable[[], object], repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best * 1000


def percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered):.1f} / {p95:.1f}"


def like_top20(session: Session, query: str) -> None:
    pattern = f"%{query}%"  # generated CJK only: nothing to escape
    session.execute(
        text(
            "SELECT id FROM articles WHERE title LIKE :p OR body LIKE :p ORDER BY published_at DESC LIMIT 20"
        ),
        {"p": pattern},
    ).all()


def substring_ids(session: Session, query: str) -> set[int]:
    find = "strpos" if session.get_bind().dialect.name == "postgresql" else "instr"
    sql = f"SELECT id FROM articles WHERE {find}(title, :q) > 0 OR {find}(body, :q) > 0"
    return {row[0] for row in session.execute(text(sql), {"q": query})}


def matching_ids(session: Session, query: str) -> set[int]:
    """Every copy the index finds (the statement `search` pages through), without loading records."""
    statement = matching(session, parse_query(query), Filters(), None)
    return {row[0] for row in session.execute(statement)}


def measure(engine: Engine, queries: dict[int, list[str]], recall_sample: int) -> Iterator[str]:
    """Table rows, yielded as they are measured (a long run shows progress and keeps what it measured)."""
    with Session(engine) as session:
        for length, group in queries.items():
            for query in group:  # one untimed pass of every filter, so none is timed on a colder cache
                for filters in FILTERS.values():
                    search(session, query, filters)
            # Filters interleaved query by query and round by round: side by side on a noisy machine.
            latencies: dict[str, list[float]] = {name: [] for name in FILTERS}
            for _ in range(ROUNDS):
                for query in group:
                    for name, filters in FILTERS.items():
                        latencies[name].append(timed(lambda q=query, f=filters: search(session, q, f)))  # type: ignore[misc]
            for name, values in latencies.items():
                yield f"| {length}-char top-20, filter {name} | {percentiles(values)} | |"
            misses = total = 0
            for query in group[:recall_sample]:
                expected = substring_ids(session, query)
                found = matching_ids(session, query)
                total += len(expected)
                misses += len(expected - found)
            recall = 1.0 if total == 0 else (total - misses) / total
            yield (
                f"| {length}-char recall vs substring ({recall_sample} queries, {total} hits)"
                f" | | {recall:.4f} |"
            )
            like = [timed(lambda q=q: like_top20(session, q)) for q in group[:10]]  # type: ignore[misc]
            yield f"| {length}-char plain LIKE top-20 (10 queries) | {percentiles(like)} | |"


def archive_size(engine: Engine, path: Path | None) -> str:
    if path is not None:
        size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
        return f"{size / 1e6:.0f} MB on disk"
    with engine.connect() as connection:
        size = connection.execute(text("SELECT pg_database_size(current_database())")).scalar() or 0
    return f"{size / 1e6:.0f} MB (pg_database_size)"


def start_postgres() -> tuple[Any, str]:
    spec = importlib.util.spec_from_file_location(
        "pgserver", Path(__file__).parents[1] / "tests" / "postgres.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    bin_dir = module.find_pg_bin()
    if bin_dir is None:
        raise SystemExit("no PostgreSQL binaries found (install Debian's postgresql package)")
    server = module.PostgresServer(bin_dir)
    server.start()
    return server, server.url()


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [
            line.split(":", 1)[1].strip()
            for line in cpuinfo.read_text().splitlines()
            if line.startswith("model name")
        ]
        cpu = names[0] if names else cpu
    import sqlite3

    return (
        f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )


def measure_export(url: str, workdir: Path) -> list[str]:
    """`canlian export --copies` of the whole archive in a child process, its RSS sampled as it streams."""
    out = workdir / "export.jsonl"
    out.unlink(missing_ok=True)
    command = [
        sys.executable,
        "-m",
        "crawler.cli",
        "--database",
        url,
        "export",
        "--copies",
        "--out",
        str(out),
    ]
    started = time.monotonic()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    samples = watch(child, started, interval=0.5)
    seconds = time.monotonic() - started
    error = child.stderr.read().decode(errors="replace") if child.stderr else ""
    if child.returncode != 0:
        raise RuntimeError(f"export failed ({child.returncode}): {error[-2000:]}")
    with out.open("rb") as lines:
        records = sum(1 for _ in lines)
    size_mb = out.stat().st_size / 1e6
    out.unlink()
    quarters = [samples[i * len(samples) // 4 : (i + 1) * len(samples) // 4] for i in range(4)]
    by_quarter = " / ".join(f"{max((x.rss_mb for x in q), default=0.0):.0f}" for q in quarters)
    return [
        f"| export --copies, whole archive | {seconds:.0f} s, {records / seconds:.0f} records/s,"
        f" {records} records, {size_mb:.0f} MB | |",
        f"| export peak RSS by quarters of the run | {by_quarter} MB | |",
    ]


def run(
    backend: str,
    size: int,
    workdir: Path,
    queries: dict[int, list[str]],
    recall_sample: int,
    export: bool,
    reuse: bool = False,
) -> None:
    server = None
    path: Path | None = None
    if backend == "sqlite":
        path = workdir / f"bench-{size}.db"
        if not reuse:
            for old in workdir.glob(path.name + "*"):
                old.unlink()
        url = f"sqlite:///{path}"
    else:
        server, url = start_postgres()
    engine = create_archive_engine(url)
    try:
        if reuse and path is not None and path.exists():
            upgrade(engine)
            print(f"\n### {backend}, {size} articles (archive reused from {path})\n")
            print(f"size: {archive_size(engine, path)}\n")
        else:
            seconds, mean_length = build(engine, size)
            print(f"\n### {backend}, {size} articles (mean body {mean_length:.0f} characters)\n")
            print(
                f"build: {seconds:.0f} s, {size / seconds:.0f} articles/s;"
                f" size: {archive_size(engine, path)}\n"
            )
        print("| measurement | median / p95 ms | recall |")
        print("| --- | --- | --- |")
        for row in measure(engine, queries, recall_sample):
            print(row, flush=True)
        if export:
            for row in measure_export(url, workdir):
                print(row, flush=True)
    finally:
        engine.dispose()
        if server is not None:
            server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_search")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument(
        "--backends", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"]
    )
    parser.add_argument("--queries", type=int, default=30, help="queries per length")
    parser.add_argument("--recall-queries", type=int, default=10)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument(
        "--reuse", action="store_true", help="measure an SQLite archive already built in --workdir"
    )
    parser.add_argument(
        "--no-export", dest="export", action="store_false", help="skip exporting the whole archive"
    )
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="canlian-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    queries = {n: sample_queries(n, args.queries, seed=1000 + n) for n in (2, 3, 6)}
    print(f"command: python -m bench.bench_search {' '.join(argv if argv is not None else sys.argv[1:])}")
    print(f"machine: {machine()}")
    print(f"started: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; top-20 stories newest first; times in ms")
    for size in args.sizes:
        for backend in args.backends:
            run(backend, size, workdir, queries, args.recall_queries, args.export, args.reuse)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
