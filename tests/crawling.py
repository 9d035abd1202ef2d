"""Running a real crawl from a test: a child process, as the scheduler runs it (the Twisted reactor cannot
be restarted inside the test process)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# The sample web is our own loopback server: no politeness delays, and a log detailed enough to assert on.
FAST = [
    "DOWNLOAD_DELAY=0",
    "AUTOTHROTTLE_ENABLED=False",
    "CONCURRENT_REQUESTS_PER_DOMAIN=8",
    "LOG_LEVEL=INFO",
]


def crawl(
    database_url: str, sites_file: Path, keys: list[str], log: Path, extra: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "crawler.cli", "--database", database_url, "--sites", str(sites_file)]
    command += ["crawl", *keys]
    for setting in [*FAST, f"LOG_FILE={log}", *(extra or [])]:
        command += ["-s", setting]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
