"""Reading figures: filtered figure records and totals per year, region or site.

A republished report counts once: by default only the figures of each story's canonical copy are read
(the copy storage.dedup chose to speak for the story, which may change as copies arrive, so this is
decided at query time), and of each copy only its current version. ``copies=True`` reads every copy.
Every record carries its article and the sentence and offsets it was read from.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from crawler.figures import lexicon, place_named
from storage.figures_models import FigureRow
from storage.models import Article, ArticleVersion, Story

GroupBy = Literal["year", "region", "site"]
ADDITIVE = frozenset({"people", "households", "person_times", "institutions", "count", "sessions", "items",
                      "cases", "money"})  # fmt: skip


@dataclass(frozen=True, slots=True)
class FigureFilters:
    programme: str | None = None  # a programme (its sub-programmes included) or one of its terms
    measure: str | None = None
    region: str | None = None  # matches the figure's region or any division containing it
    since: date | None = None  # the figure's period overlaps [since, until]
    until: date | None = None
    copies: bool = False


@dataclass(frozen=True, slots=True)
class FigureRecord:
    article_id: int
    story_id: int | None
    site: str
    url: str
    title: str
    published_at: datetime | None
    figure: FigureRow

    def to_dict(self) -> dict[str, Any]:
        f = self.figure
        return {
            "article_id": self.article_id,
            "story_id": self.story_id,
            "site": self.site,
            "url": self.url,
            "title": self.title,
            "published_at": self.published_at.isoformat() if self.published_at else None,
            **{name: getattr(f, name) for name in RECORD_FIELDS},
            "period_start": f.period_start.isoformat() if f.period_start else None,
            "period_end": f.period_end.isoformat() if f.period_end else None,
            "sentence_end": f.sentence_start + len(f.sentence),
        }


RECORD_FIELDS = (
    "programme", "measure", "value", "value_max", "unit", "value_normalised", "qualifier", "region",
    "province", "city", "county", "period", "text", "span_start", "span_end", "sentence", "sentence_start",
    "version_id",
)  # fmt: skip


def programmes_for(name: str) -> tuple[str, ...]:
    """The programme ``name`` names (or the programme of a term) and every programme below it."""
    lex = lexicon()
    if name not in lex.programmes:
        if name not in lex.terms:
            raise KeyError(f"unknown programme {name!r}; known: {', '.join(lex.programmes)}")
        name = lex.terms[name].programme
    return lex.descendants(name)


def figures_query(filters: FigureFilters) -> Select[FigureRow, Article]:
    current = select(func.max(ArticleVersion.id)).where(ArticleVersion.article_id == FigureRow.article_id)
    query = (
        select(FigureRow, Article)
        .join(Article, Article.id == FigureRow.article_id)
        .where(FigureRow.version_id == current.scalar_subquery())
    )
    if not filters.copies:
        query = query.outerjoin(Story, Story.id == Article.story_id).where(
            or_(Article.story_id.is_(None), Story.canonical_article_id == Article.id)
        )
    if filters.programme:
        query = query.where(FigureRow.programme.in_(programmes_for(filters.programme)))
    if filters.measure:
        query = query.where(FigureRow.measure == lexicon().measure(filters.measure))
    if filters.region:
        place = place_named(filters.region)
        name = place.name if place else filters.region
        columns = (FigureRow.region, FigureRow.province, FigureRow.city, FigureRow.county)
        query = query.where(or_(*(column == name for column in columns)))
    if filters.since:
        query = query.where(FigureRow.period_end >= filters.since)
    if filters.until:
        query = query.where(FigureRow.period_start <= filters.until)
    return query.order_by(Article.published_at, Article.id, FigureRow.span_start)


def iter_figures(session: Session, filters: FigureFilters, chunk: int = 500) -> Iterator[FigureRecord]:
    """Figure records in publication order, streamed."""
    rows = session.execute(figures_query(filters).execution_options(yield_per=chunk))
    for figure, article in rows:
        yield FigureRecord(
            article.id, article.story_id, article.site_key, article.url, article.title, article.published_at,
            figure,
        )  # fmt: skip


@dataclass
class FigureTotal:
    """The figures of one group (a year, region or site) for one programme, measure and unit."""

    group: str
    programme: str
    measure: str
    unit: str = ""  # 元 for money and standards, else the figures' units (人 for 人 and 名)
    figures: int = 0
    total: float | None = 0.0  # the sum, for measures that add up (not rates or standards)
    low: float | None = None
    high: float | None = None
    articles: list[int] = field(default_factory=list)

    def add(self, value: float, unit: str, article_id: int) -> None:
        self.figures += 1
        if unit not in self.unit.split("/"):
            self.unit = "/".join(sorted([*filter(None, self.unit.split("/")), unit]))
        if self.total is not None:
            self.total = round(self.total + value, 2)
        self.low = value if self.low is None else min(self.low, value)
        self.high = value if self.high is None else max(self.high, value)
        if article_id not in self.articles:
            self.articles.append(article_id)


def figure_totals(records: Iterator[FigureRecord], by: GroupBy) -> list[FigureTotal]:
    """Group figure records by year (of the period's end), region or site, then programme and measure."""
    groups: dict[tuple[str, str, str], FigureTotal] = {}
    for record in records:
        f = record.figure
        key = (_group(record, by), f.programme, f.measure)
        if key not in groups:
            groups[key] = FigureTotal(*key, total=0.0 if f.measure in ADDITIVE else None)
        groups[key].add(f.value_normalised, _base_unit(f), record.article_id)
    return [groups[key] for key in sorted(groups)]


def _base_unit(figure: FigureRow) -> str:
    """The unit ``value_normalised`` counts in: 元 for money, 人 for 人 / 名 / 位."""
    if figure.measure in ("money", "standard"):
        return "元"
    return "人" if figure.measure == "people" else figure.unit


def _group(record: FigureRecord, by: GroupBy) -> str:
    f = record.figure
    if by == "year":
        return str(f.period_end.year) if f.period_end else ""
    if by == "region":
        return f.region or ""
    return record.site
