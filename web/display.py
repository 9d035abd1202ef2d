"""How archived values are shown on a page: times in China, highlighted snippets, sizes.

The archive stores every time in UTC; the pages are read in China, so every time shown goes through
`local_time` (Asia/Shanghai), and nothing else in `web/` converts a zone.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

PAGE_ZONE = ZoneInfo("Asia/Shanghai")
# Private-use characters around a search term in a snippet: no archived text is ever turned into markup,
# only these two, and only when they pair up (see `highlight`).
MARK_START, MARK_END = "\ue000", "\ue001"
MARKS = (MARK_START, MARK_END)
_UNITS = ("B", "KB", "MB", "GB")


def local_time(moment: datetime | None) -> datetime | None:
    """An archive time (aware, UTC) in the page's zone."""
    return None if moment is None else moment.astimezone(PAGE_ZONE)


def show_time(moment: datetime | None, with_time: bool = True) -> str:
    shown = local_time(moment)
    if shown is None:
        return ""
    return shown.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def iso_time(moment: datetime | None) -> str:
    """For `<time datetime=...>`: the same instant, with its offset."""
    shown = local_time(moment)
    return "" if shown is None else shown.isoformat(timespec="minutes")


def highlight(snippet: str) -> Markup:
    """The snippet escaped, its one marked term wrapped in `<mark>`. Text that itself holds a marker
    character is shown escaped and unmarked rather than trusted."""
    start = snippet.find(MARK_START)
    end = snippet.find(MARK_END)
    if snippet.count(MARK_START) != 1 or snippet.count(MARK_END) != 1 or end < start:
        return escape(snippet.replace(MARK_START, "").replace(MARK_END, ""))
    before, term, after = snippet[:start], snippet[start + 1 : end], snippet[end + 1 :]
    return escape(before) + Markup("<mark>") + escape(term) + Markup("</mark>") + escape(after)


def show_size(size: int | None) -> str:
    if size is None:
        return "未知"
    value, unit = float(size), 0
    while value >= 1024 and unit < len(_UNITS) - 1:
        value, unit = value / 1024, unit + 1
    return f"{size} B" if unit == 0 else f"{value:.1f} {_UNITS[unit]}"
