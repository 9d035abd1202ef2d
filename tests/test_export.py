"""Export: the same records as search, streamed to a file (atomically) or stdout, CSV quoted properly."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from test_search import T0, Doc, corpus, load

from storage.export import ExportRefused, output_file, write_records
from storage.models import Article
from storage.queries import FIELDS, Filters, iter_records, search


def test_search_and_export_agree(engine: Engine) -> None:
    docs = corpus(120, seed=9)
    load(engine, docs, story_of={1: 0, 2: 0, 5: 4})
    with Session(engine) as session:
        for copies in (False, True):
            for query, filters in (
                ("康复", Filters()),
                ("残联", Filters(site="js-city")),
                ("助", Filters(region="浙江")),
            ):
                hits = search(session, query, filters, copies=copies, limit=10_000)
                exported = list(iter_records(session, query, filters, copies=copies))
                assert sorted((h.record for h in hits), key=lambda r: r.id) == exported


def test_export_streams_to_a_file_atomically(engine: Engine, tmp_path: Path) -> None:
    load(engine, corpus(50))
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "all.jsonl"
    with Session(engine) as session, output_file(str(target)) as out:
        count = write_records(iter_records(session, None), out, "jsonl")
        assert not target.exists(), "written under a temporary name until complete"
    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == count == 50 and set(lines[0]) == set(FIELDS)
    with pytest.raises(ExportRefused), output_file(str(target)):
        pass
    with pytest.raises(RuntimeError):
        interrupted_export(target)
    assert len(target.read_text(encoding="utf-8").splitlines()) == 50, "the old file survives a failure"
    assert [p.name for p in target.parent.iterdir()] == ["all.jsonl"], "no temporary file left behind"
    with pytest.raises(ExportRefused):
        output_file(str(target.parent)).__enter__()


def interrupted_export(target: Path) -> None:
    with output_file(str(target), force=True) as out:
        out.write("partial")
        raise RuntimeError("export interrupted")


def test_csv_quotes_commas_quotes_and_newlines(engine: Engine) -> None:
    tricky = Doc('标题,带"引号"', '第一行，有逗号, and "quotes"\n第二行\r\n=1+1', "zj-county", T0, "来源,甲")
    load(engine, [tricky])
    out = io.StringIO(newline="")
    with Session(engine) as session:
        write_records(iter_records(session, None), out, "csv")
    header, row = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    record = dict(zip(header, row, strict=True))
    assert (record["title"], record["body"], record["source"]) == (tricky.title, tricky.body, tricky.source)
    assert record["region"] == "浙江省/嘉兴市/秀洲区" and record["copies"] == "1"


def test_published_times_are_shown_in_the_pages_own_zone(engine: Engine) -> None:
    """A page dated 2024-02-03 07:40 in Beijing is exported, searched and shown on that day and hour,
    never as the UTC 2024-02-02T23:40; a page that states another zone keeps it."""
    from datetime import datetime, timedelta, timezone

    from dedup_support import add_sites, report, store

    from storage.story_view import load_story

    add_sites(engine)
    beijing = datetime(2024, 2, 3, 7, 40, tzinfo=timezone(timedelta(hours=8)))
    tokyo = datetime(2024, 2, 3, 7, 40, tzinfo=timezone(timedelta(hours=9)))
    title, body = report(11)
    first = store(engine, "county", "http://a.test/1.html", title, body, published_at=beijing)
    other_title, other_body = report(12, year=2021)
    store(engine, "news", "http://b.test/2.html", other_title, other_body, published_at=tokyo, raw=b"2")
    with Session(engine) as session:
        exported = {r.url: r.to_dict()["published_at"] for r in iter_records(session, None, copies=True)}
        assert exported == {
            "http://a.test/1.html": "2024-02-03T07:40:00+08:00",
            "http://b.test/2.html": "2024-02-03T07:40:00+09:00",
        }
        [hit] = search(session, "残", Filters(site="county"), copies=True)
        assert (
            hit.record.published_at is not None
            and hit.record.published_at.isoformat() == exported[hit.record.url]
        )
        story = load_story(session, session.get_one(Article, first.article_id).story_id or 0)
        assert story is not None and story.copies[0].published_at == beijing
        assert story.copies[0].published_at.isoformat() == "2024-02-03T07:40:00+08:00"
