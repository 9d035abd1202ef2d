"""Shared fixtures. Tests are offline by construction: only 127.0.0.1 is ever contacted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from storage.engine import create_archive_engine
from storage.schema import upgrade

FIXTURES = Path(__file__).with_name("fixtures")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'archive.db'}"


@pytest.fixture
def engine(sqlite_url: str) -> Iterator[Engine]:
    engine = create_archive_engine(sqlite_url)
    upgrade(engine)
    yield engine
    engine.dispose()
