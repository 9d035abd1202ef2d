"""Helpers shared by the per-family renderers: responses, escaping, article bodies with pictures."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from posixpath import dirname, relpath

from sampleweb.model import Entry

Response = tuple[int, dict[str, str], bytes]

# Strings that belong to page chrome only. Generated article text never contains them, so a test can
# check that an extractor's body is free of chrome.
CHROME_MARKERS: tuple[str, ...] = (
    "您当前的位置",
    "分享到",
    "听新闻",
    "打印本页",
    "关闭窗口",
    "上一篇",
    "下一篇",
    "网站标识码",
    "ICP",
    "举报电话",
    "关于我们",
    "版权所有",
    "主办单位",
    "责任编辑",
    "无障碍浏览",
    "字体",
)

# A 1x1 GIF: pictures only need to exist, not to show anything.
PIXEL = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def html_response(
    text: str, content_type: str = "text/html; charset=utf-8", codec: str = "utf-8"
) -> Response:
    return 200, {"Content-Type": content_type}, text.encode(codec, errors="xmlcharrefreplace")


def not_found() -> Response:
    body = "<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1></body></html>"
    return 404, {"Content-Type": "text/html; charset=utf-8"}, body.encode()


def text_response(text: str, content_type: str = "text/plain; charset=utf-8") -> Response:
    return 200, {"Content-Type": content_type}, text.encode()


def e(text: str) -> str:
    """Escape text for HTML element content and attribute values."""
    return escape(text, quote=True)


def relative(src: str, page_path: str) -> str:
    """``src`` written relative to the page, the way TRS and cdpf templates link pictures."""
    rel = relpath(src, dirname(page_path))
    return rel if rel.startswith("..") else f"./{rel}"


def body_html(
    entry: Entry,
    paragraph: Callable[[str], str],
    heading: Callable[[str], str],
    picture: Callable[[str, str], str],
) -> str:
    """The article body in the site's markup, with each picture after the paragraph it follows."""
    after: dict[int, list[int]] = {}
    for number, pic in enumerate(entry.story.pictures):
        after.setdefault(pic.after, []).append(number)
    out: list[str] = []
    for index, para in enumerate(entry.story.paragraphs):
        out.append(heading(e(para.text)) if para.heading else paragraph(e(para.text)))
        for number in after.get(index, []):
            image = entry.images[number]
            out.append(picture(image.src, e(image.caption)))
    return "\n".join(out)


def spaced_names(names: tuple[str, ...]) -> str:
    """Bylines pad two-character names to three columns: 陈曦 is printed 陈 曦."""
    return " ".join(f"{n[0]} {n[1]}" if len(n) == 2 else n for n in names)


def gov_meta(entry: Entry) -> str:
    """The 国办-style ArticleTitle / PubDate / ContentSource meta tags of a government page."""
    return (
        f'<meta name="ArticleTitle" content="{e(entry.story.title)}">'
        f'<meta name="PubDate" content="{entry.published:%Y-%m-%d %H:%M}">'
        f'<meta name="ContentSource" content="{e(entry.source)}">'
    )
