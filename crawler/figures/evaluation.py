"""Scoring figures against labels: the hand-labelled set's format (tests/data/figures/README.md) and
precision / recall of (programme, measure, value, unit, region, period) tuples, exact and per field.

A predicted figure is *located* when its span overlaps a labelled figure's span in the same item; per
field, a prediction counts when it is located and that field agrees. Exact scores compare whole tuples as
multisets per item, wherever they stand.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from crawler.figures.model import Context
from crawler.figures.places import place_named

FIELDS = ("programme", "measure", "value", "unit", "region", "period")
Key = tuple[str, str, float, float | None, str, str, str]


class Scored(Protocol):
    """What scoring reads of a prediction: a Figure, or a stored figure row wrapped alike."""

    @property
    def span(self) -> tuple[int, int]: ...

    def key(self) -> Key: ...


@dataclass(frozen=True, slots=True)
class Expected:
    span: tuple[int, int]
    programme: str
    measure: str
    value: float
    value_max: float | None
    unit: str
    region: str
    period: str

    def key(self) -> Key:
        return (self.programme, self.measure, self.value, self.value_max, self.unit, self.region, self.period)


@dataclass(frozen=True, slots=True)
class Item:
    """One labelled text: what the extractor is given and what it should find."""

    id: str
    text: str
    context: Context
    expected: tuple[Expected, ...]


class LabelError(ValueError):
    """A malformed labelled file; the message names the line."""


def parse_labelled(lines: Iterable[str], source: str = "labels") -> list[Item]:
    items: list[Item] = []
    header: tuple[str, str, str] | None = None
    body: list[str] = []
    labels: list[tuple[int, str]] = []
    for number, raw in enumerate([*lines, "@ end"], start=1):
        line = raw.rstrip("\n")
        if line.startswith("@ "):
            if header is not None:
                items.append(_item(header, body, labels, source))
            fields = [f.strip() for f in line[2:].split("|")]
            header = (fields[0], fields[1], fields[2]) if len(fields) == 3 else None
            if header is None and line != "@ end":
                raise LabelError(f"{source}:{number}: header needs 'id | region | date'")
            body, labels = [], []
        elif line.startswith("- "):
            labels.append((number, line[2:]))
        elif line.strip() and not line.startswith("#"):
            body.append(line.strip())
    return items


def _item(header: tuple[str, str, str], body: list[str], labels: list[tuple[int, str]], source: str) -> Item:
    identifier, region_name, published = header
    region = place_named(region_name)
    if region is None:
        raise LabelError(f"{source}: item {identifier}: unknown region {region_name!r}")
    text = "\n".join(body)
    day = date.fromisoformat(published)
    expected = tuple(_expected(text, region.name, day, number, label, source) for number, label in labels)
    return Item(identifier, text, Context(site_region=region, published=day), expected)


def _expected(text: str, region: str, day: date, number: int, label: str, source: str) -> Expected:
    fields = [f.strip() for f in label.split("|")]
    if len(fields) != 7:
        raise LabelError(f"{source}:{number}: a figure needs 7 fields, not {len(fields)}")
    written, programme, measure, value, unit, where, when = fields
    written, _, nth = written.partition("#")
    start = -1
    for _ in range(int(nth or 1)):
        start = text.find(written, start + 1)
        if start < 0:
            raise LabelError(f"{source}:{number}: {written!r} is not in the item's text")
    low, _, high = value.partition("~")
    return Expected(
        (start, start + len(written)),
        programme,
        measure,
        float(low),
        float(high) if high else None,
        unit,
        region if where == "." else where,
        day.isoformat() if when == "." else when,
    )


@dataclass
class Scores:
    predicted: int = 0
    expected: int = 0
    exact: int = 0  # tuples matched as multisets
    located: int = 0
    fields: Counter[str] = field(default_factory=Counter)  # located and the field agrees

    def add(self, predicted: Sequence[Scored], expected: Sequence[Expected]) -> None:
        self.predicted += len(predicted)
        self.expected += len(expected)
        self.exact += (Counter(f.key() for f in predicted) & Counter(e.key() for e in expected)).total()
        for figure, label in align(predicted, expected):
            self.located += 1
            values = dict(zip(FIELDS, _fields(figure.key()), strict=True))
            wanted = dict(zip(FIELDS, _fields(label.key()), strict=True))
            self.fields.update(name for name in FIELDS if values[name] == wanted[name])

    def precision(self, count: int) -> float:
        return count / self.predicted if self.predicted else 1.0

    def recall(self, count: int) -> float:
        return count / self.expected if self.expected else 1.0


def _fields(key: Key) -> tuple[object, ...]:
    programme, measure, value, value_max, unit, region, period = key
    return (programme, measure, (value, value_max), unit, region, period)


def align(predicted: Sequence[Scored], expected: Sequence[Expected]) -> list[tuple[Scored, Expected]]:
    """Pairs of a prediction and a label whose spans overlap, each used once, in text order."""
    pairs: list[tuple[Scored, Expected]] = []
    free = list(expected)
    for figure in predicted:
        match = next((e for e in free if e.span[0] < figure.span[1] and figure.span[0] < e.span[1]), None)
        if match is not None:
            free.remove(match)
            pairs.append((figure, match))
    return pairs
