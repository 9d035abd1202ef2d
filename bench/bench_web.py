"""The web layer's cost: search page and API latency next to the CLI's search on the same 100k archive.

`python -m bench.bench_web [--size 100000] [--backends sqlite postgresql] [--workdir DIR] [--reuse]`

The archive is `bench.bench_search`'s (generated federation stories, bulk-inserted and indexed). For each
query, interleaved over rounds so all three see the same cache: `storage.queries.search` (top 20 stories,
newest first, in a session of its own: what `canlian search` runs once its engine exists, in process, on
the CLI's engine), then `GET /?q=...` (the search
page) and `GET /api/search?q=...` (the API), each timed server-side around the ASGI app call (routing,
parameter validation, the read-only session, search, rendering or JSON; no socket). The difference of the
medians is what the web layer adds. For contrast, a few whole `canlian search` commands (process start
included) are timed too.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bench.bench_search import archive_size, build, machine, percentiles, sample_queries, start_postgres
from storage.engine import create_archive_engine
from storage.queries import search
from storage.schema import upgrade
from web import create_app, open_archive

ROUNDS = 3
TARGET_MS = 5.0


async def asgi_get(app: Any, path: str, query: dict[str, str]) -> tuple[float, int, int]:
    """(server-side ms, status, body bytes) of one GET through the ASGI app itself."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": urlencode(query).encode(),
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1:8000")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    answer: dict[str, Any] = {"status": 0, "size": 0}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
        elif message["type"] == "http.response.body":
            answer["size"] += len(message.get("body", b""))

    started = time.perf_counter()
    await app(scope, receive, send)
    return (time.perf_counter() - started) * 1000, answer["status"], answer["size"]


def cli_search(engine: Engine, query: str) -> float:
    """ms of what one `canlian search` does once its engine exists: a session, `search()`, close."""
    started = time.perf_counter()
    with Session(engine) as session:
        search(session, query, limit=20)
    return (time.perf_counter() - started) * 1000


async def measure(app: Any, engine: Engine, queries: list[str]) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"search": [], "page": [], "api": []}
    for query in queries:  # one untimed pass of each, so none is timed on a colder cache
        cli_search(engine, query)
        for path in ("/", "/api/search"):
            await asgi_get(app, path, {"q": query})
    for _ in range(ROUNDS):
        for query in queries:
            times["search"].append(cli_search(engine, query))
            for name, path in (("page", "/"), ("api", "/api/search")):
                elapsed, status, _size = await asgi_get(app, path, {"q": query})
                if status != 200:
                    raise RuntimeError(f"{path}?q={query} answered {status}")
                times[name].append(elapsed)
    return times


def cli_seconds(url: str, queries: list[str]) -> list[float]:
    """Whole `canlian search` commands: process start and imports included."""
    seconds = []
    for query in queries:
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "crawler.cli", "--database", url, "search", query],
            check=True,
            capture_output=True,
        )
        seconds.append(time.perf_counter() - started)
    return seconds


def report(times: dict[str, list[float]], cli: list[float], label: str) -> None:
    base = statistics.median(times["search"])
    print(f"\n### {label}\n")
    print("| measurement | median / p95 ms | web layer adds (median) |")
    print("| --- | --- | --- |")
    baseline = "session + `search()`, top 20 stories (what `canlian search` runs)"
    print(f"| {baseline} | {percentiles(times['search'])} | |")
    for name, title in (("page", "search page `GET /?q=`"), ("api", "API `GET /api/search?q=`")):
        added = statistics.median(times[name]) - base
        verdict = "within" if added <= TARGET_MS else "over"
        limit = f"{verdict} {TARGET_MS:.0f} ms"
        print(f"| {title}, server-side | {percentiles(times[name])} | {added:+.1f} ms ({limit}) |")
    whole = statistics.median(cli) * 1000
    print(f"| whole `canlian search` command ({len(cli)} runs) | {whole:.0f} (median) | |")


def run(backend: str, size: int, workdir: Path, queries: list[str], reuse: bool) -> None:
    server, path = None, None
    if backend == "sqlite":
        path = workdir / f"bench-{size}.db"
        url = f"sqlite:///{path}"
    else:
        server, url = start_postgres()
    engine = create_archive_engine(url)
    try:
        if reuse and path is not None and path.exists():
            upgrade(engine)
            built = f"archive reused from {path}"
        else:
            if path is not None:
                for old in workdir.glob(path.name + "*"):
                    old.unlink()
            seconds, mean_length = build(engine, size)
            built = f"built in {seconds:.0f} s, mean body {mean_length:.0f} characters"
        app = create_app(open_archive(url))
        times = asyncio.run(measure(app, engine, queries))
        cli = cli_seconds(url, queries[:5])
        app.state.engine.dispose()
        label = f"{backend}, {size} articles ({built}; {archive_size(engine, path)})"
        report(times, cli, f"{label}, {len(queries)} queries x {ROUNDS} rounds")
    finally:
        engine.dispose()
        if server is not None:
            server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_web")
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--backends", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite"])
    parser.add_argument("--queries", type=int, default=20, help="queries of each length (2 and 3 characters)")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--reuse", action="store_true", help="measure an SQLite archive already in --workdir")
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="canlian-bench-web-"))
    workdir.mkdir(parents=True, exist_ok=True)
    queries = [q for n in (2, 3) for q in sample_queries(n, args.queries, seed=1000 + n)]
    print(f"command: python -m bench.bench_web {' '.join(argv if argv is not None else sys.argv[1:])}")
    print(f"machine: {machine()}")
    print(f"started: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; times in ms")
    for backend in args.backends:
        run(backend, args.size, workdir, queries, args.reuse)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
