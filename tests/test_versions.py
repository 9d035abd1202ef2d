"""Versions: a changed body keeps the old one and adds the new; chrome-only changes add nothing; diffs read
sentence by sentence."""

from __future__ import annotations

from datetime import UTC, datetime

from dedup_support import add_sites, later, store
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from storage.archive import Outcome
from storage.versions import VersionView, diff_lines, diff_versions, successive_diffs, versions_of

URL = "http://county.example/art/2019/1/25/art_1_2.html"
BODY = "区残联发放两项补贴。共计100万元。\n受益残疾人804名。"
EDITED = "区残联发放两项补贴。共计120万元。\n受益残疾人804名。"


def test_changed_body_adds_a_version_and_chrome_does_not(engine: Engine) -> None:
    add_sites(engine)
    first = store(engine, "county", URL, "两项补贴发放", BODY, raw=b"<html>chrome 1</html>")
    same = store(engine, "county", URL, "两项补贴发放", BODY, at=later(1), raw=b"<html>chrome 2</html>")
    assert same.outcome is Outcome.UNCHANGED, "only the chrome changed"
    edited = store(engine, "county", URL, "两项补贴发放", EDITED, at=later(2), raw=b"<html>chrome 3</html>")
    assert edited.outcome is Outcome.UPDATED
    with Session(engine) as session:
        versions = versions_of(session, first.article_id or 0)
    assert [v.number for v in versions] == [1, 2]
    assert [v.body for v in versions] == [BODY, EDITED]
    assert versions[1].seen_at == later(2)
    (diff,) = list(successive_diffs(versions))
    assert "-共计100万元。" in diff.lines and "+共计120万元。" in diff.lines
    assert "区残联发放两项补贴。" not in [line[1:] for line in diff.lines if line[:1] in "+-"]


def test_diff_is_labelled_with_fetch_times() -> None:
    at = datetime(2026, 11, 2, 3, 4, tzinfo=UTC)
    old = VersionView(1, 10, 100, at, "标题", BODY)
    new = VersionView(2, 11, 101, at, "新标题", BODY)
    lines = diff_versions(old, new)
    assert lines[0] == "--- version 1 (seen 2026-11-02 03:04 UTC, fetch 100)"
    assert "-# 标题" in lines and "+# 新标题" in lines


def test_diff_lines_split_sentences_and_keep_paragraph_breaks() -> None:
    assert diff_lines("T", "甲。乙！\n丙？") == ["# T", "甲。", "乙！", "", "丙？", ""]
