"""`canlian reextract`: the current extractor over archived raw pages, offline; raw bytes never change."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.cli import main
from crawler.extraction import Article as ExtractedArticle
from crawler.extraction import extract
from storage.archive import Assessment, FetchedPage, load_blob, record_fetch
from storage.engine import create_archive_engine
from storage.models import Article, Fetch, RawBlob
from storage.runs import SiteInfo, upsert_site
from storage.schema import upgrade
from storage.transactions import write_transaction

PAGE = (
    "<html><head><meta charset='utf-8'><title>区残联发放两项补贴</title></head><body>"
    "<h1>区残联发放两项补贴</h1><div class='info'>发布时间：2026-03-02 09:00 来源：嘉兴日报</div>"
    "<div id='zoom'><p>区残联今年为全区1859名困难残疾人发放生活补贴，共计1064.62万元。</p>"
    "<p>3295名重度残疾人领取护理补贴，补贴标准逐年提高。</p></div>"
    "<div class='share'>分享到：微信</div></body></html>"
).encode()
URL = "http://127.0.0.1:9/art/2026/3/2/art_1_2.html"


def archive_one(tmp_path: Path, page_bytes: bytes, stored: ExtractedArticle) -> str:
    """An archive holding one page whose article was stored as `stored`; returns its URL."""
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    engine = create_archive_engine(url)
    upgrade(engine)
    page = FetchedPage("county", URL, URL, 200, {"Content-Type": "text/html"}, page_bytes, datetime.now(UTC))

    def write(session: Session) -> None:
        upsert_site(
            session, SiteInfo("county", "县", "county", "浙江省", None, None, False), datetime.now(UTC)
        )
        record_fetch(session, page, stored, Assessment(relevant=True, score=1.0))

    write_transaction(engine, write)
    engine.dispose()
    return url


@pytest.fixture
def archived(tmp_path: Path) -> str:
    """An archive holding one article as an older extractor (simulated) got it: a stale title and body."""
    current = extract(PAGE, URL, {"Content-Type": "text/html"})
    assert isinstance(current, ExtractedArticle)
    stale = replace(
        current,
        title="区残联发放两项补贴_秀洲区人民政府",
        body=current.body + "\n分享到：微信",
        extractor_version="canlian-extract/0.9",
    )
    return archive_one(tmp_path, PAGE, stale)


def test_reextract_updates_fields_adds_a_version_and_keeps_raw_bytes(
    archived: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--database", archived, "reextract"]) == 0
    out = capsys.readouterr().out
    assert "1 articles re-extracted" in out and "1 changed" in out and "title: 1 changed" in out
    engine = create_archive_engine(archived)
    with Session(engine) as session:
        article = session.scalars(select(Article)).one()
        assert article.title == "区残联发放两项补贴"
        assert "分享到" not in article.body
        assert article.extractor_version != "canlian-extract/0.9"
        assert [v.title for v in article.versions] == [
            "区残联发放两项补贴_秀洲区人民政府",
            "区残联发放两项补贴",
        ]
        fetch = session.scalars(select(Fetch)).one()
        assert fetch.raw_sha256 is not None
        assert load_blob(session, fetch.raw_sha256) == PAGE, "raw bytes are never modified"
        assert len(session.scalars(select(RawBlob)).all()) == 1
    engine.dispose()
    assert main(["--database", archived, "reextract"]) == 0
    assert "0 changed, 1 unchanged" in capsys.readouterr().out, "a second run changes nothing"


def test_reextract_filters_by_site_and_date(archived: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database", archived, "reextract", "--site", "elsewhere"]) == 0
    assert capsys.readouterr().out.startswith("0 articles")
    assert main(["--database", archived, "reextract", "--since", "2026-03-03"]) == 0
    assert capsys.readouterr().out.startswith("0 articles")
    assert main(["--database", archived, "reextract", "--since", "2026-03-02"]) == 0
    assert capsys.readouterr().out.startswith("1 articles")


PAGE_WITH_ATTACHMENTS = (
    "<html><head><meta charset='utf-8'><title>关于发放残疾人两项补贴的通知</title></head><body>"
    "<h1>关于发放残疾人两项补贴的通知</h1><div class='info'>发布时间：2026-03-02 09:00 来源：区残联</div>"
    "<div id='zoom'><p>区残联今年为全区1859名困难残疾人发放生活补贴，共计1064.62万元。</p>"
    "<p>3295名重度残疾人领取护理补贴，补贴标准逐年提高。</p>"
    "<p>附件：<a href='/files/list.pdf'>名单.pdf</a>（356KB）</p>"
    "<p>附件：<a href='/files/form.docx'>申请表.docx</a></p>"
    "<p>附件：<a href='/files/guide.pdf'>说明.pdf</a></p></div></body></html>"
).encode()
FILES = "http://127.0.0.1:9/files/"


@pytest.fixture
def archived_with_sizes(tmp_path: Path) -> str:
    """One article as a crawl stored it: the form's size learnt by HEAD, the guide's HEAD failed."""
    current = extract(PAGE_WITH_ATTACHMENTS, URL, {"Content-Type": "text/html"})
    assert isinstance(current, ExtractedArticle)
    assert [a.size for a in current.attachments] == [356 * 1024, None, None]
    listed, form, guide = current.attachments
    return archive_one(
        tmp_path,
        PAGE_WITH_ATTACHMENTS,
        replace(current, attachments=(listed, replace(form, size=20761), guide)),
    )


def _attachments(database_url: str) -> list[dict[str, object]]:
    engine = create_archive_engine(database_url)
    with Session(engine) as session:
        stored = session.scalars(select(Article)).one().attachments
    engine.dispose()
    return stored


def test_sizes_learnt_by_head_survive_reextraction(
    archived_with_sizes: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Attachment sizes a crawl learnt by HEAD request are in no raw page: re-extraction keeps them."""
    archived = archived_with_sizes
    expected = [
        {"name": "名单.pdf", "url": FILES + "list.pdf", "size": 356 * 1024},
        {"name": "申请表.docx", "url": FILES + "form.docx", "size": 20761},
        {"name": "说明.pdf", "url": FILES + "guide.pdf", "size": None},
    ]
    assert _attachments(archived) == expected
    assert main(["--database", archived, "reextract"]) == 0
    assert "0 changed, 1 unchanged" in capsys.readouterr().out
    assert _attachments(archived) == expected
