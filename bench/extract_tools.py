"""The extractors `bench_extract` compares, each as `Page -> Output`.

trafilatura gets the raw bytes, as its API invites; readability-lxml and gne take text only and get the page
decoded by our decoder (so their GBK pages are not garbled, and their time includes our decoding).
readability-lxml and gne come from requirements-bench.txt.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import trafilatura
from lxml.html import HtmlElement, fromstring
from trafilatura.metadata import Document as TrafilaturaDocument

from bench.extract_pages import Page
from crawler.extraction import body, decode_html, extract
from crawler.extraction.dates import SHANGHAI, parse_date
from crawler.extraction.model import Article
from crawler.extraction.render import render_blocks

_NAME_SPLIT = re.compile(r"[;；,，、\s]+")


@dataclass(frozen=True, slots=True)
class Output:
    body: str = ""
    title: str = ""
    day: date | None = None
    source: str = ""
    authors: tuple[str, ...] = ()
    editors: tuple[str, ...] = ()


def _day(value: str | None) -> date | None:
    found = parse_date(value) if value else None
    return found.value.astimezone(SHANGHAI).date() if found else None


def _names(value: str | None) -> tuple[str, ...]:
    return tuple(name for name in _NAME_SPLIT.split(value or "") if name)


@dataclass(slots=True)
class Consulted:
    """How often our extractor ran its costly candidate (trafilatura), counted around the real function."""

    calls: int = 0


CONSULTED = Consulted()
_trafilatura_lines = body.trafilatura_lines


def _counting_trafilatura_lines(tree: HtmlElement, url: str) -> list[str]:
    CONSULTED.calls += 1
    return _trafilatura_lines(tree, url)


body.trafilatura_lines = _counting_trafilatura_lines


def ours(page: Page) -> Output:
    result = extract(page.raw, page.url, page.headers)
    if not isinstance(result, Article):
        return Output()
    day = result.published_at.astimezone(SHANGHAI).date() if result.published_at else None
    return Output(result.body, result.title, day, result.source or "", result.authors, result.editors)


def trafilatura_with(precision: bool) -> Callable[[Page], Output]:
    def run(page: Page) -> Output:
        doc = trafilatura.bare_extraction(
            page.raw, url=page.url, favor_precision=precision, with_metadata=True, include_comments=False
        )
        if not isinstance(doc, TrafilaturaDocument):
            return Output()
        return Output(doc.text or "", doc.title or "", _day(doc.date), authors=_names(doc.author))

    return run


def trafilatura_plain(page: Page) -> Output:
    """The speed reference: `trafilatura.extract` on the raw bytes, text only, default settings."""
    return Output(trafilatura.extract(page.raw, url=page.url, include_comments=False) or "")


def readability_lxml(page: Page) -> Output:
    from readability import Document  # optional: requirements-bench.txt

    # readability-lxml 0.8.4.1 cannot take bytes (its charset sniffing applies str patterns to them)
    document = Document(decode_html(page.raw, page.headers).text, url=page.url)
    try:
        summary = fromstring(document.summary(html_partial=True))
    except Exception:  # readability raises on pages it cannot score; count them as empty
        return Output()
    # The same neutral block renderer for everyone: one line per paragraph, nested text counted once.
    lines = [block.text for block in render_blocks(summary, page.url) if block.image is None]
    return Output("\n".join(lines), document.short_title())


def gne_extractor(page: Page) -> Output:
    from gne import GeneralNewsExtractor  # optional: requirements-bench.txt

    text = decode_html(page.raw, page.headers).text
    try:
        result = GeneralNewsExtractor().extract(text, host=page.url)
    except Exception:  # gne raises on pages it cannot score; count them as empty
        return Output()
    content, title, published = result.get("content", ""), result.get("title", ""), result.get("publish_time")
    return Output(content, title, _day(published), authors=_names(result.get("author")))


ALL = frozenset(("title", "date", "authors", "source", "editors"))
OURS = "canlian (ours)"
PLAIN = "trafilatura extract(), text only"
# Each tool with the fields it has at all; the others show as "—". trafilatura's `sitename` names the
# site, not the 来源 of a republished report, so it is not scored as a source.
EXTRACTORS: dict[str, tuple[Callable[[Page], Output], frozenset[str]]] = {
    OURS: (ours, ALL),
    PLAIN: (trafilatura_plain, frozenset()),
    "trafilatura default + metadata": (
        trafilatura_with(precision=False),
        frozenset(("title", "date", "authors")),
    ),
    "trafilatura favor_precision + metadata": (
        trafilatura_with(precision=True),
        frozenset(("title", "date", "authors")),
    ),
    "readability-lxml": (readability_lxml, frozenset(("title",))),
    "gne": (gne_extractor, frozenset(("title", "date", "authors"))),
}
