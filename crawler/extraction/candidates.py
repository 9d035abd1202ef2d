"""The densest block: the page element whose text is most prose and least furniture, found without knowing
the layout.

Every block element of the page gets the characters of the rendered lines it holds, split into prose
(running text: long, or made of clauses, little of it linked; see density.is_prose) and the rest (links,
menus, short lines, anything inside an element whose class or id says comment, footer, related, share,
nav ...). An element scores its prose minus half its furniture, so a generic wrapper (`div#content`, a
layout table cell) that adds a sidebar, a related list or a comment thread to the article loses to the
article's own block; and a chosen block gives way to a child holding nearly all its prose, so a wrapper
never beats a tighter block that holds most of what it has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml.html import HtmlElement

from crawler.extraction.chrome import is_chrome_anywhere
from crawler.extraction.density import is_prose
from crawler.extraction.render import Block

# Class and id words of page furniture, at the start of a word (related-news, comment_list, footer, nav_top).
# Chinese templates often name them in pinyin: banquan (版权), mianze (免责), fenxiang (分享), pinglun (评论),
# xiangguan (相关), tuijian (推荐), paihang (排行), youqing (友情链接), daohang (导航), yejiao / dibu (页脚).
_FURNITURE = re.compile(
    r"(?:^|[\s_\-])(?:comment|reply|footer|sidebar|related|relate|recommend|share|breadcrumb|crumb|"
    r"copyright|login|banner|advert|paging|pager|friend|rank|menu|nav|"
    r"banquan|mianze|fenxiang|pinglun|xiangguan|tuijian|paihang|youqing|daohang|yejiao|dibu"
    r"|(?:ad|ads|pl|tj|hot|side|foot|tools?|links?|xgxw|xgwz|bqsm)(?![a-z]))",
    re.I,
)
# Words that mark an article container; they win over a furniture word on the same element.
_ARTICLE = re.compile(r"article|content|text|body|main|post|entry|detail|zoom|zw|news_?txt|rich_media", re.I)
_LINK_WEIGHT = 1.0
_OTHER_WEIGHT = 0.2
_TIGHTER_SHARE = 0.9  # a child holding this share of its parent's prose is the tighter block ...
_WRAPPER_LINKS = 0.25  # ... when the parent adds links worth this share of the child's prose
_MIN_PROSE = 60
_WIDEN_LINKS = 0.01
_WIDEN_OTHER = 0.5


@dataclass(slots=True)
class _Tally:
    prose: int = 0
    linked: int = 0  # link text, and all text inside furniture elements
    other: int = 0  # unlinked lines that are not prose: headings, list items, captions, dates, footers
    first: int = -1  # index of the element's first and last block in the page's blocks
    last: int = -1

    @property
    def score(self) -> float:
        return self.prose - _LINK_WEIGHT * self.linked - _OTHER_WEIGHT * self.other


@dataclass(frozen=True, slots=True)
class Candidate:
    blocks: list[Block]
    element: HtmlElement
    prose: int


def counts_as_prose(block: Block) -> bool:
    """Prose that tells where the article is: no headings, no chrome lines (breadcrumbs, footers)."""
    return (
        block.image is None and not block.heading and is_prose(block) and not is_chrome_anywhere(block.text)
    )


def _is_furniture(element: HtmlElement) -> bool:
    names = f"{element.get('class') or ''} {element.get('id') or ''}"
    return bool(names.strip()) and bool(_FURNITURE.search(names)) and not _ARTICLE.search(names)


def _tallies(blocks: list[Block], furniture: set[int], parents: dict[int, int]) -> dict[int, _Tally]:
    tallies: dict[int, _Tally] = {}
    for index, block in enumerate(blocks):
        for outer, inner in zip((0, *block.path), block.path, strict=False):
            parents[inner] = outer
        size = len(block.text.replace(" ", ""))
        # Furniture elements and chrome lines (breadcrumbs, footers, toolbars) count as links, whatever
        # their punctuation; a heading is the article's, but no evidence of where its prose is.
        furnishing = not furniture.isdisjoint(block.path) or is_chrome_anywhere(block.text)
        prose = not furnishing and counts_as_prose(block)
        linked = size if furnishing else block.linked
        for serial in (0, *block.path):
            tally = tallies.get(serial)
            if tally is None:
                tally = tallies[serial] = _Tally(first=index)
            tally.last = index
            if prose:
                tally.prose += size
            else:
                tally.linked += linked
                tally.other += size - linked
    return tallies


def _children(tallies: dict[int, _Tally], blocks: list[Block], serial: int) -> list[int]:
    """Serials of the block elements directly inside `serial` that hold text."""
    found: list[int] = []
    tally = tallies[serial]
    for block in blocks[tally.first : tally.last + 1]:
        path = (0, *block.path)
        depth = path.index(serial)
        if depth + 1 < len(path) and path[depth + 1] not in found:
            found.append(path[depth + 1])
    return found


def _widen(tallies: dict[int, _Tally], parents: dict[int, int], best: int) -> int:
    """Climb to the parent while it adds no links and little else: the article's own container holds its
    subheadings, short lines and images beside the paragraphs that scored."""
    while best in parents:
        inner, outer = tallies[best], tallies[parents[best]]
        added_links = outer.linked - inner.linked
        added_other = outer.other - inner.other
        if added_links > _WIDEN_LINKS * inner.prose or added_other > _WIDEN_OTHER * inner.prose:
            break
        best = parents[best]
    return best


def densest_block(blocks: list[Block], elements: list[HtmlElement]) -> Candidate | None:
    """The element with the best prose-minus-furniture score, tightened to a child holding nearly all of
    its prose; None when no element holds a paragraph's worth of prose."""
    furniture = {serial for serial, element in enumerate(elements) if serial and _is_furniture(element)}
    parents: dict[int, int] = {}
    tallies = _tallies(blocks, furniture, parents)
    if not tallies:
        return None
    best = max((s for s in tallies if s not in furniture), key=lambda s: tallies[s].score, default=0)
    best = _widen(tallies, parents, best)
    while True:
        children = _children(tallies, blocks, best)
        parent = tallies[best]
        tighter = [
            c
            for c in children
            if tallies[c].prose >= _TIGHTER_SHARE * parent.prose
            and parent.linked - tallies[c].linked >= _WRAPPER_LINKS * tallies[c].prose
        ]
        if not tighter or parent.prose == 0:
            break
        best = tighter[0]
    tally = tallies[best]
    if tally.prose < _MIN_PROSE:
        return None
    return Candidate(blocks[tally.first : tally.last + 1], elements[best], tally.prose)
