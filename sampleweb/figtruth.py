"""Figure ground truth of a generated article, from the marks its templates left (see textkit).

The generator knows which number slots are figures and what about; this module adds what the text says
around them, by the rules of docs/figures.md: the unit and 万/亿 after the number (money keeps them in its
unit: 20万余元 is 20 万元), the place named nearest before the figure in its sentence (else after it, else
the place the story reports on), and the time named nearest before it in its sentence (else after it,
else earlier in its paragraph, else the article's date). Offsets are into the body as extracted: the
paragraphs joined by line breaks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sampleweb.model import Entry, Mark, Para

_UNITS = "人次|件次|万元|亿元|元|人|名|位|户|家|所|个|处|项|间|张|期|次|场|件|台|套|例|%"
_AFTER = re.compile(rf"(?P<mult>[万亿])?(?P<more>余|多)?(?P<mult2>[万亿])?(?P<unit>{_UNITS})")
_RANGE_TOP = re.compile(r"(?:[万亿]?元)?(?:至|到|-)(?P<top>\d+(?:\.\d+)?)")
_MEASURES = {
    "人": "people", "名": "people", "位": "people", "户": "households", "人次": "person_times",
    "家": "institutions", "所": "institutions", "个": "count", "处": "count", "项": "count",
    "间": "count", "张": "count", "期": "sessions", "次": "sessions", "场": "sessions", "件": "items",
    "件次": "items", "台": "items", "套": "items", "例": "cases", "元": "money", "万元": "money",
    "亿元": "money", "%": "rate",
}  # fmt: skip
_POWERS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SENTENCE = re.compile(r"[^。！？]+[。！？]*[”’」』）)]*")


@dataclass(frozen=True, slots=True)
class FigureTruth:
    start: int  # offsets into the body
    end: int
    text: str
    programme: str
    measure: str
    value: float
    value_max: float | None
    unit: str
    region: str
    period: str

    def key(self) -> tuple[str, str, float, float | None, str, str, str]:
        return (self.programme, self.measure, self.value, self.value_max, self.unit, self.region, self.period)


def figure_truth(entry: Entry) -> tuple[FigureTruth, ...]:
    """Every figure of the article as its site shows it (a copy without a paragraph lacks its figures)."""
    found: list[FigureTruth] = []
    offset = 0
    for para in entry.story.paragraphs:
        found += _paragraph(para, offset, entry.story.region, entry.published.date())
        offset += len(para.text) + 1
    return tuple(found)


def _paragraph(para: Para, offset: int, region: str, published: date) -> list[FigureTruth]:
    sentences = [(m.start(), m.end()) for m in _SENTENCE.finditer(para.text)]
    figures = []
    for mark in (m for m in para.marks if m.kind == "figure"):
        bounds = next((s for s in sentences if s[0] <= mark.start < s[1]), (0, len(para.text)))
        end, value, top, unit = _quantity(para.text, mark)
        figures.append(
            FigureTruth(
                offset + mark.start,
                offset + end,
                para.text[mark.start : end],
                mark.value,
                mark.measure or _MEASURES[unit],
                value,
                top,
                unit,
                _near(para.marks, "place", mark, bounds) or region,
                _period(para.marks, mark, bounds, published),
            )
        )
    return figures


def _quantity(text: str, mark: Mark) -> tuple[int, float, float | None, str]:
    """(end, value, top of range, unit) of the number at ``mark`` and what follows it."""
    written = text[mark.start : mark.end]
    position, top_written = mark.end, None
    if mark.range:
        joined = _RANGE_TOP.match(text, position)
        if joined is None:
            raise ValueError(f"range figure without a top: {text[mark.start : mark.start + 20]!r}")
        top_written, position = joined.group("top"), joined.end()
    after = _AFTER.match(text, position)
    if after is None:
        raise ValueError(f"figure slot without a unit: {text[mark.start : mark.start + 20]!r}")
    unit, mult = after.group("unit"), after.group("mult") or after.group("mult2")
    value, top = _numeral(written), None if top_written is None else float(top_written)
    if unit == "元" and (mult or written[-1] in "万亿"):
        big = mult or written[-1]
        divisor = 1 if mult else _POWERS[big]
        return after.end(), round(value / divisor, 6), top, f"{big}元"
    scale = _POWERS[mult] if mult else 1
    return after.end(), round(value * scale, 6), None if top is None else round(top * scale, 6), unit


def _numeral(written: str) -> float:
    """Arabic, or the Chinese forms the templates write: 三十五, 五百, 两千, 两万."""
    if written[0].isdigit():
        return float(written)
    if len(written) == 2 and written[1] in _POWERS:
        return float(_DIGITS[written[0]] * _POWERS[written[1]])
    tens, units = written.partition("十")[::2]
    return float(_DIGITS[tens] * 10 + (_DIGITS[units] if units else 0))


def _near(marks: tuple[Mark, ...], kind: str, figure: Mark, bounds: tuple[int, int]) -> str | None:
    inside = [m for m in marks if m.kind == kind and bounds[0] <= m.start and m.end <= bounds[1]]
    before = [m for m in inside if m.end <= figure.start]
    after = [m for m in inside if m.start >= figure.end]
    chosen = before[-1] if before else after[0] if after else None
    return chosen.value if chosen else None


def _period(marks: tuple[Mark, ...], figure: Mark, bounds: tuple[int, int], published: date) -> str:
    value = _near(marks, "period", figure, bounds)
    if value is None:
        earlier = [m for m in marks if m.kind == "period" and m.end <= bounds[0]]
        value = earlier[-1].value if earlier else None
    if value is None:
        return published.isoformat()
    kind, _, label = value.partition(":")
    if kind == "rel":
        shift = -1 if label == "全年" and published.month <= 2 else 0
        return str(published.year + shift)
    return label
