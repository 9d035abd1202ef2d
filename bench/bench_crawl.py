"""Crawl throughput of canlian next to what a user would otherwise run, on the same sample-web pages.

    python -m bench.bench_crawl [--articles-per-site 1500] [--rounds 3] [--workers 2]

The sample web is served by its own process (its CPU is reported apart). Four variants, each run as a
process of its own on the same article pages, interleaved over `--rounds` rounds (the variant order
rotates every round), politeness off, 32 concurrent requests:
- `fetch only`: a plain Scrapy spider over the article URLs that drops every response;
- `plain, commit every 100` / `plain, commit per item`: the same spider with
  `trafilatura.bare_extraction(with_metadata=True)` and the SQLAlchemy ORM (bench/crawl_peers.py);
- `canlian crawl`: the real thing, lists walked, everything archived (raw bytes, fetch log, relevance,
  dedup, stories, search index, figures, attachment HEADs), into a fresh SQLite archive.
Reported per variant (medians over the rounds): pages/s, CPU ms per page and cores used (CPU of the whole
process tree, from getrusage of the waited children), and peak RSS of the tree; for canlian also the peak
RSS by thirds of the run (flat means no growth).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.procstat import Sample, rss_and_cpu, watch
from sampleweb import SampleWeb

KEYS = ["sample-county", "sample-portal", "sample-cdpf", "sample-citynews"]
CANLIAN_SETTINGS = [
    "DOWNLOAD_DELAY=0",
    "AUTOTHROTTLE_ENABLED=False",
    "CONCURRENT_REQUESTS=32",
    "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    "LOG_LEVEL=INFO",
]


@dataclass
class Run:
    variant: str
    seconds: float
    pages: int
    cpu_seconds: float
    samples: list[Sample] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.pages / self.seconds

    @property
    def peak_mb(self) -> float:
        return max((s.rss_mb for s in self.samples), default=0.0)


def serve(articles: int, workdir: Path) -> tuple[subprocess.Popen[bytes], Path]:
    sites = workdir / "sites.toml"
    command = [
        sys.executable,
        "-m",
        "sampleweb",
        "serve",
        "--articles",
        str(articles),
        "--sites-out",
        str(sites),
    ]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not sites.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    if not sites.exists():
        server.kill()
        raise RuntimeError("the sample web did not start")
    time.sleep(0.5)  # the file is written just before serving starts
    return server, sites


def article_urls(sites: Path, articles: int) -> list[str]:
    """Every article page of the four sites, as the peers are given them (canlian finds them in lists)."""
    definitions = tomllib.loads(sites.read_text(encoding="utf-8"))["site"]
    bases = {d["key"]: d["start_urls"][0].split("/", 3)[:3] for d in definitions}
    web = SampleWeb(articles_per_site=articles)
    return ["/".join(bases[r.site]) + r.path for r in web.truth() if r.kind == "article" and r.site in KEYS]


def timed(variant: str, command: list[str], database: str | None, pages: int) -> Run:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    samples = watch(child, started, interval=0.5)
    seconds = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if child.returncode != 0:
        error = child.stderr.read().decode(errors="replace")[-2000:] if child.stderr else ""
        raise RuntimeError(f"{variant} failed ({child.returncode}): {error}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if database is not None:
        pages = count_fetches(database)
    return Run(variant, seconds, pages, cpu, samples)


def count_fetches(database: str) -> int:
    engine = create_engine(database)
    with engine.connect() as connection:
        pages = int(connection.execute(text("SELECT count(*) FROM fetches")).scalar_one())
    engine.dispose()
    return pages


def run_variant(
    variant: str, workdir: Path, sites: Path, urls: Path, count: int, workers: int, n: int
) -> Run:
    database = f"sqlite:///{workdir / f'{variant}-{n}.db'}"
    if variant == "canlian":
        settings = [
            *CANLIAN_SETTINGS,
            f"CANLIAN_EXTRACT_WORKERS={workers}",
            f"LOG_FILE={workdir / f'crawl-{n}.log'}",
        ]
        command = [
            sys.executable,
            "-m",
            "crawler.cli",
            "--database",
            database,
            "--sites",
            str(sites),
            "crawl",
        ]
        command += [*KEYS, *(a for s in settings for a in ("-s", s))]
        return timed(variant, command, database, count)
    peer = [sys.executable, "-m", "bench.crawl_peers", "--urls", str(urls)]
    if variant == "fetch":
        return timed(variant, [*peer, "--mode", "fetch"], None, count)
    every = "100" if variant == "plain-100" else "1"
    return timed(
        variant, [*peer, "--mode", "store", "--commit-every", every, "--database", database], None, count
    )


VARIANTS = {
    "fetch": "Scrapy fetch-only (the spider drops every article response)",
    "plain-100": "a plain Scrapy spider + `trafilatura.bare_extraction(with_metadata=True)` + SQLAlchemy, "
    "commit every 100",
    "plain-1": "same, commit per item",
    "canlian": "**canlian crawl**",
}


def report(args: argparse.Namespace, runs: dict[str, list[Run]], server_cpu: float, wall: float) -> str:
    cores = os.cpu_count() or 1
    rows, medians = [], {}
    for variant, done in runs.items():
        label = VARIANTS[variant]
        rate = statistics.median(r.rate for r in done)
        medians[variant] = rate
        cpu_ms = statistics.median(1000 * r.cpu_seconds / r.pages for r in done)
        used = statistics.median(r.cpu_seconds / r.seconds for r in done)
        peak = statistics.median(r.peak_mb for r in done)
        rounds = ", ".join(f"{r.rate:.1f}" for r in done)
        rows.append(f"| {label} | {rate:.1f} ({rounds}) | {cpu_ms:.1f} | {used:.2f} | {peak:.0f} MB |")
    canlian = runs.get("canlian", [])
    thirds = []
    for run in canlian:
        parts = [run.samples[i * len(run.samples) // 3 : (i + 1) * len(run.samples) // 3] for i in range(3)]
        thirds.append(" / ".join(f"{max((s.rss_mb for s in p), default=0):.0f}" for p in parts))
    command = (
        f"python -m bench.bench_crawl --articles-per-site {args.articles_per_site} --rounds {args.rounds}"
    )
    pages = next(iter(runs.values()))[0].pages
    return "\n".join(
        [
            f"Command: `{command} --workers {args.workers}`",
            f"Machine: {platform.machine()}, {cores} cores, Python {platform.python_version()}; "
            f"{pages} article pages ({len(KEYS)} sites), the sample web served by a process on the same "
            "cores "
            f"({server_cpu / wall:.2f} cores on average over the whole benchmark).",
            "",
            "| variant | pages/s, median (rounds) | CPU ms/page | cores used | peak RSS (process tree) |",
            "|---|---|---|---|---|",
            *rows,
            "",
            *ratios(medians),
            f"canlian peak RSS by thirds of each run: {'; '.join(thirds)} MB.",
            "canlian also fetches the list pages (the peers are given the article URLs).",
        ]
    )


def ratios(medians: dict[str, float]) -> list[str]:
    if not {"canlian", "plain-100", "fetch"} <= set(medians):
        return []
    return [
        f"canlian / commit-every-100 peer: **{medians['canlian'] / medians['plain-100']:.2f}x**; "
        f"canlian / fetch-only: **{medians['canlian'] / medians['fetch']:.2f}x**."
    ]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles-per-site", type=int, default=1500, help="4 sites: 6,000 pages by default")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="canlian's extraction processes"
    )
    parser.add_argument("--only", action="append", choices=sorted(VARIANTS), help="run these variants only")
    args = parser.parse_args()
    names = args.only or list(VARIANTS)
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as directory:
        workdir = Path(directory)
        server, sites = serve(args.articles_per_site, workdir)
        started = time.monotonic()
        try:
            urls = article_urls(sites, args.articles_per_site)
            url_file = workdir / "urls.txt"
            url_file.write_text("\n".join(urls))
            runs: dict[str, list[Run]] = {v: [] for v in VARIANTS}
            for n in range(args.rounds):
                order = names[n % len(names) :] + names[: n % len(names)]
                for variant in order:
                    run = run_variant(variant, workdir, sites, url_file, len(urls), args.workers, n)
                    runs[variant].append(run)
                    print(f"round {n + 1}: {variant} {run.rate:.1f} pages/s", file=sys.stderr, flush=True)
            server_cpu = rss_and_cpu([server.pid])[1]
        finally:
            server.terminate()
            server.wait(10)
        runs = {v: r for v, r in runs.items() if r}
        print(report(args, runs, server_cpu, time.monotonic() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
