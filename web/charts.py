"""Articles per month as a bar chart drawn on the server (inline SVG, no script, no library), with the
sentence a screen reader hears instead of the picture."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Bar:
    month: str
    count: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    summary: str  # the chart's text alternative
    peak: int


def month_range(first: str, last: str) -> list[str]:
    """Every YYYY-MM from `first` to `last`, both included."""
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def monthly_series(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    """Counts by month with the empty months in between filled in ("undated" left out)."""
    dated = sorted(m for m in counts if m != "undated")
    if not dated:
        return []
    return [(month, counts.get(month, 0)) for month in month_range(dated[0], dated[-1])]


def bar_chart(
    series: list[tuple[str, int]], width: int = 640, height: int = 160, what: str = "文章"
) -> Chart:
    peak = max((count for _, count in series), default=0)
    step = width / max(1, len(series))
    bars = []
    for index, (month, count) in enumerate(series):
        tall = 0.0 if peak == 0 else (height - 2) * count / peak
        bars.append(Bar(month, count, index * step, height - tall, max(1.0, step * 0.8), tall))
    return Chart(width, height, tuple(bars), describe(series, what), peak)


def describe(series: list[tuple[str, int]], what: str = "文章") -> str:
    if not series:
        return f"没有带日期的{what}。"
    total = sum(count for _, count in series)
    busiest_month, busiest = max(series, key=lambda point: (point[1], point[0]))
    return (
        f"每月{what}数柱状图：{series[0][0]} 至 {series[-1][0]}，共 {total} 篇，"
        f"最多的月份是 {busiest_month}（{busiest} 篇）。"
    )
