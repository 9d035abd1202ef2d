"""`extract` over every article page of the sample web, against the generator's ground truth."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from crawler.extraction import extract
from crawler.extraction.model import Article
from sampleweb import CHROME_MARKERS, SampleWeb, TruthRecord

WEB = SampleWeb(seed=2026, articles_per_site=30)
# Tags are compared where a page prints them: the truth of the other sites lists story tags that their
# templates never show (reported to the sample-web owner).
SITES_SHOWING_TAGS = {"sample-county"}


def _records() -> list[TruthRecord]:
    return list(WEB.truth())


def _extract(record: TruthRecord) -> Article:
    status, headers, raw = WEB.respond(record.site, "GET", record.path)
    assert status == 200
    result = extract(raw, f"http://{record.site}.invalid{record.path}", headers)
    assert isinstance(result, Article), result
    return result


def _lines(lines: list[str] | tuple[str, ...]) -> list[str]:
    return [" ".join(line.split()) for line in lines if line.strip()]


@pytest.mark.parametrize("record", _records(), ids=lambda r: f"{r.site}{r.path}")
def test_sample_article(record: TruthRecord) -> None:
    article = _extract(record)
    assert article.title == record.title
    assert article.published_at is not None
    assert article.published_at.isoformat(timespec="minutes") == record.published_at[:16] + "+08:00"
    assert article.source == record.source
    assert article.authors == record.authors
    assert article.editors == record.editors
    assert article.correspondents == record.correspondents
    if record.site in SITES_SHOWING_TAGS:
        assert article.tags == record.tags
    assert _lines(article.body.split("\n")) == _lines(record.body)
    assert [(urlsplit(i.src).path, i.caption) for i in article.images] == [
        (i.src, i.caption) for i in record.images
    ]
    assert not [marker for marker in CHROME_MARKERS if marker in article.body]


def test_sample_lists_are_not_articles() -> None:
    lists = (
        ("sample-portal", "/jsyw/index.shtml"),
        ("sample-cdpf", "/xwzx/clyw2/index.htm"),
        ("sample-county", "/col/col1229410724/index.html"),
        ("sample-citynews", "/news/list_1.html"),
    )
    for site, path in lists:
        _status, headers, raw = WEB.respond(site, "GET", path)
        assert not isinstance(extract(raw, f"http://{site}.invalid{path}", headers), Article)
