"""`sample-county`: a district news centre on 大汉 Hanweb, GBK pages, jpage datastore lists."""

from __future__ import annotations

import math
from collections.abc import Sequence
from urllib.parse import parse_qs

from sampleweb.catalog import HANWEB_COLUMN, Catalog
from sampleweb.model import Entry
from sampleweb.pages import Response, body_html, e, gov_meta, html_response, spaced_names
from sampleweb.sites import COUNTY

SITE = COUNTY
COLUMN_PATH = f"/col/col{HANWEB_COLUMN}/index.html"
UNIT_ID, WEB_ID, WEB_NAME = "7650715", "3391", "秀洲区人民政府"
PER_PAGE = 15
# Hanweb sites of this vintage declare gb2312 in a <meta> only; the HTTP header carries no charset.
CONTENT_TYPE = "text/html"

_TOP = """<div class="top-bar"><a href="javascript:void(0)" id="wza" title="无障碍浏览">无障碍浏览</a>
 | <a href="/col/col1229410730/index.html">长者模式</a> | <a href="/">秀洲区人民政府</a></div>
<div class="dept-menu"><span>部门网站：</span><a href="/col/col1229410751/index.html">区发改局</a>
<a href="/col/col1229410752/index.html">区教育局</a><a href="/col/col1229410753/index.html">区民政局</a>
<a href="/col/col1229410754/index.html">区残联</a>
<a href="/col/col1229410755/index.html">区卫健局</a></div>"""
_FOOT = """<div class="footer"><p>主办单位：秀洲区人民政府办公室 承办：秀洲区新闻网络信息中心</p>
<p>网站标识码：3304110001 <a href="https://beian.miit.gov.cn/">浙ICP备09103386号-1</a></p>
<p>举报电话：0573-82721592 举报邮箱：xzwxb@example.invalid</p>
<p><a href="/col/col1229410760/index.html">关于我们</a> |
<a href="/col/col1229410761/index.html">网站地图</a></p></div>"""


def _head(title: str, extra_meta: str = "") -> str:
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{e(title)}</title>
<meta name="SiteName" content="{WEB_NAME}"><meta name="ColumnName" content="聚焦秀洲">{extra_meta}
</head>"""


def _record(entry: Entry) -> str:
    title = e(entry.story.title)
    when = entry.published
    item = f"<li><a href='{entry.path}' title='{title}' target='_blank'>{title}</a>"
    return f"<record><![CDATA[{item}<span>{when:%Y-%m-%d}</span></li>]]></record>"


def _records(catalog: Catalog, first: int, last: int) -> str:
    """Records ``first``..``last``, 1-based and inclusive like Hanweb, newest first."""
    count = catalog.listed
    first, last = max(first, 1), min(last, count)
    return "\n".join(_record(catalog.entry(SITE, count - n)) for n in range(first, last + 1))


def _datastore(catalog: Catalog, first: int, last: int, per_page: int) -> str:
    nextgroup = (
        f'<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid={WEB_ID}&path=/'
        f'&columnid={HANWEB_COLUMN}&unitid={UNIT_ID}&webname={WEB_NAME}&permissiontype=0">'
    )
    pages = max(1, math.ceil(catalog.listed / per_page))
    return (
        f"<datastore>\n<nextgroup><![CDATA[{nextgroup}]]></nextgroup>\n"
        f"<recordset>\n{_records(catalog, first, last)}\n</recordset>\n"
        f"<totalrecord>{catalog.listed}</totalrecord>\n<totalpage>{pages}</totalpage>\n</datastore>"
    )


def column_page(catalog: Catalog) -> Response:
    store = _datastore(catalog, 1, PER_PAGE, PER_PAGE)
    page = f"""{_head("聚焦秀洲_秀洲区人民政府")}
<body>{_TOP}
<div class="crumb">您当前的位置：<a href="/">首页</a> &gt;
<a href="/col/col1229410700/index.html">新闻中心</a> &gt; 聚焦秀洲</div>
<div class="list" id="{UNIT_ID}">
<script type="text/xml">{store}</script>
<script language="javascript" src="/module/web/jpage/jpage.js"></script>
</div>
{_FOOT}</body></html>"""
    return html_response(page, CONTENT_TYPE, "gbk")


def dataproxy(catalog: Catalog, query: str, body: bytes | None) -> Response:
    """The jpage data proxy: GET query and POST form fields both count, POST wins."""
    params = parse_qs(query)
    if body:
        params.update(parse_qs(body.decode("utf-8", errors="replace")))
    per_page = _int(params.get("perpage"), PER_PAGE)
    start = _int(params.get("startrecord"), 0)
    if start:
        end = _int(params.get("endrecord"), start + per_page - 1)
    else:  # some clients only send page=N
        page = _int(params.get("page"), 1)
        start, end = (page - 1) * per_page + 1, page * per_page
    xml = '<?xml version="1.0" encoding="utf-8"?>\n' + _datastore(catalog, start, end, per_page)
    return html_response(xml, "text/xml; charset=utf-8")


def _int(values: Sequence[str] | None, default: int) -> int:
    try:
        return int(values[0]) if values else default
    except ValueError:
        return default


def _byline(entry: Entry) -> str:
    when = entry.published
    source = f"来源：{e(entry.source)}"
    if entry.correspondents:
        people = f"记者 {spaced_names(entry.authors)} 通讯员 {spaced_names(entry.correspondents)}"
        return f"{when.year}年{when.month}月{when.day}日 {when:%H:%M} {source} {people}"
    if entry.authors:
        people = f"撰文 {spaced_names(entry.authors)}"
        return f"{when.year}年{when.month}月{when.day}日 {when:%H:%M} {source} {people}"
    return f"发布日期：{when:%Y-%m-%d %H:%M} 信息{source}"


def gov_meta_and_body(entry: Entry) -> tuple[str, str]:
    """The 国办-style meta tags and the `#zoom` body paragraphs every Hanweb template shares."""
    meta = "\n" + gov_meta(entry)
    body = body_html(
        entry,
        lambda text: f'<p style="text-indent:2em;">{text}</p>',
        lambda text: f'<p style="text-indent:2em;"><strong>{text}</strong></p>',
        lambda src, cap: (
            f'<p style="text-align:center;"><img src="{src}" border="0"></p>'
            f'<p style="text-align:center;">{cap}</p>'
        ),
    )
    return meta, body


def article(entry: Entry) -> Response:
    story = entry.story
    meta, body = gov_meta_and_body(entry)
    tags = " ".join(e(t) for t in story.tags)
    page = f"""{_head(story.title + "_秀洲区人民政府", meta)}
<body>{_TOP}
<div class="crumb">您当前的位置：<a href="/">首页</a> &gt;
<a href="/col/col1229410700/index.html">新闻中心</a> &gt; <a href="{COLUMN_PATH}">聚焦秀洲</a></div>
<div class="article"><div class="title">{e(story.title)}</div>
<div class="info">{_byline(entry)}</div>
<div class="font">【字体：<a href="javascript:doZoom(18)">大</a>
<a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a>】</div>
<div id="zoom">
{body}
</div>
<div class="tags">标签：{tags} 责任编辑：{e(entry.editors[0])}</div>
<div class="share">分享到：<a href="javascript:void(0)">微信</a> <a href="javascript:void(0)">微博</a></div>
<div class="tools">【<a href="javascript:window.print()">打印本页</a>】
【<a href="javascript:window.close()">关闭窗口</a>】</div>
</div>
{_FOOT}</body></html>"""
    return html_response(page, CONTENT_TYPE, "gbk")
