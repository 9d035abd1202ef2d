"""`sample-iframe`: a Jiangsu district portal whose column page is a shell around a same-host iframe.

The shell `/xwzx/bmdt/index.html` holds the chrome, an `<iframe>` with the real list
(`/xwzx/bmdt/list_N.html`, 15 per page, 下一页 until the last, 404 past it) and another host's widget
iframe. The frame also carries a 通知公告 box with its own 下一页 into another column: a crawler that follows
it leaks out of the column (those lists answer 404 here, and tests check they are never asked for).
"""

from __future__ import annotations

import math

from sampleweb.catalog import Catalog
from sampleweb.model import Entry
from sampleweb.pages import Response, body_html, e, gov_meta, html_response, not_found
from sampleweb.sites import IFRAME

SITE = IFRAME
SHELL_PATH = "/xwzx/bmdt/index.html"
LIST_DIR = "/xwzx/bmdt/"
OTHER_COLUMN_NEXT = "/xwzx/tzgg/list_2.html"
WIDGET = "http://zwfw.example.invalid/jsp/portal/weather.html"  # another host: never followed
PER_PAGE = 15
NAME = "淮阴区人民政府"

_TOP = """<div class="top"><a href="javascript:void(0)" title="无障碍浏览">无障碍浏览</a>
<a href="/">淮阴区人民政府</a> <a href="/xwzx/index.html">新闻中心</a>
<a href="/zwgk/index.html">政务公开</a></div>
<div class="depts">部门导航：<a href="/bm/fgw/index.html">区发改委</a>
<a href="/bm/mzj/index.html">区民政局</a>
<a href="/bm/cl/index.html">区残联</a></div>"""
_FOOT = """<div class="footer"><p>主办单位：淮阴区人民政府办公室 网站标识码：3208040001</p>
<p>苏ICP备05001234号 <a href="/about.html">关于我们</a></p></div>"""


def _head(title: str, meta: str = "") -> str:
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{e(title)}</title>{meta}</head>"""


def page_count(catalog: Catalog) -> int:
    return max(1, math.ceil(catalog.listed / PER_PAGE))


def shell() -> Response:
    html = f"""{_head("部门动态-" + NAME)}
<body>{_TOP}
<div class="crumb">您当前的位置：<a href="/">首页</a> &gt; <a href="/xwzx/index.html">新闻中心</a>
&gt; 部门动态</div>
<div class="weather"><iframe src="{WIDGET}" width="200" height="30" frameborder="0"
 scrolling="no"></iframe></div>
<div class="list-frame">
<iframe id="listFrame" name="listFrame" src="{LIST_DIR}list_1.html" width="100%" height="900" frameborder="0"
 scrolling="no"></iframe>
</div>
{_FOOT}</body></html>"""
    return html_response(html)


def list_page(catalog: Catalog, page: int) -> Response:
    """The frame document: list ``page`` (1-based) of the column, chrome-free, plus a notice box."""
    pages = page_count(catalog)
    if not 1 <= page <= pages:
        return not_found()
    items = []
    for entry in catalog.newest_first(SITE, (page - 1) * PER_PAGE, PER_PAGE):
        title = e(entry.story.title)
        items.append(
            f'<li><a href="{entry.path}" target="_blank" title="{title}">{title}</a>'
            f"<span>[{entry.published:%Y-%m-%d}]</span></li>"
        )
    joined = "\n".join(items)
    first = '<a href="list_1.html">首页</a>'
    previous = f'<a href="list_{page - 1}.html">上一页</a>' if page > 1 else ""
    following = f'<a href="list_{page + 1}.html">下一页</a>' if page < pages else ""
    last = f'<a href="list_{pages}.html">尾页</a>'
    html = f"""{_head("部门动态")}
<body class="frame"><ul class="news-list">
{joined}
</ul>
<div class="pager">{first} {previous} {following} {last} 共{pages}页</div>
<div class="notice-box"><h3>通知公告</h3><ul>
<li><a href="/xwzx/tzgg/notice_{page}.html" target="_blank">关于开展政务服务满意度调查的通知</a></li></ul>
<a href="{OTHER_COLUMN_NEXT}">下一页</a></div>
</body></html>"""
    return html_response(html)


def article(entry: Entry) -> Response:
    story = entry.story
    meta = gov_meta(entry)
    body = body_html(
        entry,
        lambda text: f"<p>　　{text}</p>",
        lambda text: f"<p><strong>{text}</strong></p>",
        lambda src, cap: (
            f'<p style="text-align:center"><img src="{src}"></p><p style="text-align:center">{cap}</p>'
        ),
    )
    byline = f"发布时间：{entry.published:%Y-%m-%d %H:%M}　来源：{e(entry.source)}"
    if entry.authors:
        byline += f"　记者：{e(' '.join(entry.authors))}"
    html = f"""{_head(story.title + "-" + NAME, meta)}
<body>{_TOP}
<div class="crumb">您当前的位置：<a href="/">首页</a> &gt; <a href="/xwzx/index.html">新闻中心</a> &gt;
<a href="{SHELL_PATH}">部门动态</a></div>
<div class="main"><h1 class="headline">{e(story.title)}</h1>
<div class="byline">{byline}</div>
<div class="article-content">
{body}
</div>
<div class="editor">责任编辑：{e(entry.editors[0])}</div>
<div class="tools"><a href="javascript:window.print()">打印本页</a>
<a href="javascript:window.close()">关闭窗口</a></div>
</div>
{_FOOT}</body></html>"""
    return html_response(html)
