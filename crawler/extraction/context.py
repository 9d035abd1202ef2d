"""The lines around the body: the byline block under the title, and the metadata lines after the body.

Templates put 发布时间 / 来源 / 作者 between the title and the body, and 标签 / 责任编辑 / 通讯员 right after
it, often outside the content container. The whole page is rendered once to blocks and these two windows
are read from it, so no footer or sidebar line is ever taken for a byline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crawler.extraction.bylines import Byline, parse_byline
from crawler.extraction.chrome import is_chrome_anywhere
from crawler.extraction.density import link_line
from crawler.extraction.render import Block

_HEAD_WINDOW = 8
_TAIL_WINDOW = 12
_MAX_DATELINE = 100
_FOOTER = re.compile(r"版权所有|copyright|©|ICP备|网站标识码|公网安备", re.I)


@dataclass(slots=True)
class Context:
    head: list[Byline] = field(default_factory=list)  # byline lines between title and body
    tail: list[Byline] = field(default_factory=list)  # metadata lines right after the body
    visible_text: str = ""  # the page's lines minus footer lines, for checking a guessed date


def _squash(text: str) -> str:
    return "".join(text.split())


def _find(texts: list[str], wanted: str, start: int = 0) -> int:
    for index in range(start, len(texts)):
        if texts[index] == wanted:
            return index
    return -1


def _head_window(texts: list[str], title: str, body_start: int) -> range:
    """Between the title and the body; without a title on the page, the few lines before the body."""
    title_at = _find(texts, _squash(title)) if title else -1
    if 0 <= title_at < body_start:
        return range(title_at + 1, min(body_start, title_at + 1 + _HEAD_WINDOW))
    return range(max(0, body_start - _HEAD_WINDOW // 2), body_start)


def _dateable(blocks: list[Block], start: int, end: int) -> str:
    """The lines a guessed date may come from: no footer lines, no link lines."""
    lines = [b.text for b in blocks[max(0, start) : end] if not link_line(b) and not _FOOTER.search(b.text)]
    return "\n".join(lines)


def read_context(page_blocks: list[Block], title: str, body_lines: list[str]) -> Context:
    """Bylines near the body. Needs the body's first and last lines to find the body on the page."""
    shown = [b for b in page_blocks if b.image is None]
    blocks = [b.text for b in shown]
    texts = [_squash(text) for text in blocks]
    context = Context(visible_text=_dateable(shown, 0, len(shown)))
    if not body_lines:
        return context
    body_start = _find(texts, _squash(body_lines[0]))
    body_end = _find(texts, _squash(body_lines[-1]), max(body_start, 0))
    if body_start < 0 or body_end < 0:
        return context
    head = _head_window(texts, title, body_start)
    # A guessed date must stand near the article: never in a footer, a related list or the comments.
    context.visible_text = _dateable(shown, head.start, body_end + 1)
    for line in (blocks[i] for i in head):
        byline = parse_byline(line)
        if byline.is_metadata:
            context.head.append(byline)
        elif byline.dates and len(line) <= _MAX_DATELINE and not is_chrome_anywhere(line):
            # 2023年6月8日 市残联办公室 浏览：132 : a dateline with words we do not parse still dates the page
            context.head.append(Byline(dates=byline.dates))
    for line in blocks[body_end + 1 : body_end + 1 + _TAIL_WINDOW]:
        if _FOOTER.search(line):
            break
        byline = parse_byline(line)
        if byline.is_metadata and not is_chrome_anywhere(line):
            context.tail.append(byline)
            context.visible_text += "\n" + line
    return context
