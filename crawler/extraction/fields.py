"""Choosing each metadata field from its sources, most trustworthy first.

Order: government meta tags (PubDate, ContentSource ...), the byline block near the title, metadata lines
around and inside the body, the URL, then structured data and htmldate. A date from htmldate is only
accepted if the same full date is printed on the page outside the footer: its guesses include year-only
values taken from copyright lines.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime

from htmldate import find_date
from lxml.html import HtmlElement

from crawler.extraction.bylines import Byline
from crawler.extraction.dates import SHANGHAI, FoundDate, find_dates, make_date, parse_date, url_date
from crawler.extraction.names import split_names, split_tags

LOGGER = logging.getLogger(__name__)
_META_DATES = (
    "pubdate", "publishdate", "publish_date", "publish-date", "article:published_time", "og:release_date",
    "firstpublishedtime", "dc.date", "dc.date.issued", "dcterms.issued", "date", "datepublished",
)  # fmt: skip
_META_SOURCES = ("contentsource", "source", "og:article:source")
_EXTRA_KEYS = (
    "SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ColumnDescription", "ColumnKeywords", "ColumnType",
    "Description",
)  # fmt: skip
_SOURCE_KEY = re.compile(r"^(?:信息来源|文章来源|来源|稿源)\s*[:：]\s*")
_JSON_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]{8,40})"')
# Publishing platforms that fill the date in by script keep it as a Unix time in a page variable
# (WeChat official accounts: `var ct = "1710921600"`).
_SCRIPT_TIME = re.compile(r"""\bvar\s+(?:ct|create_time|publish_time)\s*=\s*["']?(\d{10})["']?""")


@dataclass(slots=True)
class People:
    authors: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    correspondents: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    tags_seen: bool = False


def _add(target: list[str], names: list[str]) -> None:
    target.extend(name for name in names if name not in target)


def collect_people(bylines: list[Byline], meta: dict[str, str], site_text: str = "") -> People:
    """Authors, editors, correspondents and tags from every byline, deduplicated in page order.

    Author and Keywords meta only fill in when no byline names authors or carries a 标签 line (an empty
    标签： means the page has no tags)."""
    people = People()
    for byline in bylines:
        _add(people.authors, byline.authors)
        _add(people.editors, byline.editors)
        _add(people.correspondents, byline.correspondents)
        _add(people.tags, byline.tags)
        people.tags_seen = people.tags_seen or byline.tags_seen
    people.authors = people.authors or meta_authors(meta, site_text)
    people.tags = people.tags if people.tags_seen else meta_tags(meta)
    return people


def meta_authors(meta: dict[str, str], site_text: str = "") -> list[str]:
    """`<meta name="Author">` when it names people, not the site (many templates put the site there):
    a value that is the site name, or appears in `<title>` beside the article title (`site_text`), is not."""
    value = meta.get("author", "")
    site = {meta.get("sitename"), meta.get("og:site_name")}
    is_site = value in site or (len(value) >= 2 and value in site_text)
    names = split_names(value) if value and not is_site else []
    return names if names and all(len(n) <= 4 for n in names) else []


def meta_tags(meta: dict[str, str]) -> list[str]:
    site_words = {meta.get("sitename"), meta.get("columnname")}
    return [t for t in split_tags(meta.get("keywords", "")) if t not in site_words]


def choose_source(meta: dict[str, str], bylines: list[Byline]) -> str | None:
    """ContentSource meta, else the first 来源 line, else a publisher printed bare after the date."""
    for key in _META_SOURCES:
        if value := _SOURCE_KEY.sub("", meta.get(key, "")).strip():
            return value
    labelled = next((b.source for b in bylines if b.source), None)
    return labelled or next((b.bare_source for b in bylines if b.bare_source), None)


def _byline_date(bylines: list[Byline]) -> FoundDate | None:
    """A labelled 发布时间 / 日期 first, else the first unlabelled date in a byline."""
    labelled = [date for b in bylines for key, date in b.dates if key == "date"]
    unlabelled = [date for b in bylines for key, date in b.dates if key == ""]
    return next(iter(labelled or unlabelled), None)


def _updated_date(bylines: list[Byline]) -> FoundDate | None:
    """A 更新时间: later than publication, so only used when nothing else dates the page."""
    return next((date for b in bylines for key, date in b.dates if key == "updated"), None)


def _structured_date(tree: HtmlElement, text: str) -> FoundDate | None:
    for time in tree.iter("time"):
        if found := parse_date(time.get("datetime") or time.text_content()):
            return found
    for match in _JSON_DATE.finditer(text):
        if found := parse_date(json.loads(f'"{match.group(1)}"')):
            return found
    if script := _SCRIPT_TIME.search(text):
        value = datetime.fromtimestamp(int(script.group(1)), SHANGHAI)
        return FoundDate(value, script.group(1)) if make_date(value.year, value.month, value.day) else None
    return None


def _verified_htmldate(tree: HtmlElement, page_text: str) -> FoundDate | None:
    """htmldate's guess, kept only when that exact day is printed in the page text."""
    try:
        # Always a tree: given a string starting with "http", htmldate would download it.
        guess = find_date(tree, extensive_search=False, original_date=True, url=None)
    except Exception:  # a third-party failure on one odd page costs the date, not the article
        LOGGER.warning("htmldate failed", exc_info=True)
        return None
    if not guess:
        return None
    found = parse_date(guess)
    if found is None:
        return None
    printed = [d for d in find_dates(page_text) if d.value.date() == found.value.date()]
    return printed[0] if printed else None


def _refine(day_only: FoundDate, byline: FoundDate | None) -> FoundDate:
    """A meta date without a time gives way to the byline's time on the same day."""
    value = day_only.value
    if byline is None or (value.hour, value.minute, value.second) != (0, 0, 0):
        return day_only
    return byline if byline.value.date() == value.date() else day_only


def choose_date(
    meta: dict[str, str], bylines: list[Byline], url: str, tree: HtmlElement, page_text: str, html: str = ""
) -> FoundDate | None:
    """`page_text` is the visible text without footers (to check a guess against), `html` the source."""
    for key in _META_DATES:
        if found := parse_date(meta.get(key)):
            return _refine(found, _byline_date(bylines))
    return (
        _byline_date(bylines)
        or url_date(url)
        or _updated_date(bylines)
        or _structured_date(tree, html or page_text)
        or _verified_htmldate(tree, page_text)
    )


def extra_fields(meta: dict[str, str], bylines: list[Byline]) -> dict[str, str]:
    """Site and column meta values, and the 原标题 of a republished article."""
    extra = {key: meta[key.lower()] for key in _EXTRA_KEYS if meta.get(key.lower())}
    original = next((b.original_title for b in bylines if b.original_title), None)
    if original:
        extra["OriginalTitle"] = original
    return extra
