"""Images with their captions, and attachment links (附件).

A caption is the text that sits with an image: in the same paragraph, in a figcaption or caption-classed
element, or a short centred line right below a centred image (the Hanweb, TRS and cdpf templates).
Captions belong to the image, never to the body text.
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


def find_attachments(container: HtmlElement | None, tree: HtmlElement, base_url: str) -> list[Attachment]:
    """Attachment links inside the article container, plus those in 附件 blocks elsewhere on the page."""
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
            found.append(Attachment(name=text or _file_name(url), url=url))
    return found
