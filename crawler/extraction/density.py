"""Telling prose from link lists on a rendered page, and finding the article as a run of prose blocks.

Used when no known container matches and trafilatura's choice is doubtful: on pages with long link
sidebars it can take a list of headlines for the article (it did so on a 400-item 相关新闻 column).
"""

from __future__ import annotations

import re

from crawler.extraction.dates import find_dates
from crawler.extraction.render import Block

_CLAUSE = re.compile(r"[，。；！？、]")  # not "：", which byline and metadata lines are made of
_SENTENCE_END = re.compile(r"[。！？!?]$")
_MAX_GAP = 3  # non-prose lines (headings, captions, a stray widget) tolerated inside an article
_MIN_RUN = 60
_LINK_LINE_SHARE = 0.6
_LIST_LINE_SHARE = 0.6
_MIN_LIST_ITEMS = 4
_MIN_PROSE = 100  # two real sentences make an article, whatever links follow


def link_line(block: Block) -> bool:
    """A list item: mostly link text once its date (2026-03-05) is left out."""
    dateless = len(block.text.replace(" ", "")) - sum(
        len(d.raw.replace(" ", "")) for d in find_dates(block.text)
    )
    return dateless > 0 and block.linked >= _LINK_LINE_SHARE * dateless


def is_prose(block: Block) -> bool:
    """Running text: little of it linked, and long or made of clauses."""
    text = block.text
    if block.image is not None or block.linked * 3 > len(text):
        return False
    if len(text) >= 40:
        return True
    return len(text) >= 10 and (bool(_SENTENCE_END.search(text)) or len(_CLAUSE.findall(text)) >= 2)


def text_chars(blocks: list[Block]) -> int:
    """Characters of unlinked text: what an extraction offers as article."""
    return sum(len(b.text) for b in blocks if b.image is None and b.linked * 2 < len(b.text))


def link_share(blocks: list[Block]) -> float:
    """Share of the text inside links."""
    texts = [b for b in blocks if b.image is None]
    total = sum(len(b.text.replace(" ", "")) for b in texts)
    return sum(b.linked for b in texts) / total if total else 0.0


def looks_like_list(blocks: list[Block]) -> bool:
    """Mostly linked title (+ date) lines, and no real paragraphs beside them."""
    texts = [b for b in blocks if b.image is None]
    links = sum(link_line(b) for b in texts)
    prose = sum(len(b.text) for b in texts if is_prose(b))
    return links >= _MIN_LIST_ITEMS and links >= _LIST_LINE_SHARE * len(texts) and prose < _MIN_PROSE


def prose_run(blocks: list[Block]) -> list[Block]:
    """The stretch of blocks holding the most prose, allowing short gaps of non-prose lines."""
    best, best_span = 0, (0, 0)
    start, score, gap = -1, 0, 0
    for index, block in enumerate(blocks):
        if block.image is not None:
            continue
        if is_prose(block):
            start = index if start < 0 else start
            score, gap = score + len(block.text), 0
            if score > best:
                best, best_span = score, (start, index + 1)
        elif start >= 0 and (gap := gap + 1) > _MAX_GAP:
            start, score, gap = -1, 0, 0
    return blocks[best_span[0] : best_span[1]] if best >= _MIN_RUN else []
