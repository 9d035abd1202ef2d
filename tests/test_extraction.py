"""The `extract` contract: never raises on bad input, names why there is no article, JSON-ready output."""

from __future__ import annotations

import json
import random

import pytest

from crawler.extraction import EXTRACTOR_VERSION, article_to_dict, extract
from crawler.extraction.model import Article, NoArticle, NoArticleReason

URL = "http://www.example.gov.cn/art/2021/6/21/art_1_2.html"
ARTICLE = """<html><head><meta charset="utf-8"><title>区残联开展助残日活动_某某区人民政府</title></head>
<body><h1>区残联开展助残日活动</h1><div class="info">发布时间：2021-06-21 09:00 来源：区残联</div>
<div id="zoom"><p>5月16日，区残联在新城街道开展助残日主题活动，为残疾人提供康复咨询和辅具适配服务。</p>
<p><img src="/pic/1.jpg"></p><p style="text-align:center">活动现场</p></div>
<div>责任编辑：张三</div></body></html>"""


def _reason(raw: bytes, headers: dict[str, str] | None = None) -> NoArticleReason:
    result = extract(raw, URL, headers)
    assert isinstance(result, NoArticle), result
    return result.reason


def test_article_fields_and_json() -> None:
    article = extract(ARTICLE.encode(), URL, {"Content-Type": "text/html; charset=utf-8"})
    assert isinstance(article, Article)
    data = article_to_dict(article)
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data["published_at"] == "2021-06-21T09:00:00+08:00"
    assert data["images"] == [{"src": "http://www.example.gov.cn/pic/1.jpg", "caption": "活动现场"}]
    assert data["editors"] == ["张三"]
    assert data["extractor_version"] == EXTRACTOR_VERSION
    assert data["language"] == "zh"


@pytest.mark.parametrize(
    ("raw", "headers", "reason"),
    [
        (b"", None, NoArticleReason.EMPTY),
        (b"   \n\t ", None, NoArticleReason.EMPTY),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", None, NoArticleReason.NOT_HTML),
        (b"\x89PNG\r\n\x1a\n\x00\x00", None, NoArticleReason.NOT_HTML),
        (b'{"data": {"records": []}}', {"Content-Type": "text/html"}, NoArticleReason.NOT_HTML),
        (b"<html><body>x</body></html>", {"Content-Type": "application/json"}, NoArticleReason.NOT_HTML),
        (b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>', None, NoArticleReason.NOT_HTML),
        (b"just some words, no markup", None, NoArticleReason.NOT_HTML),
        (b"<html><body><div id='nav'><a href='/'>\xe9\xa6\x96\xe9\xa1\xb5</a></div></body></html>", None,
         NoArticleReason.NO_MAIN_CONTENT),
    ],
)  # fmt: skip
def test_no_article_reasons(raw: bytes, headers: dict[str, str] | None, reason: NoArticleReason) -> None:
    assert _reason(raw, headers) is reason


def test_a_page_without_any_title_still_gives_its_body() -> None:
    html = (
        "<html><body><div id='zoom'><p>" + "残疾人康复服务覆盖率稳步提高。" * 5 + "</p></div></body></html>"
    )
    result = extract(html.encode(), URL)
    assert isinstance(result, Article)
    assert result.title == "残疾人康复服务覆盖率稳步提高"
    assert result.body == "残疾人康复服务覆盖率稳步提高。" * 5


def test_ruishu_script_on_a_real_page_is_not_a_challenge() -> None:
    # Pages behind 瑞数 keep the $_ts script once the check has passed.
    html = ARTICLE.replace("</head>", "<script>$_ts=window['$_ts'];if(!$_ts)$_ts={};</script></head>")
    assert isinstance(extract(html.encode(), URL), Article)


@pytest.mark.parametrize("seed", range(20))
def test_garbage_never_raises(seed: int) -> None:
    rng = random.Random(seed)
    pieces = [ARTICLE.encode()[: rng.randrange(len(ARTICLE))], bytes(rng.randrange(256) for _ in range(200))]
    raw = b"<html><body>" + b"".join(rng.sample(pieces, 2)) + b"<p>\xd6\xd0\xce\xc4"
    assert isinstance(extract(raw, URL, {"Content-Type": "text/html"}), Article | NoArticle)


def test_deeply_nested_markup_does_not_raise() -> None:
    html = "<html><head><title>深层嵌套</title></head><body>" + "<div>" * 5000 + "正文" * 50 + "</div>" * 5000
    assert isinstance(extract(html.encode(), URL), Article | NoArticle)


def _nested(depth: int) -> bytes:
    paragraph = "<p>" + "区残联今天发放两项补贴，共计一百万元，惠及全区残疾人。" * 5 + "</p>"
    return (
        "<html><head><title>深层嵌套页面的正文</title></head><body>"
        + "<div>" * depth
        + paragraph
        + "</div>" * depth
        + "</body></html>"
    ).encode()


def test_content_nested_hundreds_of_elements_deep_is_kept() -> None:
    result = extract(_nested(600), "http://example.invalid/a.html")
    assert isinstance(result, Article) and "两项补贴" in result.body


def test_a_page_nested_beyond_our_limit_is_refused_by_name() -> None:
    result = extract(_nested(3000), "http://example.invalid/a.html")
    assert isinstance(result, NoArticle) and result.reason is NoArticleReason.TOO_DEEP
