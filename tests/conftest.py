"""Shared fixtures. Tests are offline by construction: only 127.0.0.1 is ever contacted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from storage.engine import create_archive_engine
from storage.schema import upgrade

pytest_plugins = ["postgres", "crash_web"]

FIXTURES = Path(__file__).with_name("fixtures")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'archive.db'}"


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty archive database URL, once per backend: the storage suite runs on SQLite and PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'archive.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_archive_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()
