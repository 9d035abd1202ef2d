"""`canlian show`: the story, every copy with its own metadata, the canonical copy marked, diffs on demand."""

from __future__ import annotations

import json

import pytest
from dedup_support import add_sites, later, report, store, story_of
from sqlalchemy import Engine

from crawler.cli import main
from crawler.cli.parser import parse_args


@pytest.fixture
def archive(engine: Engine, database_url: str) -> tuple[str, int]:
    add_sites(engine)
    title, body = report(21)
    county = store(engine, "county", "http://county.example/a.html", title, body, editors=("王敏",))
    store(
        engine,
        "news",
        "http://news.example/b.htm",
        "【转载】" + title,
        body + "\n（责任编辑：李娜）",
        at=later(1),
        source="秀洲区人民政府网",
        editors=("李娜",),
    )
    store(engine, "county", "http://county.example/a.html", title, body.replace("。", "！", 1), at=later(2))
    return database_url, story_of(engine, county.article_id)


def test_parser_knows_show() -> None:
    args = parse_args(["show", "12", "--versions", "--json"])
    assert (args.story_id, args.versions, args.json) == (12, True, True)


def test_show_lists_every_copy_and_marks_the_canonical(
    archive: tuple[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    url, story_id = archive
    assert main(["--database", url, "show", str(story_id)]) == 0
    out = capsys.readouterr().out
    assert f"story {story_id}:" in out and "2 copies" in out
    assert "http://county.example/a.html" in out and "http://news.example/b.htm" in out
    assert "秀洲区人民政府网" in out and "李娜" in out
    canonical_rows = [line for line in out.splitlines() if line.lstrip().startswith("*")]
    assert len(canonical_rows) == 1 and "county" in canonical_rows[0], "named by the news copy's 来源"


def test_show_versions_prints_a_diff(archive: tuple[str, int], capsys: pytest.CaptureFixture[str]) -> None:
    url, story_id = archive
    assert main(["--database", url, "show", str(story_id), "--versions"]) == 0
    out = capsys.readouterr().out
    assert "2 version(s)" in out and "--- version 1" in out and "+++ version 2" in out


def test_show_json(archive: tuple[str, int], capsys: pytest.CaptureFixture[str]) -> None:
    url, story_id = archive
    assert main(["--database", url, "show", str(story_id), "--json", "--versions"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["id"] == story_id
    by_site = {copy["site"]: copy for copy in record["copies"]}
    assert by_site["county"]["canonical"] and not by_site["news"]["canonical"]
    assert by_site["news"]["joined_by"] == "near" and by_site["news"]["editors"] == ["李娜"]
    assert len(by_site["county"]["versions"]) == 2 and by_site["county"]["diffs"][0].startswith("---")


def test_show_unknown_story_exits_1(archive: tuple[str, int], capsys: pytest.CaptureFixture[str]) -> None:
    url, _ = archive
    assert main(["--database", url, "show", "999999"]) == 1
    assert "no story 999999" in capsys.readouterr().err
