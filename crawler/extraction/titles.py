"""Choosing and cleaning the article title.

`<meta name="ArticleTitle">` first (read quote-tolerantly, see dom.read_meta), then the page's headings,
checked against `<title>`: a heading contained in `<title>` is the article title, while an `<h1>` that
holds the site logo is not. `<title>` itself, stripped of site suffixes (-新华网, _中国江苏网,
--时政--人民网, _秀洲区人民政府), is the last resort.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from crawler.extraction.dom import clean_space, element_text

_ORIGINAL_PREFIX = re.compile(r"^(?:【原创】|\[原创\]|（原创）|\(原创\)|原创\s*[|｜丨:：]\s*|原创\s+)")
# A separator between title and site name; "-" between digits (2021-2025年) is no separator.
_SEPARATOR = re.compile(r"\s*(?:--+|——|—|_+|\||｜|丨|::|(?<!\d)\s*-\s*(?!\d)|\s+-\s+)\s*")
# How site and column names end (秀洲区人民政府, 人民网, 通知公告, 工作动态): a title segment after the last
# separator that ends so is stripped.
_SITE_WORD = re.compile(
    r"(?:网|网站|政府|门户|频道|新闻|时政|要闻|残联|联合会|日报|晚报|在线|中心|平台|官网|首页|之窗|资讯|电视台|"
    r"广播|融媒|报社|协会|委员会|办公室|局|厅|部|人民政府|新华|动态|公告|公示|快讯|专题|政务公开|信息公开|"
    r"图片新闻|政策法规|\.cn|\.com|www\.)$",
    re.I,
)
_MAX_SUFFIX = 25
_MAX_COLUMN = 6
_HEADING_XPATH = (
    "//h1 | //h2 | //h3 | //*[@id='Title' or @id='title' or @id='content_h3' or @id='ArticleTitle']"
    " | //*[contains(@class, 'title') or contains(@class, 'Title') or contains(@class, 'tit')]"
)


def strip_original(title: str) -> str:
    return _ORIGINAL_PREFIX.sub("", title).strip()


def strip_site_suffix(title: str, site_names: tuple[str, ...] = ()) -> str:
    """Remove trailing `<sep> site name` segments, repeatedly (--时政--人民网 has two)."""
    title = clean_space(title)
    site_separator = ""  # once a site name is cut, short segments before it with its separator are its
    while True:  # columns: 曹方新碟发布会……_大陆新闻_娱乐_腾讯网
        parts = list(_SEPARATOR.finditer(title))
        if not parts:
            return title
        last = parts[-1]
        head, suffix = title[: last.start()].strip(), title[last.end() :].strip()
        is_site = bool(_SITE_WORD.search(suffix)) or suffix in site_names or not suffix
        is_column = last.group(0).strip() == site_separator and len(suffix) <= _MAX_COLUMN
        if len(head) < 4 or len(suffix) > _MAX_SUFFIX or not (is_site or is_column):
            return title
        site_separator = last.group(0).strip()
        title = head


def clean_title(title: str, site_names: tuple[str, ...] = ()) -> str:
    return strip_original(strip_site_suffix(strip_original(clean_space(title)), site_names))


def _heading_candidates(tree: HtmlElement, shortest: int = 4) -> list[str]:
    found: list[str] = []
    for element in tree.xpath(_HEADING_XPATH):
        if element.tag in ("title", "meta", "body", "html"):
            continue
        text = clean_space(element_text(element))
        if shortest <= len(text) <= 150 and text not in found:
            found.append(text)
    return found


def _in_page_title(heading: str, squashed_title: str) -> bool:
    """A heading inside `<title>`; a heading of two or three characters (编者按) only as its first part."""
    squashed = "".join(heading.split())
    return squashed in squashed_title and (len(squashed) >= 4 or squashed_title.startswith(squashed))


def pick_title(tree: HtmlElement, meta: dict[str, str]) -> str:
    """The article title, or "" when the page offers none."""
    site_names = tuple(v for k in ("sitename", "og:site_name", "columnname") if (v := meta.get(k)))
    article_title = clean_title(meta.get("articletitle", ""), site_names)
    if len(article_title) >= 2:
        return article_title
    page_title = clean_space(tree.findtext(".//title") or "")
    squashed = "".join(page_title.split())
    headings = _heading_candidates(tree, shortest=2)
    inside = [h for h in headings if _in_page_title(h, squashed) and h not in site_names]
    if inside:
        return clean_title(max(inside, key=len), site_names)
    for candidate in (meta.get("og:title", ""), page_title):
        cleaned = clean_title(candidate, site_names)
        if cleaned:
            return cleaned
    headings = [h for h in headings if len(h) >= 4]
    return clean_title(headings[0], site_names) if headings else ""


_MAX_LINE_TITLE = 60
_FIRST_SENTENCE = re.compile(r"^(.{4,40}?)[。！？!?；;]")


def title_from_first_line(lines: list[str]) -> tuple[str, list[str]]:
    """A page with no title anywhere still gives its body: a short first line that is no sentence is the
    title (and leaves the body); otherwise the first sentence of the text stands in for one."""
    if not lines:
        return "", lines
    first = lines[0]
    if len(first) <= _MAX_LINE_TITLE and not first.endswith(("。", "！", "？", "；", "：", ":")):
        return first, lines[1:]
    match = _FIRST_SENTENCE.match(first)
    return (match.group(1) if match else first[:40]), lines
