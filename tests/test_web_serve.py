"""`canlian serve`: its options, its refusals, and a real uvicorn process answering on 127.0.0.1."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from alembic import command
from postgres import free_port

from crawler.cli import main
from crawler.cli.parser import parse_args
from storage.engine import create_archive_engine, create_readonly_engine
from storage.schema import alembic_config, upgrade

START_SECONDS = 60


def test_serve_binds_loopback_by_default() -> None:
    args = parse_args(["serve"])
    assert (args.host, args.port) == ("127.0.0.1", 8000)
    assert parse_args(["serve", "--host", "0.0.0.0", "--port", "9000"]).port == 9000


def test_serve_refuses_a_missing_archive_without_creating_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "none.db"
    assert main(["--database", f"sqlite:///{path}", "serve"]) == 2
    assert "no archive at" in capsys.readouterr().err and not path.exists()


def test_serve_refuses_an_archive_it_would_have_to_migrate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_archive_engine(url)
    command.upgrade(alembic_config(engine), "heads")
    command.downgrade(alembic_config(engine), "-1")
    engine.dispose()
    assert main(["--database", url, "serve"]) == 2
    assert "canlian db upgrade" in capsys.readouterr().err


def test_readonly_engine_needs_a_file() -> None:
    with pytest.raises(ValueError, match="file path"):
        create_readonly_engine("sqlite://")


def test_serve_answers_on_loopback_until_interrupted(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    engine = create_archive_engine(url)
    upgrade(engine)
    engine.dispose()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "--database", url, "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        page = _first_answer(f"http://127.0.0.1:{port}/", server)
        assert '<html lang="zh-CN">' in page
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=START_SECONDS)
    assert server.returncode == 0, err
    assert f"read-only at http://127.0.0.1:{port}/" in out


def _first_answer(url: str, server: subprocess.Popen[str]) -> str:
    deadline = time.monotonic() + START_SECONDS  # bounds a hang; the loop ends at the first answer
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never a proxy
    while True:
        try:
            with direct.open(url, timeout=5) as response:
                return str(response.read().decode("utf-8"))
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_a_failing_request_shows_no_stack_trace(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from web import create_app

    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()  # a database file, but no archive in it: every query fails
    app = create_app(create_readonly_engine(f"sqlite:///{empty}"))
    with TestClient(app, raise_server_exceptions=False) as client:
        page, api = client.get("/sites"), client.get("/api/sites")
    assert page.status_code == api.status_code == 500
    for text in (page.text, api.text):
        assert "Traceback" not in text and "sqlite" not in text.lower() and "no such table" not in text
    assert "服务器内部错误" in page.text and api.json()["error"] == "服务器内部错误"
    assert "default-src 'none'" in page.headers["content-security-policy"]
