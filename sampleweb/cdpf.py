"""`sample-cdpf`: a national federation site: indexN.htm lists, hex ids, _mobile twins, sitemap."""

from __future__ import annotations

import math

from sampleweb import attachments
from sampleweb.catalog import Catalog
from sampleweb.model import Entry
from sampleweb.pages import Response, body_html, e, gov_meta, html_response, not_found, relative
from sampleweb.sites import CDPF

SITE = CDPF
PER_PAGE = 20
LIST_DIR = "/xwzx/clyw2/"

_HEAD = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>{meta}</head>"""
_TOP = """<div class="top"><a href="/">中国残疾人联合会</a> <a href="javascript:void(0)">无障碍浏览</a>
<a href="/xwzx/clyw2/index.htm">残联要闻</a> <a href="/xwzx/dfdt1/index.htm">地方动态</a></div>"""
_FOOT = """<div class="footer"><p>主办单位：中国残疾人联合会</p>
<p>京ICP备05052393号 网站标识码：bm46000001</p></div>"""


def page_count(catalog: Catalog) -> int:
    return max(1, math.ceil(catalog.listed / PER_PAGE))


def list_page(catalog: Catalog, page: int) -> Response:
    """``page`` 0 is index.htm, then index1.htm, index2.htm ...; past the last page: 404."""
    if not 0 <= page < page_count(catalog):
        return not_found()
    items = []
    for entry in catalog.newest_first(SITE, page * PER_PAGE, PER_PAGE):
        title = e(entry.story.title)
        href = relative(entry.path, LIST_DIR + "index.htm")
        items.append(
            f'<li><span>{entry.published:%Y-%m-%d}</span><a href="{href}" title="{title}">{title}</a></li>'
        )
    joined = "\n".join(items)
    html = f"""{_HEAD.format(title="残联要闻-中国残疾人联合会", meta="")}
<body>{_TOP}
<div class="list"><ul>
{joined}
</ul></div>
{_FOOT}</body></html>"""
    return html_response(html)


def _body(entry: Entry) -> str:
    return body_html(
        entry,
        lambda text: f"<p>{text}</p>",
        lambda text: f"<p><b>{text}</b></p>",
        lambda src, cap: (
            f'<p align="center"><img src="{relative(src, entry.path)}"></p><p align="center">{cap}</p>'
        ),
    )


def article(entry: Entry) -> Response:
    story = entry.story
    mobile = entry.path.removesuffix(".htm") + "_mobile.htm"
    meta = gov_meta(entry)
    html = f"""{_HEAD.format(title=e(story.title) + "-中国残疾人联合会", meta=meta)}
<body>{_TOP}
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="{LIST_DIR}index.htm">残联要闻</a></div>
<div class="article"><h2 class="title">{e(story.title)}</h2>
<div class="fbsj">发布时间：{entry.published:%Y-%m-%d %H:%M}　来源：{e(entry.source)}　<a
 href="{relative(mobile, entry.path)}">手机版</a></div>
<div class="TRS_Editor">
{_body(entry)}
</div>
{attachments.block(entry)}<div class="bianji">编辑：{e(entry.editors[0])}</div>
</div>
{_FOOT}</body></html>"""
    return html_response(html)


def mobile_article(entry: Entry) -> Response:
    """The _mobile.htm twin: same story, a lighter template, a canonical link back."""
    story = entry.story
    desktop = entry.path.rsplit("/", 1)[1]
    html = f"""{_HEAD.format(title=e(story.title), meta=f'<link rel="canonical" href="{entry.path}">')}
<body class="m"><header><a href="/">中国残联</a></header>
<article><h1>{e(story.title)}</h1>
<p class="m-info">{entry.published:%Y-%m-%d %H:%M} {e(entry.source)}</p>
<section class="m-content">
{_body(entry)}
</section>
<p class="m-editor">编辑：{e(entry.editors[0])}</p></article>
{attachments.block(entry)}<footer><a href="{desktop}">电脑版</a></footer></body></html>"""
    return html_response(html)


def sitemap(catalog: Catalog, base_url: str) -> Response:
    urls = []
    for index in range(catalog.listed - 1, -1, -1):
        path, when = catalog.path(SITE, index), catalog.published(SITE, index)
        urls.append(f"<url><loc>{e(base_url + path)}</loc><lastmod>{when:%Y-%m-%d}</lastmod></url>")
    joined = "\n".join(urls)
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{joined}
</urlset>"""
    return html_response(xml, "application/xml; charset=utf-8")
