"""`sample-jsonapi`: the CDPF employment platform (cdpee): a single-page-app home, a JSON list API
(`data.records[].{id,title,conAbstract,source,createTime}`, `pageNum` / `pageSize`), and server-rendered
detail pages at `/news/newDetail?id=<19-digit id>`.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from sampleweb.catalog import Catalog
from sampleweb.model import Entry
from sampleweb.pages import Response, body_html, e, gov_meta, html_response
from sampleweb.sites import JSONAPI

SITE = JSONAPI
LIST_API = "/api/app-jycy-consultation/getHomeInformationList"
DEFAULT_SIZE, MAX_SIZE = 10, 50
NAME = "中国残疾人就业创业网络服务平台"

_HEAD = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{title}</title>{meta}</head>"""
_TOP = f"""<div class="header"><a href="/" class="logo">{NAME}</a>
<a href="javascript:void(0)" title="无障碍浏览">无障碍浏览</a>
<a href="/login">登录</a> <a href="/register">注册</a></div>
<div class="menu"><a href="/">首页</a> <a href="/news">资讯中心</a> <a href="/job">职位信息</a>
<a href="/policy">政策法规</a> <a href="/train">培训服务</a></div>"""
_FOOT = """<div class="footer"><p>主办单位：中国残疾人联合会 承办单位：中国残联就业服务指导中心</p>
<p>京ICP备12003212号-2 网站标识码：bm46000002</p></div>"""


def home() -> Response:
    """The real home page is a Vue app: an empty mount point and scripts, nothing to scrape."""
    html = f"""{_HEAD.format(title=NAME, meta="")}
<body><div id="app"></div>
<noscript>本网站需要开启JavaScript。</noscript>
<script src="/static/js/chunk-vendors.js"></script><script src="/static/js/app.js"></script>
</body></html>"""
    return html_response(html)


def information_list(catalog: Catalog, query: str) -> Response:
    params = {key: values[0] for key, values in parse_qs(query).items()}
    try:
        page, size = int(params.get("pageNum", "1")), int(params.get("pageSize", str(DEFAULT_SIZE)))
    except ValueError:
        return _json({"code": 400, "msg": "参数格式错误", "data": None})
    page, size = max(page, 1), min(max(size, 1), MAX_SIZE)
    records = [_record(entry) for entry in catalog.newest_first(SITE, (page - 1) * size, size)]
    pages = -(-catalog.listed // size)
    data = {"records": records, "total": catalog.listed, "size": size, "current": page, "pages": pages}
    return _json({"code": 200, "msg": "操作成功", "data": data})


def _record(entry: Entry) -> dict[str, object]:
    first = entry.story.paragraphs[0].text
    return {
        "id": entry.path.rsplit("=", 1)[1],  # Long ids travel as strings: JavaScript would round them
        "title": entry.story.title,
        "conAbstract": first[:60],
        "source": entry.source,
        "createTime": f"{entry.published:%Y-%m-%d %H:%M:%S}",
        "coverImg": entry.images[0].src if entry.images else None,
    }


def _json(document: object) -> Response:
    return html_response(json.dumps(document, ensure_ascii=False), "application/json")


def article(entry: Entry) -> Response:
    story = entry.story
    meta = gov_meta(entry)
    body = body_html(
        entry,
        lambda text: f"<p>{text}</p>",
        lambda text: f"<p><strong>{text}</strong></p>",
        lambda src, cap: (
            f'<p style="text-align:center"><img src="{src}"></p><p style="text-align:center">{cap}</p>'
        ),
    )
    html = f"""{_HEAD.format(title=e(story.title) + "-" + NAME, meta=meta)}
<body>{_TOP}
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/news">资讯中心</a></div>
<div class="news-detail"><h1 class="news-title">{e(story.title)}</h1>
<div class="news-info">发布时间：{entry.published:%Y-%m-%d %H:%M}　来源：{e(entry.source)}</div>
<div class="article-content">
{body}
</div>
<div class="news-editor">编辑：{e(entry.editors[0])}</div>
<div class="share">分享到：<a href="javascript:void(0)">微信</a> <a href="javascript:void(0)">微博</a></div>
</div>
{_FOOT}</body></html>"""
    return html_response(html)
