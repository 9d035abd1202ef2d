"""Finding the article body: known CMS containers first, trafilatura when none matches.

When trafilatura decides, its text only chooses which of our rendered page blocks are body: our renderer
keeps paragraph breaks (`<br>`, nested `<div>`s), in-body headings and images next to their captions, which
trafilatura's plain text does not. trafilatura 2.3 takes a list of 40 headlines beside a `<br>`-separated
body for the article, so its choice is checked against the page's longest run of prose (density.py).
Chrome is removed afterwards, whichever way the body was found.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass

from lxml.etree import XPath
from lxml.html import HtmlElement
from trafilatura import bare_extraction

from crawler.extraction.anchor import after_title, starts_far_from, title_index
from crawler.extraction.candidates import counts_as_prose, densest_block
from crawler.extraction.density import is_prose, link_line, link_share, looks_like_list, prose_run, text_chars
from crawler.extraction.dom import element_text, link_density
from crawler.extraction.render import Block, render_blocks

LOGGER = logging.getLogger(__name__)


def _by_class(name: str) -> str:
    return f"//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"


# Most specific first: `div#content` is a common wrapper id, so it only counts when nothing better exists.
_CONTAINERS: tuple[XPath, ...] = tuple(
    XPath(expr)
    for expr in (
        "//*[@id='zoom' or @id='Zoom' or @id='fontzoom']",
        _by_class("TRS_Editor"),
        _by_class("TRS_UEDITOR"),
        _by_class("trs_editor_view"),
        "//*[@id='UCAP-CONTENT']",
        _by_class("pages_content"),
        "//*[@id='ivs_content']",
        "//founder-content",
        _by_class("article-content"),
        _by_class("article_content") + " | //*[@id='article_content' or @id='ArticleContent']",
        "//div[@id='content']",
    )
)
_MIN_CONTAINER_TEXT = 10
_MAX_CONTAINER_LINKS = 0.5
_SHORT_BLOCK = 15
_AGREE = 0.8
_MIN_UNDER_TITLE = 50
_FEW_PROSE = 400
_TIE = 0.05
_LIST_ITEMS = 2


@dataclass(frozen=True, slots=True)
class BodySource:
    blocks: list[Block]
    container: HtmlElement | None  # the element the body came from, when one is known
    method: str  # "container", "trafilatura" or "prose-run"


def _outermost(elements: list[HtmlElement]) -> list[HtmlElement]:
    """Drop matches nested inside other matches, keeping document order."""
    chosen = set(elements)
    return [el for el in elements if not any(parent in chosen for parent in el.iterancestors())]


def find_container(tree: HtmlElement) -> list[HtmlElement]:
    """The first known content container with real text; several when a body is split over siblings."""
    for xpath in _CONTAINERS:
        matches = [el for el in xpath(tree) if isinstance(el, HtmlElement)]
        matches = [el for el in _outermost(matches) if len(element_text(el)) >= _MIN_CONTAINER_TEXT]
        if matches and all(link_density(el) <= _MAX_CONTAINER_LINKS for el in matches):
            return matches
    return []


def _squash(text: str) -> str:
    return "".join(text.split())


_LIST_MARK = re.compile(r"^(?:[-*•]|\d+\.)\s+")


def _keep_chosen(blocks: list[Block], lines: list[str]) -> list[Block]:
    """Page blocks trafilatura also chose, and the images between the first and last of them."""
    # trafilatura's text marks list items ("- ") and table cells ("|"): compare without them.
    lines = [_LIST_MARK.sub("", line).replace("|", " ") for line in lines]
    whole = _squash("\n".join(lines))
    exact = {_squash(line) for line in lines}
    chosen = [
        b.image is not None
        or (_squash(b.text) in exact if len(b.text) < _SHORT_BLOCK else _squash(b.text) in whole)
        for b in blocks
    ]
    texts = [i for i, b in enumerate(blocks) if chosen[i] and b.image is None]
    if not texts:
        return []
    return [b for i, b in enumerate(blocks[texts[0] : texts[-1] + 1], texts[0]) if chosen[i]]


def trafilatura_lines(tree: HtmlElement, url: str) -> list[str]:
    """trafilatura's paragraphs (never with deduplicate=True: its cache spans documents)."""
    try:
        document = bare_extraction(
            tree,
            url=url or None,
            include_comments=False,
            include_tables=True,
            deduplicate=False,
            fast=True,  # no readability/justext fallback: half the worker time in a crawl, for one site
            with_metadata=False,
        )
    except Exception:  # a third-party failure on one odd page must not stop a crawl; fall back instead
        LOGGER.warning("trafilatura failed on %s", url, exc_info=True)
        return []
    text = getattr(document, "text", None) or ""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _prose_texts(blocks: list[Block]) -> Counter[str]:
    return Counter(_squash(b.text) for b in blocks if counts_as_prose(b))


