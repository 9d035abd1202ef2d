"""The pure `canlian` parser, and commands that need no crawl."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from crawler.cli import main
from crawler.cli.parser import parse_args, parse_overrides


def test_crawl_arguments() -> None:
    args = parse_args(["crawl", "cdpf-clyw", "--since", "2018-01-01", "--dry-run", "-s", "DOWNLOAD_DELAY=3"])
    assert args.site_keys == ["cdpf-clyw"]
    assert args.since == date(2018, 1, 1)
    assert args.dry_run and not args.full
    assert parse_overrides(args.overrides) == {"DOWNLOAD_DELAY": "3"}


def test_crawl_needs_sites_and_valid_dates(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        parse_args(["crawl"])
    assert exited.value.code == 2
    with pytest.raises(SystemExit):
        parse_args(["crawl", "x", "--since", "yesterday"])
    assert "is not a date" in capsys.readouterr().err


def test_bad_override_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="NAME=VALUE"):
        parse_overrides(["DOWNLOAD_DELAY"])


def test_unknown_site_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["--database", f"sqlite:///{tmp_path / 'a.db'}", "crawl", "no-such-site"]) == 2
    assert "no site 'no-such-site'" in capsys.readouterr().err


def test_bad_sites_file_exits_2_naming_file_site_and_field(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "mine.toml"
    bad.write_text('[[site]]\nkey = "x1"\nname = "n"\nlevel = "galaxy"\n', encoding="utf-8")
    assert main(["--sites", str(bad), "sites"]) == 2
    err = capsys.readouterr().err
    assert "mine.toml" in err and "'x1'" in err


def test_sites_lists_the_registry_with_verification(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sites", "--json"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {"cdpf-clyw", "xiuzhou-news"} <= {r["key"] for r in records}
    assert all(isinstance(r["verified"], bool) for r in records)
    assert main(["sites"]) == 0
    table = capsys.readouterr().out
    assert "verified" in table.splitlines()[0]


def test_extract_prints_json_and_exits_1_without_article(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    page = tmp_path / "a.html"
    page.write_text(
        "<html><head><title>区残联发放两项补贴</title></head><body><h1>区残联发放两项补贴</h1>"
        "<div id='zoom'><p>"
        + "区残联今年为全区1859名困难残疾人发放生活补贴，共计1064.62万元。" * 3
        + "</p></div></body></html>",
        encoding="utf-8",
    )
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    assert (
        main(["extract", str(page), "--url", "http://127.0.0.1:9/art/2019/1/25/art_1_2.html", "--json"]) == 0
    )
    record = json.loads(capsys.readouterr().out)
    assert record["title"] == "区残联发放两项补贴"
    assert record["published_at"].startswith("2019-01-25")
    assert main(["extract", str(page), str(empty)]) == 1
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["path"] for line in lines] == [str(page), str(empty)]
    assert "error" in lines[1] and "error" not in lines[0]
