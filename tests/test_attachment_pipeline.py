"""AttachmentSizePipeline: through Scrapy's test helpers with a stand-in engine, then real crawls of the
sample web (a child process, loopback only) into SQLite."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import scrapy
from crawling import crawl
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.test import get_crawler
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.extraction.model import Article, Attachment, NoArticle, NoArticleReason
from crawler.items import PageItem
from crawler.middlewares.challenges import ChallengeBlocked
from crawler.pipelines.attachments import AttachmentSizePipeline
from crawler.relevance import Relevance
from crawler.request_kinds import ATTACHMENT
from crawler.sites import parse_site
from crawler.spiderloader import spider_class_for
from sampleweb import RunningSampleWeb, SampleWeb, site_definitions, start, write_sites_toml
from sampleweb.pages import Response as SampleResponse
from sampleweb.sites import CDPF, PORTAL
from storage.engine import create_archive_engine
from storage.models import Article as ArchivedArticle
from storage.models import CrawlRun

BASE = "http://127.0.0.1:8701"
PDF = {b"Content-Type": b"application/pdf"}


class StandInEngine:
    """Answers `download_async` from a table (a Response, or an exception to raise) and records requests."""

    def __init__(self, answers: dict[str, Response | Exception]) -> None:
        self.answers = answers
        self.requests: list[scrapy.Request] = []

    async def download_async(self, request: scrapy.Request) -> Response:
        self.requests.append(request)
        answer = self.answers[request.url]
        if isinstance(answer, Exception):
            raise answer
        return answer


def _pipeline(engine: StandInEngine, **settings: Any) -> tuple[AttachmentSizePipeline, Any]:
    site = parse_site(
        {
            "key": "notices",
            "name": "n",
            "level": "province",
            "start_urls": [f"{BASE}/col/index.html"],
            "article_patterns": ["x"],
            "list_strategy": "html_links",
            "allow_private_network": True,
        },
        "test",
    )
    cls = spider_class_for(site)
    crawler = get_crawler(cls, settings)
    crawler.spider = cls.from_crawler(crawler)
    crawler.engine = engine  # type: ignore[assignment]
    return AttachmentSizePipeline.from_crawler(crawler), crawler.stats


def _item(attachments: tuple[Attachment, ...], relevant: bool = True) -> PageItem:
    url = f"{BASE}/art/2023/3/1/art_1_2.html"
    item = PageItem("notices", url, url, 200, {}, b"", datetime.now(UTC))
    item.extraction = Article(url=url, title="关于两项补贴的通知", body="残联", attachments=attachments)
    item.relevance = Relevance(relevant, 1.0 if relevant else 0.0, ("残联",), (), "test")
    return item


def _file(name: str) -> str:
    return f"{BASE}/files/{name}"


def _answer(url: str, status: int = 200, headers: dict[bytes, bytes] | None = None) -> Response:
    return Response(url, status=status, headers=headers if headers is not None else PDF)


def _sizes(item: PageItem) -> list[int | None]:
    assert isinstance(item.extraction, Article)
    return [a.size for a in item.extraction.attachments]


def test_head_fills_missing_sizes_and_keeps_those_the_page_shows() -> None:
    engine = StandInEngine(
        {
            _file("b.docx"): _answer(_file("b.docx"), headers={**PDF, b"Content-Length": b"20761"}),
            _file("c.xls"): _answer(_file("c.xls")),  # no Content-Length
        }
    )
    pipeline, stats = _pipeline(engine)
    shown = Attachment("a.pdf", _file("a.pdf"), 364544)
    item = asyncio.run(
        pipeline.process_item(
            _item((shown, Attachment("b.docx", _file("b.docx")), Attachment("c.xls", _file("c.xls"))))
        )
    )
    assert _sizes(item) == [364544, 20761, None]
    assert [(r.method, r.url) for r in engine.requests] == [
        ("HEAD", _file("b.docx")),
        ("HEAD", _file("c.xls")),
    ]
    request = engine.requests[0]
    assert request.meta["canlian_kind"] == ATTACHMENT and request.dont_filter
    assert request.headers[b"Accept-Encoding"] == b"identity"
    counts = {k: v for k, v in stats.get_stats().items() if k.startswith("attachments/")}
    assert counts == {
        "attachments/size_from_text": 1,
        "attachments/size_from_head": 1,
        "attachments/size_unknown": 1,
    }


def test_failed_refused_and_non_file_answers_leave_the_size_unknown() -> None:
    names = ("refused.pdf", "gone.pdf", "error_page.pdf", "empty.pdf")
    engine = StandInEngine(
        {
            _file("refused.pdf"): IgnoreRequest("Forbidden by robots.txt"),
            _file("gone.pdf"): _answer(_file("gone.pdf"), status=404),
            _file("error_page.pdf"): _answer(
                _file("error_page.pdf"), headers={b"Content-Type": b"text/html", b"Content-Length": b"812"}
            ),
            _file("empty.pdf"): _answer(_file("empty.pdf"), headers={**PDF, b"Content-Length": b"0"}),
        }
    )
    pipeline, stats = _pipeline(engine)
    item = asyncio.run(pipeline.process_item(_item(tuple(Attachment(n, _file(n)) for n in names))))
    assert _sizes(item) == [None, None, None, None]
    assert stats.get_value("attachments/head_failed") == 3  # the empty file did answer, with nothing useful
    assert stats.get_value("attachments/size_unknown") == 4
    assert stats.get_value("attachments/size_from_head") is None


def test_a_host_that_refuses_head_is_asked_no_more() -> None:
    other = "http://127.0.0.2:8701/files/"
    engine = StandInEngine(
        {
            _file("a.pdf"): _answer(_file("a.pdf"), status=405),
            other + "a.pdf": ChallengeBlocked("challenge page (HTTP 412)"),
        }
    )
    pipeline, stats = _pipeline(engine)
    names = ("a.pdf", "b.pdf")
    first = _item(tuple(Attachment(n, _file(n)) for n in names))
    second = _item(tuple(Attachment(n, other + n) for n in names))
    assert _sizes(asyncio.run(pipeline.process_item(first))) == [None, None]
    assert _sizes(asyncio.run(pipeline.process_item(second))) == [None, None]
    assert [r.url for r in engine.requests] == [_file("a.pdf"), other + "a.pdf"]
    assert stats.get_value("attachments/head_failed") == 2
    assert stats.get_value("attachments/head_skipped") == 2


def test_heads_per_article_are_capped() -> None:
    names = [f"form{n}.pdf" for n in range(5)]
    answers: dict[str, Response | Exception] = {
        _file(n): _answer(_file(n), headers={**PDF, b"Content-Length": b"100"}) for n in names
    }
    engine = StandInEngine(answers)
    pipeline, stats = _pipeline(engine, CANLIAN_ATTACHMENT_HEADS_PER_ARTICLE=2)
    item = asyncio.run(pipeline.process_item(_item(tuple(Attachment(n, _file(n)) for n in names))))
    assert _sizes(item) == [100, 100, None, None, None]
    assert len(engine.requests) == 2
    assert stats.get_value("attachments/size_unknown") == 3


def test_text_mode_sends_nothing_and_off_records_no_size() -> None:
    attachments = (Attachment("a.pdf", _file("a.pdf"), 2048), Attachment("b.pdf", _file("b.pdf")))
    engine = StandInEngine({})
    text, stats = _pipeline(engine, CANLIAN_ATTACHMENT_SIZES="text")
    assert _sizes(asyncio.run(text.process_item(_item(attachments)))) == [2048, None]
    assert stats.get_value("attachments/size_unknown") == 1
    off, _ = _pipeline(engine, CANLIAN_ATTACHMENT_SIZES="off")
    assert _sizes(asyncio.run(off.process_item(_item(attachments)))) == [None, None]
    assert engine.requests == []


def test_articles_not_kept_and_pages_without_article_send_nothing() -> None:
    engine = StandInEngine({})
    pipeline, stats = _pipeline(engine)
    dropped = _item((Attachment("b.pdf", _file("b.pdf")),), relevant=False)
    assert _sizes(asyncio.run(pipeline.process_item(dropped))) == [None]
    no_article = _item(())
    no_article.extraction = NoArticle(NoArticleReason.NO_MAIN_CONTENT)
    assert asyncio.run(pipeline.process_item(no_article)) is no_article
    assert engine.requests == []
    assert not [k for k in stats.get_stats() if k.startswith("attachments/")]


def test_an_unknown_mode_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="CANLIAN_ATTACHMENT_SIZES"):
        _pipeline(StandInEngine({}), CANLIAN_ATTACHMENT_SIZES="download")


# --- real crawls of the sample web ---------------------------------------------------------------------


class AttachmentsRefuseHead(SampleWeb):
    """A server that answers HEAD for attachment files with 405, as some government CMSs do."""

    def respond(
        self, site_key: str, method: str, path_with_query: str, body: bytes | None = None, base_url: str = ""
    ) -> SampleResponse:
        if method == "HEAD" and self.classify(site_key, path_with_query) == "attachment":
            return 405, {"Content-Type": "text/html; charset=utf-8", "Allow": "GET"}, b""
        return super().respond(site_key, method, path_with_query, body, base_url)


@contextmanager
def _serve(web: SampleWeb, tmp_path: Path) -> Iterator[tuple[RunningSampleWeb, Path]]:
    with start(web) as running:
        sites_file = tmp_path / "sites.toml"
        write_sites_toml(site_definitions(running.base_urls), sites_file)
        yield running, sites_file


def _crawl(running: RunningSampleWeb, sites_file: Path, tmp_path: Path, *settings: str) -> str:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    done = crawl(url, sites_file, [CDPF, PORTAL], tmp_path / "crawl.log", list(settings))
    assert done.returncode == 0, done.stdout + done.stderr + (tmp_path / "crawl.log").read_text()
    return url


def _archived(database_url: str) -> tuple[dict[str, list[dict[str, Any]]], dict[str, int]]:
    """Attachments per article path, and the attachment stats summed over the runs."""
    engine = create_archive_engine(database_url)
    with Session(engine) as session:
        by_path = {urlsplit(a.url).path: a.attachments for a in session.scalars(select(ArchivedArticle))}
        stats: dict[str, int] = {}
        for run in session.scalars(select(CrawlRun)):
            assert run.finish_reason == "finished" and run.errors == 0
            for key, value in run.stats.items():
                if key.startswith("attachments/"):
                    stats[key] = stats.get(key, 0) + int(value)
    engine.dispose()
    return by_path, stats


def _expected(web: SampleWeb, sized: bool) -> dict[str, list[dict[str, Any]]]:
    """The truth's attachments of every relevant article; unshown sizes only when HEADs are answered."""
    return {
        r.path: [
            {
                "name": a.name,
                "path": a.src,
                "size": a.size if a.size_shown or sized else None,
            }
            for a in r.attachments
        ]
        for r in web.truth()
        if r.kind == "article" and r.relevant and r.site in (CDPF, PORTAL) and r.attachments
    }


