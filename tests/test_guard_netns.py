"""The private-address guard in a real crawl, inside a loopback-only network namespace (`unshare -n`), so
that a broken guard fails this test instead of sending traffic to 169.254.169.254 or 10.x.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.engine import create_archive_engine
from storage.models import CrawlRun

SCENARIO = Path(__file__).parent / "scenarios" / "private_redirect.py"


def namespace_available() -> str | None:
    if shutil.which("unshare") is None:
        return "unshare(1) is not installed"
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True, text=True, check=False)
    return None if probe.returncode == 0 else f"cannot create a network namespace: {probe.stderr.strip()}"


def test_redirect_and_link_to_private_addresses_are_never_fetched(tmp_path: Path) -> None:
    problem = namespace_available()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(problem)
        pytest.skip(problem)
    database_url = f"sqlite:///{tmp_path / 'archive.db'}"
    script = f"ip link set lo up && exec {sys.executable} {SCENARIO} {database_url} {tmp_path}"
    result = subprocess.run(
        ["unshare", "-n", "sh", "-c", script],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        cwd=Path(__file__).parent.parent,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    engine = create_archive_engine(database_url)
    with Session(engine) as session:
        run = session.scalars(select(CrawlRun)).one()
    engine.dispose()
    assert run.stats.get("guard/blocked_private_address") == 2, run.stats
    exceptions = {k: v for k, v in run.stats.items() if k.startswith("downloader/exception_type_count/")}
    assert exceptions == {
        "downloader/exception_type_count/crawler.middlewares.private_guard.PrivateAddressBlocked": 2
    }, "nothing tried to connect to a private address"
    assert run.pages_fetched == 0
    assert run.errors == 0, "deliberate refusals are not errors"
