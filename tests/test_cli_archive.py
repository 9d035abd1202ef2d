"""`canlian search | export | stats | runs` end to end on a small archive, on both backends."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from test_search import T0, Doc, load

from crawler.cli import main
from storage.runs import finish_run, start_run

DOCS = [
    Doc("区残联发放两项补贴", "秀洲区残联为困难残疾人发放两项补贴。", "zj-county", T0, "嘉兴日报"),
    Doc("区残联发放两项补贴", "秀洲区残联为困难残疾人发放两项补贴。", "cdpf", T0 + timedelta(days=1)),
    Doc("康复服务进社区", "残疾人康复站开展活动", "js-city", T0 + timedelta(days=40)),
]


@pytest.fixture
def archive(engine: Engine, database_url: str) -> str:
    load(engine, DOCS, story_of={1: 0})
    with Session(engine) as session, session.begin():
        run = start_run(session, "zj-county", "manual", T0)
        finish_run(
            session, run.id, "finished", {"archive/pages": 3, "archive/new": 2}, T0 + timedelta(minutes=5)
        )
    return database_url


def test_search_formats(archive: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database", archive, "search", "两项补贴"]) == 0
    table = capsys.readouterr().out
    assert "【两项补贴】" in table and "1 stories" in table, "stories by default, snippet bracketed off a tty"
    assert main(["--database", archive, "search", "两项补贴", "--copies", "--format", "jsonl"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {r["site"] for r in records} == {"zj-county", "cdpf"} and {r["copies"] for r in records} == {2}
    assert main(["--database", archive, "search", "残疾人", "--region", "江苏", "--format", "json"]) == 0
    assert [r["title"] for r in json.loads(capsys.readouterr().out)] == ["康复服务进社区"]
    assert main(["--database", archive, "search", "残", "--since", "2024-02-01", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["title"] for r in rows] == ["康复服务进社区"]


def test_export_matches_search(archive: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.jsonl"
    assert main(["--database", archive, "export", "残联", "--out", str(out)]) == 0
    exported = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    capsys.readouterr()
    assert main(["--database", archive, "search", "残联", "--format", "jsonl"]) == 0
    searched = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert exported == [{k: v for k, v in r.items() if k != "snippet"} for r in searched]
    assert main(["--database", archive, "export", "--out", str(out)]) == 2, "no overwrite without --force"
    assert main(["--database", archive, "export", "--format", "csv", "--out", "-"]) == 0
    assert len(list(csv.DictReader(io.StringIO(capsys.readouterr().out)))) == 2


def test_stats_and_runs(archive: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database", archive, "stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    months = {(m["month"], m["site"]): m["articles"] for m in stats["articles_per_month"]}
    assert months == {("2024-01", "zj-county"): 1, ("2024-01", "cdpf"): 1, ("2024-02", "js-city"): 1}
    assert stats["size"]["articles"] == 3 and stats["size"]["stories"] == 2
    assert stats["size"]["database_bytes"] > 0
    assert [(r["site"], r["runs"], r["pages"], r["new"]) for r in stats["runs"]] == [("zj-county", 1, 3, 2)]
    assert main(["--database", archive, "stats"]) == 0
    assert "articles in 2 stories" in capsys.readouterr().out
    assert main(["--database", archive, "runs"]) == 0
    assert "zj-county" in capsys.readouterr().out
