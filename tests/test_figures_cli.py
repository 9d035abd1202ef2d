"""`canlian figures`: rows with their source article and sentence, totals, export, and --text."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from crawler.cli import main
from crawler.cli.parser import parse_args
from crawler.extraction.model import Article as Extracted
from storage.archive import Assessment, FetchedPage, record_fetch
from storage.engine import create_archive_engine
from storage.runs import SiteInfo, upsert_site
from storage.schema import upgrade
from storage.transactions import write_transaction

REPORT = (
    "2018年，全区为1859人发放困难残疾人生活补贴、为3295人发放重度残疾人护理补贴，共计1064.62万元。\n"
    "举报电话：0573-82721592"
)
T0 = datetime(2019, 1, 25, 0, 46, tzinfo=UTC)


@pytest.fixture
def archive(sqlite_url: str) -> str:
    engine = create_archive_engine(sqlite_url)
    upgrade(engine)
    url = "http://127.0.0.1:9/art/2019/1/25/art_1_2.html"
    page = FetchedPage("county", url, url, 200, {}, REPORT.encode(), T0)
    extracted = Extracted(
        url=url, title="用行动温暖2018", body=REPORT, published_at=T0, extractor_version="t"
    )

    def work(session: Session) -> None:
        upsert_site(session, SiteInfo("county", "秀洲区", "county", "浙江省", "嘉兴市", "秀洲区", False), T0)
        record_fetch(session, page, extracted, Assessment(relevant=True, score=1.0))

    write_transaction(engine, work)
    engine.dispose()
    return sqlite_url


def test_parser() -> None:
    args = parse_args(
        ["figures", "--programme", "两项补贴", "--by", "year", "--format", "csv", "--since", "2019-01-01"]
    )
    assert (args.programme, args.by, args.format, args.since.year) == ("两项补贴", "year", "csv", 2019)
    with pytest.raises(SystemExit):
        parse_args(["figures", "--by", "month"])


def test_jsonl_rows_carry_their_article_and_sentence(
    archive: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--database", archive, "figures", "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["text"], r["programme"], r["region"], r["period"]) for r in rows] == [
        ("1859人", "困难残疾人生活补贴", "秀洲区", "2018"),
        ("3295人", "重度残疾人护理补贴", "秀洲区", "2018"),
        ("1064.62万元", "两项补贴", "秀洲区", "2018"),
    ]
    for row in rows:
        assert row["url"].startswith("http://127.0.0.1:9/") and row["article_id"] == 1
        assert REPORT[row["span_start"] : row["span_end"]] == row["text"]
        assert REPORT[row["sentence_start"] : row["sentence_end"]] == row["sentence"]


def test_csv_table_and_totals(archive: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database", archive, "figures", "--format", "csv", "--measure", "money"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["text"], r["value_normalised"]) for r in rows] == [("1064.62万元", "10646200.0")]
    assert main(["--database", archive, "figures", "--region", "嘉兴市"]) == 0
    table = capsys.readouterr().out
    assert "困难残疾人生活补贴" in table and "1859人" in table and "2019-01-25" in table
    assert main(["--database", archive, "figures", "--by", "year", "--format", "jsonl"]) == 0
    totals = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {(t["year"], t["programme"], t["total"]) for t in totals} == {
        ("2018", "两项补贴", "10646200"),
        ("2018", "困难残疾人生活补贴", "1859"),
        ("2018", "重度残疾人护理补贴", "3295"),
    }
    assert main(["--database", archive, "figures", "--region", "金湖县"]) == 0
    assert "No figures match." in capsys.readouterr().out


def test_an_unknown_programme_is_a_usage_error(archive: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database", archive, "figures", "--programme", "体操"]) == 2
    assert "unknown programme" in capsys.readouterr().err


def test_text_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "report.txt"
    report.write_text(REPORT, encoding="utf-8")
    args = ["figures", "--text", str(report), "--region", "秀洲", "--date", "2019-01-25", "--json"]
    assert main(args) == 0
    found = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    written = ["1859人", "3295人", "1064.62万元"]
    spans = [[REPORT.index(w), REPORT.index(w) + len(w)] for w in written]
    assert [(f["text"], f["region"], f["span"]) for f in found] == [
        (w, "秀洲区", s) for w, s in zip(written, spans, strict=True)
    ]
    assert main(["figures", "--text", str(report)]) == 0
    assert "两项补贴" in capsys.readouterr().out
    assert main(["figures", "--text", str(report), "--region", "鼓楼区"]) == 2
    assert "ambiguous" in capsys.readouterr().err
    assert main(["figures", "--text", str(tmp_path / "missing.txt")]) == 2