def _got(by_path: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    return {
        path: [{"name": a["name"], "path": urlsplit(a["url"]).path, "size": a["size"]} for a in attachments]
        for path, attachments in by_path.items()
        if attachments
    }


@pytest.mark.e2e
def test_crawl_records_sizes_from_text_and_from_head(tmp_path: Path) -> None:
    web = SampleWeb(seed=2026, articles_per_site=30)
    with _serve(web, tmp_path) as (running, sites_file):
        by_path, stats = _archived(_crawl(running, sites_file, tmp_path))
        heads = running.counters.methods("attachment")
    assert _got(by_path) == _expected(web, sized=True)
    shown, unshown = _kept_attachments(web)
    assert unshown > 0
    assert heads == {"HEAD": unshown}, "one HEAD per size the page does not show, never a GET"
    assert stats == {"attachments/size_from_text": shown, "attachments/size_from_head": unshown}
    assert json.dumps(by_path)  # stored as plain JSON: ints and nulls


@pytest.mark.e2e
def test_text_mode_crawl_sends_no_request_for_attachments(tmp_path: Path) -> None:
    web = SampleWeb(seed=2026, articles_per_site=30)
    with _serve(web, tmp_path) as (running, sites_file):
        by_path, stats = _archived(_crawl(running, sites_file, tmp_path, "CANLIAN_ATTACHMENT_SIZES=text"))
        requests = running.counters.methods("attachment")
    assert requests == {}
    assert _got(by_path) == _expected(web, sized=False)
    assert stats["attachments/size_unknown"] > 0 and "attachments/size_from_head" not in stats


@pytest.mark.e2e
def test_refused_heads_leave_sizes_unknown_and_the_crawl_finishes(tmp_path: Path) -> None:
    web = AttachmentsRefuseHead(seed=2026, articles_per_site=30)
    with _serve(web, tmp_path) as (running, sites_file):
        by_path, stats = _archived(_crawl(running, sites_file, tmp_path))
        heads = running.counters.methods("attachment")
    assert _got(by_path) == _expected(web, sized=False), "every article archived, unshown sizes unknown"
    # One refused HEAD per site (each sample site is its own host), then that host is asked no more.
    assert heads == {"HEAD": 2} and stats["attachments/head_failed"] == 2
    assert stats["attachments/head_skipped"] == stats["attachments/size_unknown"] - 2 > 0


def _kept_attachments(web: SampleWeb) -> tuple[int, int]:
    """(sizes shown, sizes not shown) over the attachments of the relevant sample articles."""
    kept = [
        a
        for r in web.truth()
        if r.kind == "article" and r.relevant and r.site in (CDPF, PORTAL)
        for a in r.attachments
    ]
    return sum(a.size_shown for a in kept), sum(not a.size_shown for a in kept)