def agreement(first: list[Block], second: list[Block]) -> float:
    """Shared prose over the larger candidate's prose: 1.0 when both hold the same paragraphs."""
    a, b = _prose_texts(first), _prose_texts(second)
    shared = sum(len(text) * count for text, count in (a & b).items())
    larger = max(sum(len(t) * n for t, n in a.items()), sum(len(t) * n for t, n in b.items()))
    return shared / larger if larger else 0.0


def _medoid(candidates: list[BodySource]) -> BodySource:
    """The candidate agreeing most with the others (ties: the earlier, cheaper one)."""
    if len(candidates) == 1:
        return candidates[0]
    scores = [
        sum(agreement(c.blocks, other.blocks) for other in candidates if other is not c) for c in candidates
    ]
    best = max(scores)
    return next(c for c, score in zip(candidates, scores, strict=True) if score >= best - _TIE)


_ATTACHMENT_LINE = re.compile(r"附件|\.(?:pdf|docx?|xlsx?|wps|ofd|zip|rar)\b", re.I)


def _link_item(block: Block) -> bool:
    return block.image is None and link_line(block) and not _ATTACHMENT_LINE.search(block.text)


def trim_link_lists(blocks: list[Block]) -> list[Block]:
    """Drop the link lists (相关新闻, 推荐阅读, headline columns) before the first and after the last
    paragraph of a body, whatever the layout; metadata lines among them (来源, 责任编辑) stay for the
    fields, and a lone link (a source or an attachment) is kept."""
    prose = [i for i, b in enumerate(blocks) if b.image is None and is_prose(b)]
    if not prose:
        return blocks
    first, last = prose[0], prose[-1]
    head, tail = blocks[:first], blocks[last + 1 :]
    if sum(_link_item(b) for b in head) >= _LIST_ITEMS:
        head = [b for b in head if not _link_item(b)]
    if sum(_link_item(b) for b in tail) >= _LIST_ITEMS:
        tail = [b for b in tail if not _link_item(b)]
    return head + blocks[first : last + 1] + tail


def find_body(
    tree: HtmlElement, url: str, page_blocks: list[Block], elements: list[HtmlElement], title: str = ""
) -> BodySource:
    """The ensemble's choice (`choose_body`), checked against the title's position, without the link lists
    at its edges."""
    source = anchored(choose_body(tree, url, page_blocks, elements), page_blocks, title)
    return BodySource(trim_link_lists(source.blocks), source.container, source.method)


def anchored(source: BodySource, page_blocks: list[Block], title: str) -> BodySource:
    """A body with little prose that starts far from the title gives way to the lines under the title
    (a table of short cells has no prose for the scores to find)."""
    title_at = title_index(page_blocks, title) if title else -1
    if title_at < 0 or not starts_far_from(source.blocks, page_blocks, title_at):
        return source
    under_title = after_title(page_blocks, title_at)
    prose = sum(len(b.text) for b in source.blocks if counts_as_prose(b))
    if text_chars(under_title) >= _MIN_UNDER_TITLE and prose < _FEW_PROSE:
        return BodySource(under_title, None, "after-title")
    return source


def choose_body(
    tree: HtmlElement, url: str, page_blocks: list[Block], elements: list[HtmlElement]
) -> BodySource:
    """An ensemble: the known CMS container, the densest block and the longest prose run are cheap; when
    they agree their answer stands, and only when they disagree does trafilatura (the costly one) run and
    the candidate agreeing most with the rest win."""
    cheap: list[BodySource] = []
    containers = find_container(tree)
    if containers:
        blocks = [block for element in containers for block in render_blocks(element, url)]
        cheap.append(BodySource(blocks, containers[0], "container"))
    dense = densest_block(page_blocks, elements)
    if dense is not None:
        cheap.append(BodySource(dense.blocks, dense.element, "densest-block"))
    run = prose_run(page_blocks)
    if run:
        cheap.append(BodySource(run, None, "prose-run"))
    if len(cheap) >= 2 and agreement(cheap[0].blocks, cheap[1].blocks) >= _AGREE:
        return cheap[0]
    chosen = _keep_chosen(page_blocks, trafilatura_lines(tree, url))
    doubtful = not chosen or looks_like_list(chosen) or link_share(chosen) > _MAX_CONTAINER_LINKS
    voters = cheap if doubtful else [*cheap, BodySource(chosen, None, "trafilatura")]
    if not voters:
        return BodySource(chosen, None, "trafilatura")
    return _medoid(voters)
