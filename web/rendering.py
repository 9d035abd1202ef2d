"""Jinja2 templates, autoescaped: archived text reaches a page only as escaped text."""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined

from web import display

LEVEL_NAMES = {"national": "全国", "province": "省级", "city": "市级", "county": "县级", "news": "新闻网站"}
STATUS_NAMES = {
    "running": "进行中",
    "finished": "完成",
    "failed": "失败",
    "timed_out": "超时",
    "killed": "被终止",
    "interrupted": "中断",
    "missed": "错过",
    "skipped": "跳过",
}
HEALTH_NAMES = {"ok": "正常", "warning": "警告", "failing": "故障"}
NAVIGATION = (
    ("search", "/", "搜索"),
    ("sites", "/sites", "站点"),
    ("runs", "/runs", "抓取记录"),
    ("stats", "/stats", "统计"),
)


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        time=display.show_time,
        day=lambda moment: display.show_time(moment, with_time=False),
        isotime=display.iso_time,
        highlight=display.highlight,
        size=display.show_size,
        level=lambda level: LEVEL_NAMES.get(level, level),
        status=lambda status: STATUS_NAMES.get(status or "", status or "未知"),
        health=lambda state: HEALTH_NAMES.get(state or "", "无记录"),
    )
    env.globals.update(navigation=NAVIGATION, levels=LEVEL_NAMES, statuses=STATUS_NAMES)
    return env


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    context.setdefault("page", None)  # the navigation marks the current page, when there is one
    html = environment().get_template(name).render(request=request, **context)
    return HTMLResponse(html, status)
