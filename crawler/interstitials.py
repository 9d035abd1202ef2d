"""Pages that answer HTTP 200 but are not what was asked for: captcha interstitials and soft 404s.

Pure functions over the response bytes (no Scrapy): the downloader middlewares decide what to do with them.
Both are small pages; only bodies under `SMALL_PAGE` are looked at, so a real article that merely mentions
a 验证码 or the number 404 is never taken for one.
"""

from __future__ import annotations

import re
from enum import StrEnum

from lxml import etree
from lxml import html as lxml_html

SMALL_PAGE = 64 * 1024
_CAPTCHA_TITLE = re.compile(
    r"安全验证|人机验证|访问验证|滑动验证|验证码|captcha|security check|访问受限", re.I
)
_CAPTCHA_TEXT = re.compile(
    r"请输入(?:图片|图形)?验证码|请完成(?:安全)?验证|拖动(?:下方)?滑块|请点击.{0,6}(?:验证|按钮)|访问过于频繁|人机验证"
)
_CAPTCHA_MAX_TEXT = 1500
_NOT_FOUND = re.compile(
    r"(?:页面|网页|信息|文章|内容|资源|栏目)[^，。\n]{0,4}(?:不存在|未找到|找不到|已删除|已被删除|已过期|已下线)"
    r"|找不到(?:该|此|您要的)?(?:页面|网页)|not\s+found|^\s*404\b|\b404\s*(?:错误|error|页面)",
    re.I,
)
_NOT_FOUND_MAX_TEXT = 1000
_HEAD_TEXT = 200  # a soft 404 says so at the top


class Interstitial(StrEnum):
    CAPTCHA = "captcha"
    SOFT_404 = "soft_404"


def classify(body: bytes, encoding: str) -> Interstitial | None:
    """What a small HTTP 200 page really is, if it is a captcha or a "page not found"."""
    if len(body) > SMALL_PAGE:
        return None
    title, text = _title_and_text(body, encoding)
    captcha_text = _CAPTCHA_TEXT.search(text) is not None
    has_form = b"<input" in body.lower() or b"<form" in body.lower()
    if len(text) <= _CAPTCHA_MAX_TEXT and (
        (_CAPTCHA_TITLE.search(title) and (has_form or captcha_text)) or (captcha_text and has_form)
    ):
        return Interstitial.CAPTCHA
    if len(text) <= _NOT_FOUND_MAX_TEXT and (
        _NOT_FOUND.search(title) or _NOT_FOUND.search(text[:_HEAD_TEXT])
    ):
        return Interstitial.SOFT_404
    return None


def _title_and_text(body: bytes, encoding: str) -> tuple[str, str]:
    """The <title> and the visible text (scripts and styles left out, white space collapsed)."""
    try:
        root = lxml_html.document_fromstring(body.decode(encoding or "utf-8", errors="replace"))
    except (etree.ParserError, ValueError):
        return "", ""
    title_element = root.find(".//title")
    title = " ".join((title_element.text_content() if title_element is not None else "").split())
    for element in list(root.iter("script", "style", "noscript")):
        element.drop_tree()
    body_element = root.find("body")
    text = " ".join((body_element if body_element is not None else root).text_content().split())
    return title, text
