"""A throwaway PostgreSQL server on 127.0.0.1 for the test run (one per pytest worker).

Found from Debian's `postgresql` package (`.ci/run` installs it). The server runs as the `postgres` user when
the tests run as root (PostgreSQL refuses to run as root). When it cannot be started, PostgreSQL tests skip
with the reason, except under CI (`CI=true`), where they fail: CI must test both backends.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

STARTUP_SECONDS = 30


def find_pg_bin() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    if candidates:
        return Path(candidates[0]).parent
    found = shutil.which("pg_ctl")
    return Path(found).resolve().parent if found else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_server_user(argv: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return argv
    return ["runuser", "-u", "postgres", "--", *argv]


class PostgresServer:
    """`data` may sit elsewhere (a small disk, for the full-disk test); `wal` apart from it."""

    def __init__(self, bin_dir: Path, data: Path | None = None, wal: Path | None = None) -> None:
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="canlian-pg-"))
        self.data = data or self.root / "data"
        self.wal = wal
        self.port = free_port()
        if os.geteuid() == 0:
            for folder in (self.root, self.data if data else None, wal):
                if folder is not None:
                    folder.mkdir(parents=True, exist_ok=True)
                    shutil.chown(folder, "postgres")

    def run(self, *argv: str) -> None:
        subprocess.run(_as_server_user(list(argv)), check=True, capture_output=True, timeout=STARTUP_SECONDS)

    def start(self) -> None:
        data = self.data
        wal = ["--waldir", str(self.wal)] if self.wal else []
        self.run(
            str(self.bin_dir / "initdb"),
            "-D",
            str(data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
            *wal,
        )
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run(
            str(self.bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(self.root / "log"),
            "-w",
            "start",
        )

    def stop(self) -> None:
        try:
            self.run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is required in CI but {reason}")
    pytest.skip(f"PostgreSQL not available: {reason} (install Debian's postgresql package)")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bin_dir = find_pg_bin()
    if bin_dir is None:
        _unavailable("no pg_ctl found")
    assert bin_dir is not None
    server = PostgresServer(bin_dir)
    try:
        server.start()
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
        detail = getattr(error, "stderr", b"") or b""
        server.stop()
        _unavailable(f"the server did not start: {error} {detail.decode(errors='replace')[-500:]}")
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh, empty database for one test."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = f"postgresql://postgres@127.0.0.1:{postgres_server.port}/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield postgres_server.url(name)
    deadline = time.monotonic() + 10
    with psycopg.connect(admin, autocommit=True) as connection:
        while True:
            try:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                break
            except psycopg.errors.ObjectInUse:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
