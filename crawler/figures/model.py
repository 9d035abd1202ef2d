"""What figure extraction takes and returns: plain frozen dataclasses, no Scrapy or SQLAlchemy imports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True, slots=True)
class Place:
    """A region a figure is about: a gazetteer division, or the whole country (全国)."""

    name: str  # the most specific full name: 秀洲区, 嘉兴市, 浙江省, 全国
    province: str | None = None
    city: str | None = None
    county: str | None = None
    level: str = "national"  # national | province | city | county

    def chain(self) -> tuple[Place, ...]:
        """This place and the divisions containing it, most specific first (秀洲区, 嘉兴市, 浙江省)."""
        places = [self]
        if self.level == "county" and self.city:
            places.append(Place(self.city, self.province, self.city, None, "city"))
        if self.level in ("county", "city") and self.province:
            places.append(Place(self.province, self.province, None, None, "province"))
        return tuple(places)

    def contains(self, other: Place) -> bool:
        """True when ``other`` is this place or lies inside it."""
        return self.level == "national" or any(p.name == self.name for p in other.chain())


NATIONAL = Place("全国")


@dataclass(frozen=True, slots=True)
class Period:
    """When a figure holds: a year (2019), a month (2019-06), a day (2019-06-30) or a span (2016/2020)."""

    label: str
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class Context:
    """What the archive knows about the article besides its text."""

    site_region: Place | None = None  # the publishing site's place (None: unknown)
    published: date | None = None  # the article's date, a calendar date in Asia/Shanghai
    title: str = ""


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure of a report, with where it stands in the text it was read from."""

    programme: str
    measure: str
    value: float
    unit: str
    value_normalised: float  # money in 元, everything else as counted
    region: Place | None
    period: Period | None
    text: str  # the figure as written, qualifiers included: 近400名, 20万余元
    span: tuple[int, int]  # offsets of ``text`` in the article body
    sentence: str
    sentence_span: tuple[int, int]
    value_max: float | None = None  # the top of a range (3000元至8000元)
    qualifier: str | None = None  # about | nearly | more_than | less_than | at_least | range

    def key(self) -> tuple[str, str, float, float | None, str, str, str]:
        """The tuple a figure is judged by: (programme, measure, value, value_max, unit, region, period)."""
        region = self.region.name if self.region else ""
        period = self.period.label if self.period else ""
        return (self.programme, self.measure, self.value, self.value_max, self.unit, region, period)

    def to_dict(self) -> dict[str, Any]:
        return {
            "programme": self.programme,
            "measure": self.measure,
            "value": self.value,
            "value_max": self.value_max,
            "unit": self.unit,
            "value_normalised": self.value_normalised,
            "qualifier": self.qualifier,
            "region": self.region.name if self.region else None,
            "province": self.region.province if self.region else None,
            "city": self.region.city if self.region else None,
            "county": self.region.county if self.region else None,
            "period": self.period.label if self.period else None,
            "period_start": self.period.start.isoformat() if self.period else None,
            "period_end": self.period.end.isoformat() if self.period else None,
            "text": self.text,
            "span": list(self.span),
            "sentence": self.sentence,
            "sentence_span": list(self.sentence_span),
        }
