"""`sample-citynews`: a city news site that republishes, with keyword traps in chrome and content."""

from __future__ import annotations

import math

from sampleweb.catalog import Catalog
from sampleweb.model import Entry
from sampleweb.pages import Response, body_html, e, html_response, not_found
from sampleweb.sites import CITY

SITE = CITY
PER_PAGE = 20
PRIVATE_PER_LIST = 2  # /private/ drafts linked from every list page, disallowed by robots.txt

_TOP = """<div class="toolbar"><a href="javascript:void(0)" title="无障碍浏览" accesskey="Z">无障碍浏览</a>
<a href="/">淮安新闻网首页</a></div>
<div class="depts">部门：<a href="/dept/fgw.html">市发改委</a> <a href="/dept/mzj.html">市民政局</a>
<a href="/dept/qcl.html">区残联</a> <a href="/dept/jyj.html">市教育局</a></div>"""
_FOOT = """<div class="links">友情链接：<a href="http://www.cdpf.org.cn/">中国残联</a>
<a href="http://www.xinhuanet.com/">新华网</a></div>
<div class="footer"><p>淮安新闻网 版权所有 苏ICP备00000000号</p>
<p><a href="/about.html">关于我们</a> 举报电话：0517-00000000</p></div>"""


def page_count(catalog: Catalog) -> int:
    return max(1, math.ceil(catalog.listed / PER_PAGE))


def _head(title: str, meta_charset: bool) -> str:
    # Some templates of this site forget the meta charset: only the HTTP header says UTF-8.
    charset = '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">' if meta_charset else ""
    return f"<!DOCTYPE html>\n<html><head>{charset}<title>{title}</title></head>"


def list_page(catalog: Catalog, page: int) -> Response:
    """``page`` is 1-based: /news/list_1.html ... with a 下一页 link until the last."""
    pages = page_count(catalog)
    if not 1 <= page <= pages:
        return not_found()
    items = []
    for entry in catalog.newest_first(SITE, (page - 1) * PER_PAGE, PER_PAGE):
        items.append(
            f'<li><a href="{entry.path}">{e(entry.story.title)}</a><em>{entry.published:%Y-%m-%d}</em></li>'
        )
    for number in private_ids(page):
        items.append(f'<li><a href="/private/draft_{number}.html">内部稿件（待审）{number}</a></li>')
    pager = f'<a href="list_{page + 1}.html">下一页</a>' if page < pages else ""
    previous = f'<a href="list_{page - 1}.html">上一页</a> ' if page > 1 else ""
    joined = "\n".join(items)
    html = f"""{_head("新闻中心_淮安新闻网", page % 2 == 1)}
<body>{_TOP}<div class="newslist"><ul>
{joined}
</ul></div><div class="pager">{previous}{pager}</div>
{_FOOT}</body></html>"""
    return html_response(html)


def private_ids(page: int) -> list[int]:
    return [page * 10 + n for n in range(PRIVATE_PER_LIST)]


def private_page(number: str) -> Response:
    html = f"""{_head("内部稿件", True)}<body><h1>内部稿件 {e(number)}（待审，请勿转载）</h1>
<p>区残联关于残疾人两项补贴发放情况的内部通报，未经审核。</p></body></html>"""
    return html_response(html)


def article(entry: Entry) -> Response:
    story = entry.story
    body = body_html(
        entry,
        lambda text: f"<p>　　{text}</p>",
        lambda text: f"<p><strong>{text}</strong></p>",
        lambda src, cap: f'<div class="pic"><img src="{src}"><p class="caption">{cap}</p></div>',
    )
    byline = f"发布时间：{entry.published:%Y-%m-%d %H:%M}　来源：{e(entry.source)}"
    if entry.authors:
        byline += f"　记者：{e(' '.join(entry.authors))}"
    html = f"""{_head(e(story.title) + " - 淮安新闻网", entry.index % 2 == 0)}
<body>{_TOP}
<div class="main"><h1 class="headline">{e(story.title)}</h1>
<div class="byline">{byline}</div>
<div class="content">
{body}
<p class="editor">编辑：{e(entry.editors[0])}</p>
</div>
</div>
{_FOOT}</body></html>"""
    return html_response(html)
