"""`sample-portal`: a provincial news portal on TRS WCM: index_N.shtml lists, relative links, RSS."""

from __future__ import annotations

import math
from email.utils import format_datetime

from sampleweb import attachments
from sampleweb.catalog import Catalog
from sampleweb.model import Entry
from sampleweb.pages import Response, body_html, e, html_response, not_found, relative
from sampleweb.sites import PORTAL

SITE = PORTAL
PER_PAGE = 20
RSS_ITEMS = 50

_HEAD = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{title}</title>{meta}</head>"""
_NAV = """<div class="nav"><a href="/">首页</a> <a href="/jsyw/index.shtml">江苏要闻</a>
<a href="/jsyw/index.shtml">市县传真</a></div>"""
_FOOT = """<div class="footer"><p>中国江苏网版权所有 Copyright © 2001-2026</p>
<p>苏ICP备12345678号 苏公网安备 32010602010000号</p></div>"""


def page_count(catalog: Catalog) -> int:
    return max(1, math.ceil(catalog.listed / PER_PAGE))


def list_page(catalog: Catalog, page: int) -> Response:
    """``page`` 0 is index.shtml, 1 is index_1.shtml, and so on."""
    pages = page_count(catalog)
    if not 0 <= page < pages:
        return not_found()
    items = []
    for entry in catalog.newest_first(SITE, page * PER_PAGE, PER_PAGE):
        href = relative(entry.path, "/jsyw/index.shtml")
        items.append(
            f'<li><a href="{href}" target="_blank">{e(entry.story.title)}</a>'
            f"<span>{entry.published:%Y-%m-%d %H:%M}</span></li>"
        )
    body = "\n".join(items)
    html = f"""{_HEAD.format(title="江苏要闻_中国江苏网", meta="")}
<body>{_NAV}<div class="list"><ul>
{body}
</ul></div>
<div class="page"><script>createPageHTML({pages}, {page}, "index", "shtml");</script></div>
{_FOOT}</body></html>"""
    return html_response(html)


def _neighbour(catalog: Catalog, index: int, label: str, page_path: str) -> str:
    if not 0 <= index < catalog.listed:
        return f"<p>{label}：没有了</p>"
    entry = catalog.entry(SITE, index)
    return f'<p>{label}：<a href="{relative(entry.path, page_path)}">{e(entry.story.title)}</a></p>'


def _related(catalog: Catalog, entry: Entry) -> str:
    """相关新闻: a few other titles, often about 残联 too, all outside the article body."""
    # Near neighbours: a crawler walking the list has usually just generated them (cheap cache hits).
    picks = [entry.index + k for k in (-3, -2, 2) if 0 <= entry.index + k < catalog.listed]
    links = []
    for index in picks:
        if index != entry.index:
            other = catalog.entry(SITE, index)
            links.append(f'<li><a href="{relative(other.path, entry.path)}">{e(other.story.title)}</a></li>')
    return f'<div class="related"><h3>相关新闻</h3><ul>{"".join(links)}</ul></div>'


def article(catalog: Catalog, entry: Entry) -> Response:
    story = entry.story
    body = body_html(
        entry,
        lambda text: f"<p>{text}</p>",
        lambda text: f"<p><strong>{text}</strong></p>",
        lambda src, cap: _picture(relative(src, entry.path), cap, entry.index),
    )
    editor_tail = entry.editors[-1]
    lines = [f"<p>通讯员：{e(c)}</p>" for c in entry.correspondents]
    lines.append(f"<p>编辑：{e(entry.editors[0])}</p>")
    editor_box = "\n".join(lines)
    files = attachments.block(entry)
    editor_part = f'<div class="TRS_Editor">\n{body}\n</div>\n{files}<div class="editor">{editor_box}</div>'
    if entry.index % 3 != 0:  # most templates wrap the body in div#content, some do not
        editor_part = f'<div id="content">\n{editor_part}\n</div>'
    meta = f'<meta name="ArticleTitle" content="{e(story.title)}">'
    prev_next = _neighbour(catalog, entry.index - 1, "上一篇", entry.path) + _neighbour(
        catalog, entry.index + 1, "下一篇", entry.path
    )
    html = f"""{_HEAD.format(title=e(story.title) + "_中国江苏网", meta=meta)}
<body>{_NAV}
<div class="banner"><img src="/images/banner.jpg" alt="未标题-1.jpg"></div>
<div class="article"><h1>{e(story.title)}</h1>
<div class="info"><span class="time">{entry.published:%Y-%m-%d %H:%M:%S}</span>&nbsp;&nbsp;<span
 class="source">来源：{e(entry.source)}</span></div>
<div class="count">阅读量：<span id="counter">{entry.index % 97 + 1}</span></div>
<div class="tts"><a href="javascript:void(0)">听新闻</a></div>
{editor_part}
<div class="tag">标签：</div>
<div class="zebian">责编：{e(editor_tail)}</div>
<div class="prevnext">{prev_next}</div>
{_related(catalog, entry)}
</div>
{_FOOT}</body></html>"""
    return html_response(html)


def _picture(src: str, caption: str, index: int) -> str:
    """Captions come in two template styles: a classed paragraph or a centred one."""
    image = f'<p style="text-align: center;"><img src="{src}" oldsrc="{src.lstrip("./")}"></p>'
    if index % 2:
        return f'{image}\n<p class="pic-caption">{caption}</p>'
    return f'{image}\n<p style="text-align: center;">{caption}</p>'


def rss(catalog: Catalog, base_url: str) -> Response:
    items = []
    for index in range(catalog.listed - 1, max(catalog.listed - 1 - RSS_ITEMS, -1), -1):
        entry = catalog.entry(SITE, index)
        link = base_url + entry.path
        items.append(
            f"<item><title>{e(entry.story.title)}</title><link>{e(link)}</link>"
            f"<guid>{e(link)}</guid><pubDate>{format_datetime(entry.published)}</pubDate></item>"
        )
    joined = "\n".join(items)
    xml = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>中国江苏网 江苏要闻</title><link>{e(base_url)}/jsyw/index.shtml</link>
<description>江苏要闻</description>
{joined}
</channel></rss>"""
    return html_response(xml, "application/rss+xml; charset=utf-8")
