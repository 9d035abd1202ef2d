"""Full-pipeline crawl throughput against extraction alone, on the same pages.

    python -m bench.bench_crawl [--articles-per-site 25000] [--workers 2]

1. Serves the sample web (its own process, so its CPU shows separately) and crawls all four sites with
   politeness delays off: fetch, extract (worker processes), relevance, dedup, store into a fresh SQLite.
   Every second it samples the RSS and CPU time of the crawl process tree (crawler + extraction workers).
2. Reads every stored article page's raw bytes back from the archive and extracts them again in one
   process: the extraction-only rate per core.
Prints a markdown report: pages/s, the ratio to cores x extraction-only rate, CPU use, peak RSS over time.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.procstat import Sample, rss_and_cpu, watch
from crawler.extraction import extract


@dataclass
class CrawlMeasure:
    seconds: float
    pages: int
    samples: list[Sample] = field(default_factory=list)
    server_cpu_seconds: float = 0.0


def serve(articles: int, workdir: Path) -> tuple[subprocess.Popen[bytes], Path]:
    sites = workdir / "sites.toml"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sampleweb",
            "serve",
            "--articles",
            str(articles),
            "--port-base",
            "0",
            "--sites-out",
            str(sites),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while not sites.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    if not sites.exists():
        server.kill()
        raise RuntimeError("the sample web did not start")
    return server, sites


def run_crawl(database: str, sites: Path, workers: int, log: Path) -> CrawlMeasure:
    keys = ["sample-county", "sample-portal", "sample-cdpf", "sample-citynews"]
    settings = [
        "DOWNLOAD_DELAY=0",
        "AUTOTHROTTLE_ENABLED=False",
        "CONCURRENT_REQUESTS=32",
        "CONCURRENT_REQUESTS_PER_DOMAIN=16",
        f"CANLIAN_EXTRACT_WORKERS={workers}",
        "LOG_LEVEL=INFO",
        f"LOG_FILE={log}",
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
        *keys,
    ]
    for setting in settings:
        command += ["-s", setting]
    started = time.monotonic()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    samples = watch(child, started)
    if child.returncode != 0:
        tail = log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"
        raise RuntimeError(f"crawl failed ({child.returncode}):\n{tail}")
    seconds = time.monotonic() - started
    engine = create_engine(database)
    with engine.connect() as connection:
        pages = int(connection.execute(text("SELECT count(*) FROM fetches")).scalar_one())
    engine.dispose()
    return CrawlMeasure(seconds, pages, samples)


def extraction_only(database: str, limit: int) -> tuple[float, int]:
    """Pages per second of extract() alone, one process, over the crawled pages' raw bytes."""
    engine = create_engine(database)
    query = text(
        "SELECT f.final_url, b.data FROM fetches f JOIN raw_blobs b ON b.sha256 = f.raw_sha256 LIMIT :n"
    )
    with engine.connect() as connection:
        pages = [(url, zlib.decompress(data)) for url, data in connection.execute(query, {"n": limit})]
    engine.dispose()
    started = time.process_time()
    for url, raw in pages:
        extract(raw, url, {"Content-Type": "text/html"})
    return len(pages) / (time.process_time() - started), len(pages)


def report(args: argparse.Namespace, crawl: CrawlMeasure, extract_rate: float, extracted: int) -> str:
    cores = os.cpu_count() or 1
    rate = crawl.pages / crawl.seconds
    cpu = crawl.samples[-1].cpu_seconds if crawl.samples else 0.0
    peak = max((s.rss_mb for s in crawl.samples), default=0.0)
    thirds = [
        crawl.samples[i * len(crawl.samples) // 3 : (i + 1) * len(crawl.samples) // 3] for i in range(3)
    ]
    rss_by_third = [max((s.rss_mb for s in part), default=0.0) for part in thirds]
    command = (
        f"python -m bench.bench_crawl --articles-per-site {args.articles_per_site} --workers {args.workers}"
    )
    median_rss = statistics.median(s.rss_mb for s in crawl.samples) if crawl.samples else 0.0
    thirds_text = " / ".join(f"{r:.0f}" for r in rss_by_third)
    lines = [
        f"Command: `{command}`",
        f"Machine: {platform.machine()}, {cores} cores, Python {platform.python_version()}; the sample web "
        "is served by a separate process on the same machine (it competes for the same cores).",
        "",
        "| measure | value |",
        "| --- | --- |",
        f"| article pages crawled (fetch, extract, relevance, dedup, store) | {crawl.pages} |",
        f"| wall time | {crawl.seconds:.1f} s |",
        f"| full pipeline | {rate:.1f} pages/s |",
        f"| extraction only, one process ({extracted} of the same pages) | {extract_rate:.1f} pages/s |",
        f"| full pipeline / ({cores} cores x extraction only) | {rate / (cores * extract_rate):.2f} |",
        f"| CPU used by the crawl tree | {cpu / crawl.seconds:.2f} cores on average |",
        f"| CPU used by the sample-web server (same machine) | {crawl.server_cpu_seconds / crawl.seconds:.2f}"
        " cores on average |",
        f"| peak RSS of the crawl tree, by thirds of the run | {thirds_text} MB |",
        f"| peak RSS overall | {peak:.0f} MB |",
        f"| median RSS | {median_rss:.0f} MB |",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--articles-per-site", type=int, default=25_000, help="4 sites: 100k pages by default"
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="extraction processes")
    parser.add_argument("--extract-sample", type=int, default=3000, help="pages for the extraction-only run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as directory:
        workdir = Path(directory)
        database = f"sqlite:///{workdir / 'archive.db'}"
        server, sites = serve(args.articles_per_site, workdir)
        try:
            crawl = run_crawl(database, sites, args.workers, workdir / "crawl.log")
            crawl.server_cpu_seconds = rss_and_cpu([server.pid])[1]
        finally:
            server.terminate()
            server.wait(10)
        rate, extracted = extraction_only(database, args.extract_sample)
        print(report(args, crawl, rate, extracted))
    return 0


if __name__ == "__main__":
    sys.exit(main())
