"""The title as an anchor: the article starts right after its title, as a reader finds it.

Some articles have no prose at all for the density scores to find: a 行政处罚信息公开表 or a 公示名单 is a
table of short cells under its title. Their densest block is then whatever prose the page has elsewhere
(a 版权与免责声明 box, a sidebar blurb). A candidate that starts far from the title is doubtful, and the
lines right after the title, up to the first chrome line or link list, are the alternative.
"""

from __future__ import annotations

import re

from crawler.extraction.bylines import parse_byline
from crawler.extraction.chrome import is_chrome_anywhere
from crawler.extraction.density import link_line
from crawler.extraction.render import Block

_LEAD_IN = 8  # byline, toolbar and share lines tolerated between the title and the article
_FAR = 10  # a candidate starting further than this many blocks after the title is far from it ...
_ABOVE = 3  # ... and so is one starting more than this many above it (a kicker line may stand above)
_FOOTER = re.compile(r"版权所有|copyright|©|ICP备|网站标识码|公网安备", re.I)


def _squash(text: str) -> str:
    return "".join(text.split())


def title_index(blocks: list[Block], title: str) -> int:
    """Index of the last page block of the title's first occurrence (a title may wrap over two)."""
    wanted = _squash(title)
    if len(wanted) < 4:
        return -1
    # A linked occurrence is an entry of a headline list, not the article's heading.
    texts = ["" if b.linked * 2 > len(b.text) else _squash(b.text) for b in blocks]
    for index, text in enumerate(texts):
        if text == wanted:
            return index
        if text and wanted.startswith(text) and index + 1 < len(texts) and text + texts[index + 1] == wanted:
            return index + 1
    return -1


def _stop(block: Block) -> bool:
    return is_chrome_anywhere(block.text) or bool(_FOOTER.search(block.text))


def after_title(blocks: list[Block], title_at: int) -> list[Block]:
    """The lines from the title down to the first chrome line, footer or pair of link lines."""
    start = title_at + 1
    for index in range(start, min(len(blocks), start + _LEAD_IN)):
        block = blocks[index]
        if block.image is not None or not (_stop(block) or parse_byline(block.text).is_metadata):
            break  # the first line that is neither toolbar nor byline starts the article
        start = index + 1
    taken: list[Block] = []
    for index in range(start, len(blocks)):
        block = blocks[index]
        if block.image is None and _stop(block):
            break
        if link_line(block) and index + 1 < len(blocks) and link_line(blocks[index + 1]):
            break
        taken.append(block)
    return taken


def starts_far_from(candidate: list[Block], blocks: list[Block], title_at: int) -> bool:
    """Whether a candidate's first line stands before the title or well below it."""
    first = next((_squash(b.text) for b in candidate if b.image is None and b.text), "")
    texts = [_squash(b.text) for b in blocks]
    at = texts.index(first) if first in texts else -1
    return at >= 0 and not title_at - _ABOVE <= at <= title_at + _FAR
