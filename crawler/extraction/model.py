"""What extraction returns: an `Article`, or a `NoArticle` naming why there is none.

Plain frozen dataclasses with no Scrapy or SQLAlchemy imports, so storage, the CLI and tests can share them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class NoArticleReason(StrEnum):
    """Why a page yielded no article. The value is the stats key suffix (`extract/<value>`)."""

    EMPTY = "empty"  # zero bytes, or only whitespace after decoding
    NOT_HTML = "not_html"  # binary, JSON, XML feed ... handed to the extractor by mistake
    UNDECODABLE = "undecodable"  # no charset decodes it without heavy loss
    CHALLENGE_PAGE = "challenge_page"  # anti-bot interstitial (瑞数 412, 加速乐 521, EdgeOne)
    NO_MAIN_CONTENT = "no_main_content"  # a list, index or shell page: no article body found
    NO_TITLE = "no_title"  # a body but nothing that can serve as a title
    EXTRACTION_FAILED = "extraction_failed"  # the extractor raised or its worker died: a bug, logged
    EXTRACTION_TIMEOUT = "extraction_timeout"  # over the per-page time limit in a worker (raw bytes kept)
    TOO_LARGE = "too_large"  # more text or elements than we extract from (dom.MAX_ELEMENTS, MAX_TEXT_CHARS)
    TOO_DEEP = "too_deep"  # elements nested deeper than dom.MAX_DEPTH (libxml2 would truncate the page)


@dataclass(frozen=True, slots=True)
class Image:
    src: str  # absolute URL
    caption: str = ""


@dataclass(frozen=True, slots=True)
class Attachment:
    name: str
    url: str  # absolute URL
    size: int | None = None  # bytes: as the page states it, or from a HEAD request's Content-Length


@dataclass(frozen=True, slots=True)
class Article:
    url: str
    title: str
    body: str  # plain text, one paragraph per line, no chrome
    published_at: datetime | None = None  # timezone-aware; Asia/Shanghai unless the page says otherwise
    published_raw: str | None = None  # the date string as it stood on the page (or in the URL)
    source: str | None = None  # 来源 / ContentSource / 稿源
    authors: tuple[str, ...] = ()  # 作者, 撰文, 记者, 文/图
    editors: tuple[str, ...] = ()  # 责任编辑, 责编, 编辑
    correspondents: tuple[str, ...] = ()  # 通讯员
    tags: tuple[str, ...] = ()  # 标签 / Keywords
    images: tuple[Image, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    language: str = "zh"
    encoding: str = "utf-8"  # the codec the page was decoded with
    decode_errors: int = 0  # bytes replaced while decoding leniently
    extractor_version: str = ""
    extra: dict[str, str] = field(default_factory=dict)  # e.g. SiteName, ColumnName meta values


@dataclass(frozen=True, slots=True)
class NoArticle:
    reason: NoArticleReason
    detail: str = ""


ExtractionResult = Article | NoArticle
