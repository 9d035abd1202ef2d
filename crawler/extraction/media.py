"""Images with their captions, and attachment links (附件) with the size the page shows for them.

A caption is the text that sits with an image: in the same paragraph, in a figcaption or caption-classed
element, or a short centred line right below a centred image (the Hanweb, TRS and cdpf templates).
Captions belong to the image, never to the body text.

An attachment's size is read only where it is plainly that link's: at the end of the link text
(`通知.pdf（356KB）`) or in the text right after the link, before the next link or block
(`<a>…</a> [2.35 M]`, `<a>…</a><span>大小：12K</span>`). Units are binary (K = 1024).
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urljoin, urlsplit

from lxml.html import HtmlElement

from crawler.extraction.dom import clean_space, element_text
from crawler.extraction.model import Attachment, Image
from crawler.extraction.render import Block

_MAX_CAPTION = 120
_MAX_CENTRED_CAPTION = 80
_ATTACHMENT_EXT = re.compile(r"\.(?:pdf|docx?|xlsx?|wps|et|ofd|zip|rar|7z|txt|pptx?)$", re.I)
_ATTACHMENT_HINT = re.compile(r"附件")
_MAX_HINT_SCOPE = 600

_SIZE = r"(\d+(?:\.\d+)?)\s*(KiB|KB|K|MiB|MB|M|GiB|GB|G|bytes|byte|B|字节)(?![A-Za-z])"
_LABEL = r"(?:文件)?大小\s*[:：为]?\s*"
# (356KB), （1.2MB）, [2.35 M], 【大小：12K】
_BRACKETED = re.compile(rf"[（(\[【]\s*(?:{_LABEL})?{_SIZE}\s*[)）\]】]", re.I)
_LABELLED = re.compile(rf"{_LABEL}{_SIZE}", re.I)
# A bare "356KB" counts only right after the link, and only with an unmistakable unit.
_BARE_AFTER = re.compile(r"^[\s,，、;；|/\-—]*(\d+(?:\.\d+)?)\s*([KMG]i?B)(?![A-Za-z])", re.I)
_UNIT_BYTES = {"k": 1024, "m": 1024**2, "g": 1024**3}
# Wrappers a template puts around a link or its size; anything else (a block, <br>, another link) ends the
# text that can belong to the link.
_INLINE = frozenset({"span", "font", "em", "i", "b", "strong", "small", "u", "label", "sup", "sub"})
_MAX_TRAILING = 40


def _is_caption(block: Block, image: Block) -> bool:
    if block.heading or len(block.text) > _MAX_CAPTION:
        return False
    if block.group == image.group or block.caption_hint:
        return True
    # A short centred line right under a picture is its caption in Hanweb, TRS and cdpf templates.
    return block.centered and len(block.text) <= _MAX_CENTRED_CAPTION and not block.text.endswith("。")


def split_images(blocks: list[Block]) -> tuple[list[str], list[Image]]:
    """Body lines and images: each image takes the caption line that follows it, if there is one."""
    lines: list[str] = []
    images: list[Image] = []
    last_image: Block | None = None
    for block in blocks:
        if block.image is not None:
            if all(block.image != seen.src for seen in images):
                images.append(Image(block.image))
            last_image = block
            continue
        if last_image is not None and images and _is_caption(block, last_image) and not images[-1].caption:
            images[-1] = Image(images[-1].src, block.text)
        else:
            lines.append(block.text)
        last_image = None
    return lines, images


def _file_name(url: str) -> str:
    return unquote(urlsplit(url).path.rsplit("/", 1)[-1])


def _is_attachment_link(href: str, text: str) -> bool:
    path = urlsplit(href).path
    return bool(_ATTACHMENT_EXT.search(path) or _ATTACHMENT_EXT.search(text))


def _near_hint(link: HtmlElement, levels: int = 3) -> bool:
    """Whether the link sits in a block announcing attachments (附件：...)."""
    node: HtmlElement | None = link
    for _ in range(levels):
        if node is None or node.tag in ("body", "html"):
            return False
        text = element_text(node)
        if len(text) > _MAX_HINT_SCOPE:
            return False  # grown past the attachment block into the page
        if _ATTACHMENT_HINT.search(text):
            return True
        node = node.getparent()
    return False


def _bytes(number: str, unit: str) -> int | None:
    factor = _UNIT_BYTES.get(unit[0].lower(), 1)
    size = round(float(number) * factor)
    # "0KB" is a CMS rounding a small file down, not a size; leave it to the HEAD request.
    return size or None


def _size_in_link_text(text: str) -> tuple[int | None, str]:
    """(size, the text without it) when the link text ends with a size or labels one."""
    for match in (*_BRACKETED.finditer(text), *_LABELLED.finditer(text)):
        if match.re is _BRACKETED and text[match.end() :].strip():
            continue  # a bracket in the middle of a title is not the file's size
        name = clean_space(text[: match.start()] + " " + text[match.end() :]).strip(",，、;；:：-—| ")
        return _bytes(match.group(1), match.group(2)), name
    return None, text


def _trailing_text(link: HtmlElement) -> str:
    """The text after the link up to the next link, block or line break (climbing out of inline
    wrappers such as <span><a>…</a></span>), at most `_MAX_TRAILING` characters."""
    parts: list[str] = []
    node = link
    while True:
        parts.append(node.tail or "")
        for sibling in node.itersiblings():
            if sibling.tag not in _INLINE or next(sibling.iter("a"), None) is not None:
                return clean_space("".join(parts))[:_MAX_TRAILING]
            parts += [element_text(sibling), sibling.tail or ""]
        parent = node.getparent()
        if parent is None or parent.tag not in _INLINE:
            return clean_space("".join(parts))[:_MAX_TRAILING]
        node = parent


def _size_after(link: HtmlElement) -> int | None:
    text = _trailing_text(link)
    bracketed = _BRACKETED.match(text.lstrip(" ,，、;；|/-—"))
    match = bracketed or _LABELLED.search(text) or _BARE_AFTER.match(text)
    return _bytes(match.group(1), match.group(2)) if match else None


def find_attachments(container: HtmlElement | None, tree: HtmlElement, base_url: str) -> list[Attachment]:
    """Attachment links inside the article container, plus those in 附件 blocks elsewhere on the page,
    each with its size when the page shows it next to the link."""
    found: list[Attachment] = []
    for link in tree.iter("a"):
        href = (link.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        text = clean_space(element_text(link))
        if not _is_attachment_link(href, text):
            continue
        inside = container is not None and any(parent is container for parent in link.iterancestors())
        if not inside and not _near_hint(link):
            continue
        url = urljoin(base_url, href)
        if all(url != seen.url for seen in found):
            size, name = _size_in_link_text(text)
            if size is None:
                size = _size_after(link)
            found.append(Attachment(name=name or _file_name(url), url=url, size=size))
    return found
