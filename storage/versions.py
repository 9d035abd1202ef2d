"""The versions a copy has had, and readable diffs between them.

A version is an `ArticleVersion` row: storage.archive writes one per distinct body (title included), so a
page whose chrome changed but whose extracted body did not has no new version. Diffs go sentence by
sentence: a Chinese paragraph is one long line, and a changed figure should not show as a whole paragraph.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import ArticleVersion

_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")


@dataclass(frozen=True, slots=True)
class VersionView:
    number: int  # 1 = the first body archived
    version_id: int
    fetch_id: int
    seen_at: datetime
    title: str
    body: str


@dataclass(frozen=True, slots=True)
class VersionDiff:
    older: VersionView
    newer: VersionView
    lines: tuple[str, ...]  # unified diff lines, without trailing newlines


def versions_of(session: Session, article_id: int) -> list[VersionView]:
    rows = session.scalars(
        select(ArticleVersion)
        .where(ArticleVersion.article_id == article_id)
        .order_by(ArticleVersion.seen_at, ArticleVersion.id)
    )
    return [
        VersionView(number, row.id, row.fetch_id, row.seen_at, row.title, row.body)
        for number, row in enumerate(rows, start=1)
    ]


def successive_diffs(versions: list[VersionView]) -> Iterator[VersionDiff]:
    for older, newer in itertools.pairwise(versions):
        yield VersionDiff(older, newer, tuple(diff_versions(older, newer)))


def diff_versions(older: VersionView, newer: VersionView) -> list[str]:
    """A unified diff of title and body, one sentence per line, labelled with fetch times."""
    return list(
        difflib.unified_diff(
            diff_lines(older.title, older.body),
            diff_lines(newer.title, newer.body),
            fromfile=_label(older),
            tofile=_label(newer),
            lineterm="",
        )
    )


def _label(version: VersionView) -> str:
    return f"version {version.number} (seen {version.seen_at:%Y-%m-%d %H:%M} UTC, fetch {version.fetch_id})"


def diff_lines(title: str, body: str) -> list[str]:
    lines = [f"# {title}"]
    for paragraph in body.splitlines():
        if paragraph.strip():
            lines.extend(s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip())
        lines.append("")  # paragraph break, so a moved sentence shows where it went
    return lines
