"""Attachment sizes read from the page (crawler/extraction/media.py): only sizes plainly by their link."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from conftest import FIXTURES
from lxml.html import HtmlElement

from crawler.extraction import extract
from crawler.extraction.dom import parse_html
from crawler.extraction.media import find_attachments
from crawler.extraction.model import Article, Attachment
from crawler.extraction.serialize import article_to_dict
from sampleweb import SampleWeb
from sampleweb.sites import CDPF, PORTAL

BASE = "http://www.example.gov.cn/art/2023/3/1/art_1_2.html"
KB, MB, GB = 1024, 1024**2, 1024**3


def _tree(fragment: str) -> HtmlElement:
    tree = parse_html(f"<html><body>{fragment}</body></html>")
    assert tree is not None
    return tree


def _found(fragment: str) -> list[tuple[str, int | None]]:
    return [(a.name, a.size) for a in find_attachments(None, _tree(f"<div>附件：{fragment}</div>"), BASE)]


def test_sizes_on_a_saved_notice_page() -> None:
    raw = (FIXTURES / "attachments" / "sizes.html").read_bytes()
    article = extract(raw, BASE, {"Content-Type": "text/html; charset=utf-8"})
    assert isinstance(article, Article)
    assert [(a.name, urlsplit(a.url).path.rsplit("/", 1)[1], a.size) for a in article.attachments] == [
        ("关于做好残疾人两项补贴资格认定工作的通知.pdf", "P020230301001.pdf", 356 * KB),
        ("残疾人两项补贴申请审批表.docx", "P020230301002.docx", round(1.2 * MB)),
        ("两项补贴发放汇总表.xls", "P020230301003.xls", 12 * KB),
        ("政策解读.pdf", "P020230301004.pdf", round(2.35 * MB)),
        ("全部附件打包下载", "P020230301005.zip", None),
        ("填报说明.pdf", "P020230301006.pdf", None),  # the size sits on the next line: not clearly its own
        ("正式文件（OFD版）", "P020230301007.ofd", 356 * KB),
        ("目录.pdf", "P020230301008.pdf", round(0.5 * GB)),
    ]


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("<a href='a.pdf'>通知.pdf（356KB）</a>", [("通知.pdf", 356 * KB)]),
        ("<a href='a.pdf'>通知.pdf</a>（356 kb）", [("通知.pdf", 356 * KB)]),
        ("<a href='a.pdf'>通知.pdf</a> (1.5 MB)", [("通知.pdf", round(1.5 * MB))]),
        ("<a href='a.pdf'>通知.pdf</a>【大小：12K】", [("通知.pdf", 12 * KB)]),
        ("<a href='a.pdf'>通知.pdf 大小：12K</a>", [("通知.pdf", 12 * KB)]),
        ("<a href='a.pdf'>通知.pdf</a> [2.35 M]", [("通知.pdf", round(2.35 * MB))]),
        ("<a href='a.pdf'>通知.pdf</a>（2048字节）", [("通知.pdf", 2048)]),
        ("<a href='a.pdf'>通知.pdf</a><font><em>(1.2MB)</em></font>", [("通知.pdf", round(1.2 * MB))]),
        # Each link takes only the size before the next link.
        (
            "<a href='a.pdf'>甲.pdf</a> <a href='b.pdf'>乙.pdf</a>（3K）",
            [("甲.pdf", None), ("乙.pdf", 3 * KB)],
        ),
    ],
)
def test_sizes_next_to_the_link(fragment: str, expected: list[tuple[str, int | None]]) -> None:
    assert _found(fragment) == expected


@pytest.mark.parametrize(
    "fragment",
    [
        "<a href='a.pdf'>通知.pdf</a>",
        "<a href='a.pdf'>通知.pdf</a><br>(356KB)",  # another line
        "<a href='a.pdf'>通知.pdf</a><p>(356KB)</p>",  # another block
        "<a href='a.pdf'>通知.pdf</a> 共3页 356",  # no unit
        "<a href='a.pdf'>通知.pdf</a> 下载 12K",  # a bare size needs KB / MB / GB and must come first
        "<a href='a.pdf'>关于（5M）宽带的通知.pdf</a>",  # a bracket inside the title
        "<a href='a.pdf'>通知.pdf</a>（0KB）",  # a CMS rounding a small file down
        "<a href='a.pdf'>通知.pdf</a> 2 Mbps 专线",
    ],
)
def test_no_size_unless_it_is_plainly_the_links(fragment: str) -> None:
    assert [size for _, size in _found(fragment)] == [None]


def test_size_is_serialised_with_every_attachment() -> None:
    article = Article(url=BASE, title="t", body="b", attachments=(Attachment("a.pdf", BASE, 12),))
    assert article_to_dict(article)["attachments"] == [{"name": "a.pdf", "url": BASE, "size": 12}]


def test_sample_web_attachments_are_extracted_as_the_truth_says() -> None:
    web = SampleWeb(seed=2026, articles_per_site=30)
    records = [r for r in web.truth() if r.attachments]
    assert {r.site for r in records} == {CDPF, PORTAL}
    assert {a.size_shown for r in records for a in r.attachments} == {True, False}
    for record in records:
        _status, headers, raw = web.respond(record.site, "GET", record.path)
        article = extract(raw, f"http://{record.site}.invalid{record.path}", headers)
        assert isinstance(article, Article), record.path
        assert [(a.name, urlsplit(a.url).path, a.size) for a in article.attachments] == [
            (a.name, a.src, a.size if a.size_shown else None) for a in record.attachments
        ], record.path
        assert "附件" not in article.body
