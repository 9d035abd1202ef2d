"""Parsing decoded text into one lxml tree, and reading `<meta>` values robustly."""

from __future__ import annotations

import html
import re

from lxml import etree
from lxml.html import HtmlElement, HTMLParser

# Comments and processing instructions carry nothing we read; dropping them at parse time is cheapest.
# huge_tree: without it libxml2 silently drops everything nested deeper than 255 elements (and text nodes
# over 10 MB), and the page's article with it. Our own limits (`check_limits`) refuse such pages by name.
_PARSER = HTMLParser(
    remove_comments=True, remove_pis=True, collect_ids=False, default_doctype=False, huge_tree=True
)
# libxml2 keeps at most 2048 levels even with huge_tree and drops the rest of the document silently, so a
# tree that reaches our depth limit may be truncated: refuse it rather than extract half a page.
MAX_DEPTH = 1024
MAX_ELEMENTS = 500_000
# lxml refuses str input that starts with an XML declaration naming an encoding.
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

# Values in government meta tags often contain unescaped ASCII quotes (金湖县"十三五"期间...), which cut the
# attribute short in any HTML parser. Reading up to the quote that closes the tag recovers the full value.
_META_NAME_FIRST = re.compile(
    r"""<meta\s+(?:name|property|itemprop)\s*=\s*["']?([\w:.\-]+)["']?\s+content\s*=\s*"(.*?)"\s*/?\s*>""",
    re.I | re.S,
)
_META_CONTENT_FIRST = re.compile(
    r"""<meta\s+content\s*=\s*"(.*?)"\s+(?:name|property|itemprop)\s*=\s*["']?([\w:.\-]+)["']?\s*/?\s*>""",
    re.I | re.S,
)
_HEAD_SCAN_CHARS = 30000


def parse_html(text: str) -> HtmlElement | None:
    """Parse a decoded page; None when lxml finds no document in it."""
    cleaned = _CONTROL.sub("", _XML_DECL.sub("", text, count=1))
    if not cleaned.strip():
        return None
    try:
        root = etree.fromstring(cleaned, parser=_PARSER)
    except (etree.LxmlError, ValueError):
        return None
    if root is None or not isinstance(root, HtmlElement):
        return None
    return root


def check_limits(root: HtmlElement) -> str | None:
    """Why a parsed tree is beyond what we extract from (too deep, too many elements), or None."""
    depth = deepest = elements = 0
    for event, _element in etree.iterwalk(root, events=("start", "end")):
        if event == "end":
            depth -= 1
            continue
        depth += 1
        elements += 1
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            return f"elements nested more than {MAX_DEPTH} deep"
        if elements > MAX_ELEMENTS:
            return f"more than {MAX_ELEMENTS} elements"
    return None


def read_meta(tree: HtmlElement, text: str) -> dict[str, str]:
    """`<meta>` values keyed by lower-cased name/property; the quote-tolerant scan wins when it saw more."""
    values: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = meta.get("name") or meta.get("property") or meta.get("itemprop") or meta.get("http-equiv")
        content = meta.get("content")
        if key and content is not None and key.lower() not in values:
            values[key.lower()] = clean_space(content)
    head = text[:_HEAD_SCAN_CHARS]
    scanned = [(m.group(1), m.group(2)) for m in _META_NAME_FIRST.finditer(head)]
    scanned += [(m.group(2), m.group(1)) for m in _META_CONTENT_FIRST.finditer(head)]
    for key, raw in scanned:
        value = clean_space(html.unescape(raw))
        current = values.get(key.lower(), "")
        if len(value) > len(current) and value.startswith(current) and "<" not in value:
            values[key.lower()] = value
    return values


_SPACE = re.compile(r"\s+")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def clean_space(value: str) -> str:
    """Collapse every run of whitespace (including nbsp and the full-width space) to one ASCII space."""
    return _SPACE.sub(" ", _INVISIBLE.sub("", value)).strip()


def element_text(element: HtmlElement) -> str:
    """All text under an element, whitespace collapsed (scripts and styles excluded)."""
    parts: list[str] = []
    for node in element.iter():
        if node.tag in ("script", "style") or not isinstance(node.tag, str):
            if node is not element and node.tail:
                parts.append(node.tail)
            continue
        if node.text:
            parts.append(node.text)
        if node is not element and node.tail:
            parts.append(node.tail)
    return clean_space("".join(parts))


def link_density(element: HtmlElement) -> float:
    """Share of an element's text that sits inside links: near 1 for menus and list pages."""
    total = len(element_text(element).replace(" ", ""))
    if total == 0:
        return 0.0
    linked = sum(len(element_text(a).replace(" ", "")) for a in element.iter("a"))
    return min(1.0, linked / total)
