"""ExtractPipeline through Scrapy's crawler helper: a page the extractor cannot handle is still archived."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime
from typing import Any

import pytest
from scrapy.utils.test import get_crawler

import crawler.pipelines.extract as extract_module
from crawler.extraction.model import Article, NoArticle, NoArticleReason
from crawler.items import PageItem
from crawler.pipelines.extract import ExtractPipeline

PAGE = "<html><head><title>区残联发放两项补贴</title></head><body><p>{}</p></body></html>"


def item() -> PageItem:
    body = PAGE.format("区残联今天发放两项补贴，共计一百万元，惠及全区残疾人。" * 5).encode()
    url = "http://127.0.0.1:9/art/2024/1/5/art_1_1.html"
    return PageItem(
        site_key="county",
        requested_url=url,
        url=url,
        status=200,
        headers={"Content-Type": "text/html; charset=utf-8"},
        body=body,
        fetched_at=datetime(2024, 1, 5, tzinfo=UTC),
    )


def pipeline(workers: int = 0) -> ExtractPipeline:
    crawler = get_crawler(settings_dict={"CANLIAN_EXTRACT_WORKERS": workers})
    assert crawler.stats is not None
    crawler.stats.open_spider()
    return ExtractPipeline.from_crawler(crawler)


def test_an_article_is_extracted_and_counted() -> None:
    extract = pipeline()
    result = asyncio.run(extract.process_item(item())).extraction
    assert isinstance(result, Article) and "两项补贴" in result.body
    assert extract.stats is not None and extract.stats.get_value("extract/ok") == 1


def test_an_extractor_crash_becomes_a_page_without_article(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_: Any) -> Article:
        raise ValueError("unexpected markup")

    monkeypatch.setattr(extract_module, "extract", broken)
    extract = pipeline()
    with caplog.at_level(logging.ERROR):
        result = asyncio.run(extract.process_item(item())).extraction
    assert isinstance(result, NoArticle) and result.reason is NoArticleReason.EXTRACTION_FAILED
    assert "unexpected markup" in result.detail
    assert extract.stats is not None and extract.stats.get_value("extract/extraction_failed") == 1
    assert "extraction of http://127.0.0.1:9/art/2024/1/5/art_1_1.html failed" in caplog.text


def test_a_worker_killed_mid_page_fails_only_that_page() -> None:
    class DeadPool:
        def submit(self, *_: Any) -> Future[Article]:
            future: Future[Article] = Future()
            future.set_exception(BrokenProcessPool("a worker died"))
            return future

    extract = pipeline()
    extract.pool = DeadPool()  # type: ignore[assignment]
    result = asyncio.run(extract.process_item(item())).extraction
    assert isinstance(result, NoArticle) and result.reason is NoArticleReason.EXTRACTION_FAILED


class InlinePool:
    """Runs the submitted call at once in this (main) thread, where SIGALRM works as in a worker."""

    def submit(self, function: Any, *args: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_result(function(*args))
        return future


def test_a_page_over_the_time_limit_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    def never_ends(*_: Any) -> Article:
        while True:
            pass

    monkeypatch.setattr(extract_module, "extract", never_ends)
    crawler = get_crawler(settings_dict={"CANLIAN_EXTRACT_WORKERS": 1, "CANLIAN_EXTRACT_TIMEOUT": 0.2})
    assert crawler.stats is not None
    crawler.stats.open_spider()
    extract = ExtractPipeline.from_crawler(crawler)
    extract.pool = InlinePool()  # type: ignore[assignment]
    page = asyncio.run(extract.process_item(item()))
    result = page.extraction
    assert isinstance(result, NoArticle) and result.reason is NoArticleReason.EXTRACTION_TIMEOUT
    assert page.body, "the raw bytes stay on the item for the archive"
    assert extract.stats is not None and extract.stats.get_value("extract/extraction_timeout") == 1


def test_the_time_limit_defaults_to_twenty_seconds() -> None:
    assert pipeline().timeout == 20.0
