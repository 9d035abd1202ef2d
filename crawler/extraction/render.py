"""Rendering a DOM (sub)tree to a flat list of text and image blocks, as a reader sees the lines.

Our own renderer rather than `itertext()`: Chinese pages separate paragraphs with `<p>`, `<div>` and bare
`<br>` alike, and captions are recognised by their position next to an image, so both need to survive as
separate, ordered blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml import etree
from lxml.html import HtmlElement

from crawler.extraction.dom import clean_space, element_text


def _tags(names: str) -> frozenset[str]:
    return frozenset(names.split())


BLOCK_TAGS = _tags(
    "address article aside blockquote body center dd details dialog div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre section summary table tbody thead "
    "tfoot tr ul caption"
)
SKIP_TAGS = _tags(
    "script style noscript iframe frame frameset select option button input textarea template svg object "
    "embed head title map audio video canvas link meta"
)
HEADING_TAGS = _tags("h1 h2 h3 h4 h5 h6")
_BOLD_TAGS = frozenset(("b", "strong"))
_CAPTION_CLASS = re.compile(
    r"caption|pic_?(?:txt|text|title|desc|note)|img_?(?:txt|text|desc|title)|tpsm|photo_?(?:txt|desc)"
)
_CENTER = re.compile(r"text-align\s*:\s*center", re.I)
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# Spacers, bullets and icons are layout, not article images.
_ICON_SRC = re.compile(
    r"/(?:icon|spacer|blank|dot|line|arrow|bullet|logo|share|qrcode|erweima|btn)[^/]*$", re.I
)
_REVEALED_TEXT = 200
_LAZY_SRC = ("data-src", "data-original", "original", "data-echo", "src")


@dataclass(slots=True)
class Block:
    text: str  # whitespace-collapsed text; "" for an image block
    image: str | None = None  # absolute image URL for an image block
    group: int = 0  # identity of the nearest block ancestor: an image and text sharing it are one paragraph
    centered: bool = False
    heading: bool = False  # an h1-h6, or a line that is bold throughout
    caption_hint: bool = False  # inside a figcaption or an element whose class says caption
    linked: int = 0  # characters inside links
    path: tuple[int, ...] = ()  # serials of the open block elements, outermost first (see render_page)


@dataclass(slots=True)
class _State:
    base_url: str
    blocks: list[Block] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    # open block elements with a serial number: lxml proxies can be recycled, so id() is no identity
    stack: list[tuple[HtmlElement, int]] = field(default_factory=list)
    elements: list[HtmlElement] = field(default_factory=list)  # block elements by serial (index 0: root)
    serial: int = 0
    linked: int = 0
    bold: int = 0
    in_link: int = 0
    in_bold: int = 0


def _cell_is_layout(cell: HtmlElement) -> bool:
    """Cells holding paragraphs are page layout (2005-era portals) and break lines; data cells do not."""
    return any(isinstance(node.tag, str) and node.tag in BLOCK_TAGS for node in cell.iterdescendants())


def _is_block(element: HtmlElement) -> bool:
    tag = element.tag
    if tag in ("td", "th"):
        return _cell_is_layout(element)
    return tag in BLOCK_TAGS


def _flush(state: _State) -> None:
    text = clean_space("".join(state.parts))
    if text:
        ancestors = [el for el, _ in state.stack[-3:]]
        bold_only = state.bold >= len(text.replace(" ", "")) > 0
        state.blocks.append(
            Block(
                text=text,
                group=state.stack[-1][1] if state.stack else 0,
                centered=any(_centered(el) for el in ancestors),
                heading=bool(state.stack and state.stack[-1][0].tag in HEADING_TAGS) or bold_only,
                caption_hint=any(_captionish(el) for el in ancestors),
                linked=state.linked,
                path=tuple(serial for _, serial in state.stack),
            )
        )
    state.parts.clear()
    state.linked = state.bold = 0


def _centered(element: HtmlElement) -> bool:
    return (
        element.tag == "center"
        or (element.get("align") or "").lower() == "center"
        or bool(_CENTER.search(element.get("style") or ""))
    )


def _captionish(element: HtmlElement) -> bool:
    if element.tag == "figcaption":
        return True
    return bool(_CAPTION_CLASS.search(f"{element.get('class') or ''} {element.get('id') or ''}".lower()))


def _image_src(element: HtmlElement, base_url: str) -> str | None:
    for attr in _LAZY_SRC:
        src = (element.get(attr) or "").strip()
        if src and not src.startswith("data:"):
            break
    else:
        return None
    width, height = element.get("width") or "", element.get("height") or ""
    if (
        (width.isdigit() and int(width) < 40)
        or (height.isdigit() and int(height) < 40)
        or _ICON_SRC.search(src)
    ):
        return None
    return str(urljoin(base_url, src))


def _hidden(element: HtmlElement) -> bool:
    """Hidden by its style, unless it holds an article: WeChat and other templates hide the content
    (`visibility: hidden`) until a script reveals it, while hidden menus and pop-ups are short or links."""
    if not _HIDDEN.search(element.get("style") or ""):
        return False
    text = element_text(element)
    if len(text) < _REVEALED_TEXT:
        return True
    linked = sum(len(element_text(a)) for a in element.iter("a"))
    return linked * 3 > len(text)


def _add_text(state: _State, text: str | None) -> None:
    if not text:
        return
    state.parts.append(text)
    weight = len(text) - text.count(" ") - text.count("\n")
    if state.in_link:
        state.linked += weight
    if state.in_bold:
        state.bold += weight


def _start(state: _State, element: HtmlElement, walker: etree.iterwalk) -> bool:
    """Handle an opening tag; False when the subtree is skipped."""
    tag = element.tag
    if not isinstance(tag, str) or tag in SKIP_TAGS or _hidden(element):
        walker.skip_subtree()
        return False
    if tag == "br":
        _flush(state)
    elif tag == "img":
        src = _image_src(element, state.base_url)
        if src:
            _flush(state)
            group = state.stack[-1][1] if state.stack else 0
            centered = any(_centered(el) for el, _ in state.stack[-3:])
            path = tuple(serial for _, serial in state.stack)
            state.blocks.append(Block(text="", image=src, group=group, centered=centered, path=path))
    elif _is_block(element):
        _flush(state)
        state.serial += 1
        state.stack.append((element, state.serial))
        state.elements.append(element)
    elif tag in ("td", "th"):
        state.parts.append(" ")
    state.in_link += tag == "a"
    state.in_bold += tag in _BOLD_TAGS
    _add_text(state, element.text)
    return True


def _end(state: _State, element: HtmlElement, entered: bool, tail: bool) -> None:
    if entered:
        tag = element.tag
        if state.stack and state.stack[-1][0] is element:
            _flush(state)
            state.stack.pop()
        state.in_link -= tag == "a"
        state.in_bold -= tag in _BOLD_TAGS
    if tail:
        _add_text(state, element.tail)


def render_blocks(root: HtmlElement, base_url: str) -> list[Block]:
    """Blocks of `root` in reading order. The root's own tail is outside it and ignored."""
    return render_page(root, base_url)[0]


def render_page(root: HtmlElement, base_url: str) -> tuple[list[Block], list[HtmlElement]]:
    """Blocks of `root`, and the block elements by serial: `Block.path` names the elements holding a block,
    so per-element text statistics need no second walk over the tree."""
    state = _State(base_url=base_url, elements=[root])
    walker = etree.iterwalk(root, events=("start", "end"))
    skipped: HtmlElement | None = None  # a skipped element's end event follows its start at once
    for event, element in walker:
        if event == "start":
            if not _start(state, element, walker):
                skipped = element
        else:
            _end(state, element, entered=element is not skipped, tail=element is not root)
            skipped = None
    _flush(state)
    return state.blocks, state.elements
