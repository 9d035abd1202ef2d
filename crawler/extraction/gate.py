"""Pages that hold no article: not HTML at all, anti-bot challenges, lists and shells."""

from __future__ import annotations

import re
from collections.abc import Mapping

from lxml.html import HtmlElement

from crawler.extraction.decoding import header_value
from crawler.extraction.density import looks_like_list
from crawler.extraction.dom import element_text
from crawler.extraction.model import NoArticle, NoArticleReason
from crawler.extraction.render import Block

_BINARY_MAGIC = (
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"Rar!",
    b"\xd0\xcf\x11\xe0",
)
_HTML_TYPES = ("html", "xhtml", "text/plain", "octet-stream")
_FEED = re.compile(r"<(?:rss|feed|urlset|sitemapindex|datastore)\b", re.I)
# 瑞数 ($_ts, HTTP 412), 加速乐 (__jsl_clearance, 521/512) and Tencent EdgeOne (EO_Bot_Ssid) challenges.
# Pages behind 瑞数 keep a `$_ts` script after the check passes, so a marker alone is not a challenge.
_CHALLENGE = re.compile(
    r"\$_ts\s*=|\$_ts\[|__jsl_clearance|__jsluid|EO_Bot_Ssid|__tst_status"
    r"|document\.cookie\s*=\s*\('_'\)\+\('_'\)"  # 加速乐 spells its cookie name one character at a time
)
_CHALLENGE_COOKIE = re.compile(r"__jsluid|__jsl_clearance|EO_Bot_Ssid")
_CHALLENGE_MAX_TEXT = 64  # challenge bodies are empty or one noscript line
_LIST_LINK_SHARE = 0.5


def check_raw(raw: bytes, headers: Mapping[str, str] | None) -> NoArticle | None:
    """Refuse what is empty or plainly not an HTML page, before decoding it."""
    if not raw.strip():
        return NoArticle(NoArticleReason.EMPTY, "no bytes")
    if raw.lstrip()[:8].startswith(_BINARY_MAGIC) or b"\x00\x00" in raw[:1024]:
        return NoArticle(NoArticleReason.NOT_HTML, "binary content")
    content_type = (header_value(headers, "content-type") or "").lower()
    if content_type and not any(kind in content_type for kind in _HTML_TYPES):
        return NoArticle(NoArticleReason.NOT_HTML, f"Content-Type {content_type.split(';')[0]}")
    return None


def check_text(text: str) -> NoArticle | None:
    """Refuse decoded text that is JSON, a feed or a sitemap, or holds no markup at all."""
    start = text.lstrip("\ufeff \t\r\n")[:2000]
    if not start:
        return NoArticle(NoArticleReason.EMPTY, "only whitespace")
    if start[0] in "{[":
        return NoArticle(NoArticleReason.NOT_HTML, "JSON")
    if _FEED.search(start) and "<html" not in start.lower():
        return NoArticle(NoArticleReason.NOT_HTML, "XML feed or sitemap")
    if "<" not in start:
        return NoArticle(NoArticleReason.NOT_HTML, "no markup")
    return None


def check_challenge(tree: HtmlElement, text: str, headers: Mapping[str, str] | None) -> NoArticle | None:
    """An anti-bot interstitial: a known script or cookie, and next to no visible text."""
    marker = _CHALLENGE.search(text) or _CHALLENGE_COOKIE.search(header_value(headers, "set-cookie") or "")
    if marker is None:
        return None
    body = tree.find("body")
    visible = len(element_text(body)) if body is not None else 0
    if visible > _CHALLENGE_MAX_TEXT:
        return None
    return NoArticle(NoArticleReason.CHALLENGE_PAGE, f"anti-bot script ({marker.group(0)})")


def check_list_page(blocks: list[Block]) -> NoArticle | None:
    """A body made mostly of links, or of linked title + date lines, is a list page, not an article."""
    texts = [b for b in blocks if b.image is None]
    total = sum(len(b.text.replace(" ", "")) for b in texts)
    if total == 0:
        return NoArticle(NoArticleReason.NO_MAIN_CONTENT, "no body text")
    linked = sum(b.linked for b in texts)
    if linked / total > _LIST_LINK_SHARE:
        return NoArticle(NoArticleReason.NO_MAIN_CONTENT, f"{linked * 100 // total}% of the text is links")
    if looks_like_list(texts):
        return NoArticle(NoArticleReason.NO_MAIN_CONTENT, "a list of links")
    return None
