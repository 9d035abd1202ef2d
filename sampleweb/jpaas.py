"""`sample-jpaas`: a Zhejiang county portal on Hanweb JPaaS (集约化): the column page is a shell whose
`unitbuild.js` script names the unit; the list comes as JSON from the api-gateway, paged only by `paramJson`.
Articles since 2022 use `/col/colN/art/YYYY/art_<hex>.html`, older ones the classic Hanweb layout.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from sampleweb.catalog import Catalog
from sampleweb.hanweb import gov_meta_and_body
from sampleweb.model import Entry
from sampleweb.newsites import JPAAS_COLUMN
from sampleweb.pages import Response, e, html_response
from sampleweb.sites import JPAAS

SITE = JPAAS
COLUMN_PATH = f"/col/col{JPAAS_COLUMN}/index.html"
UNIT_API = "/api-gateway/jpaas-publish-server/front/page/build/unit"
WEB_ID, TPL_SET_ID, TAG_ID = "3365", "5b1f0c6a8e2d4e7fa1c39d0b64e2f8a7", "信息列表"
PER_PAGE, MAX_PAGE_SIZE = 15, 50
WEB_NAME = "海盐县人民政府"
JSON_TYPE = "application/json;charset=UTF-8"

_TOP = """<div class="zjzwfw-top"><a href="https://www.zjzwfw.gov.cn/" target="_blank">浙江政务服务网</a>
<a href="javascript:void(0)" id="wza" title="无障碍浏览">无障碍浏览</a>
<a href="javascript:void(0)">长者模式</a></div>
<div class="nav"><a href="/">首页</a> <a href="/col/col1229502100/index.html">新闻中心</a>
<a href="/col/col1229502130/index.html">政务公开</a> <a href="/col/col1229502140/index.html">政务服务</a>
<a href="/col/col1229502150/index.html">互动交流</a></div>"""
_FOOT = """<div class="footer"><p>主办单位：海盐县人民政府办公室 承办单位：海盐县大数据发展中心</p>
<p>网站标识码：3304240001 <a href="https://beian.miit.gov.cn/">浙ICP备05004183号</a></p>
<p><a href="/col/col1229502161/index.html">网站地图</a> | <a href="/col/col1229502162/index.html">关于我们</a>
| <a href="/col/col1229502163/index.html">联系我们</a></p></div>"""


def _head(title: str, meta: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge"><title>{e(title)}</title>
<meta name="SiteName" content="{WEB_NAME}"><meta name="SiteIDCode" content="3304240001">
<meta name="ColumnName" content="部门动态">{meta}
</head>"""


def column_page() -> Response:
    """The shell: no records, just the unit script the browser would run."""
    query = f"{{'webId':'{WEB_ID}','pageId':'{JPAAS_COLUMN}','tplSetId':'{TPL_SET_ID}','tagId':'{TAG_ID}'}}"
    html = f"""{_head("部门动态_" + WEB_NAME)}
<body>{_TOP}
<div class="crumb">您当前的位置：<a href="/">首页</a> &gt;
<a href="/col/col1229502100/index.html">新闻中心</a> &gt; 部门动态</div>
<div class="left-nav"><a href="/col/col1229502101/index.html">海盐要闻</a>
<a href="{COLUMN_PATH}">部门动态</a> <a href="/col/col1229502103/index.html">乡镇动态</a></div>
<div class="list-con" id="unit-list">
<script type="text/javascript" src="/module/jpage/2.0/AuthorizedRead/unitbuild.js"
 url="{UNIT_API}" queryData="{query}" parseType="bulidstatic" pageType="column"></script>
<noscript>请开启浏览器的JavaScript以查看信息列表。</noscript>
</div>
{_FOOT}</body></html>"""
    return html_response(html)


def unit(catalog: Catalog, query: str) -> Response:
    """The unit API: ids must match the column's unit; the page comes only from paramJson."""
    params = {key: values[0] for key, values in parse_qs(query).items()}
    wanted = {"webId": WEB_ID, "pageId": JPAAS_COLUMN, "tplSetId": TPL_SET_ID, "tagId": TAG_ID}
    if params.get("parseType") != "bulidstatic" or any(params.get(k) != v for k, v in wanted.items()):
        return _json({"success": False, "code": 500, "message": "参数错误", "data": None})
    try:
        paging = json.loads(params.get("paramJson", "{}"))
        page_no, size = int(paging.get("pageNo", 1)), int(paging.get("pageSize", PER_PAGE))
    except (ValueError, TypeError, AttributeError):
        page_no, size = 1, PER_PAGE
    page_no, size = max(page_no, 1), min(max(size, 1), MAX_PAGE_SIZE)
    items = [_item(entry) for entry in catalog.newest_first(SITE, (page_no - 1) * size, size)]
    pages = max(1, -(-catalog.listed // size))
    pager = (
        f'<div class="default_pgContainer"><span>共{catalog.listed}条 {page_no}/{pages}页</span>'
        '<a href="javascript:;" class="default_pgNext">下一页</a></div>'
    )
    markup = '<ul class="list">' + "".join(items) + "</ul>" + pager
    return _json({"success": True, "code": 200, "message": "操作成功", "data": {"html": markup}})


def _item(entry: Entry) -> str:
    title = e(entry.story.title)
    when = f"{entry.published:%Y-%m-%d}"
    return f'<li><a href="{entry.path}" title="{title}" target="_blank">{title}</a><span>{when}</span></li>'


def _json(document: object) -> Response:
    return html_response(json.dumps(document, ensure_ascii=False), JSON_TYPE)


def article(entry: Entry) -> Response:
    story = entry.story
    meta, body = gov_meta_and_body(entry)
    html = f"""{_head(story.title + "_" + WEB_NAME, meta)}
<body>{_TOP}
<div class="crumb">您当前的位置：<a href="/">首页</a> &gt;
<a href="/col/col1229502100/index.html">新闻中心</a> &gt; <a href="{COLUMN_PATH}">部门动态</a></div>
<div class="article"><div class="title">{e(story.title)}</div>
<div class="info">发布日期：{entry.published:%Y-%m-%d %H:%M} 信息来源：{e(entry.source)}
<span>浏览次数：<span id="visits"></span></span></div>
<div class="font">【字体：<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a>
<a href="javascript:doZoom(14)">小</a>】</div>
<div id="zoom">
{body}
</div>
<div class="editor">责任编辑：{e(entry.editors[0])}</div>
<div class="tools">【<a href="javascript:window.print()">打印本页</a>】
【<a href="javascript:window.close()">关闭窗口</a>】</div>
</div>
{_FOOT}</body></html>"""
    return html_response(html)
