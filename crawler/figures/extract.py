"""``extract_figures(body, context)``: every figure of an article body, each with its programme, measure,
value, unit, region, period, and the offsets of the figure and its sentence in the body.

A figure is a quantity (see ``numbers``) in a sentence that names a programme of the lexicon (see
``attach``); a quantity about nothing the lexicon knows is left out, and so is every line that is page
chrome. Pure: no Scrapy, no SQLAlchemy, no I/O beyond the packaged data, loaded once.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache
from typing import Generic, Protocol, TypeVar

from crawler.figures.attach import Slot, TermHit, assign
from crawler.figures.lexicon import Lexicon, lexicon
from crawler.figures.model import Context, Figure, Period, Place
from crawler.figures.numbers import Quantity, find_quantities, quantity_pattern
from crawler.figures.periods import PeriodMention, find_periods, published_period
from crawler.figures.places import Mention, article_region, find_mentions, region_for
from crawler.figures.text import Sentence, clause_bounds, normalise, sentences

MONEY_SCALE = {"元": 1, "万元": 10_000, "亿元": 100_000_000}
# Money said per head (每人每月190元, 户均补助8000元, 人均月收入1650元) is a standard, not a sum spent.
_PER_HEAD = re.compile(
    r"每人|每户|每名|每位|每个|每家|每例|每部|每床|每生|每月|每年|人均|户均|收入|增收|报酬|工资|保费|保额"
)
_PER_AFTER = re.compile(r"/(?:人|户|月|年|次)")
# 助残日期间, 助残日前夕: the name of a day used as a time, not the programme; 教育局, 医保局: an office.
_NOT_PROGRAMME_AFTER = ("期间", "前后", "前夕", "当天", "当日", "之际", "局", "厅", "委", "部门", "办公室")


class _Spanned(Protocol):
    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


S = TypeVar("S", bound=_Spanned)


class _Sorted(Generic[S]):
    """Things with a span, sorted by start, with the slice lying inside a range found by bisection."""

    def __init__(self, items: list[S]) -> None:
        self.items = sorted(items, key=lambda item: item.start)
        self.starts = [item.start for item in self.items]

    def within(self, start: int, end: int) -> list[S]:
        low, high = bisect_left(self.starts, start), bisect_left(self.starts, end)
        return [item for item in self.items[low:high] if item.end <= end]

    def last_before(self, position: int) -> S | None:
        index = bisect_left(self.starts, position)
        return self.items[index - 1] if index else None


@dataclass(frozen=True)
class _Article:
    """What every sentence of one article shares."""

    text: str
    region: Place | None
    published: Period | None
    mentions: _Sorted[Mention]
    periods: _Sorted[PeriodMention]
    terms: _Sorted[TermHit]


@cache
def _pattern() -> re.Pattern[str]:
    return quantity_pattern(lexicon())


def extract_figures(body: str, context: Context | None = None) -> list[Figure]:
    """The figures of ``body`` (plain text, one paragraph per line), in text order."""
    context = context or Context()
    lex = lexicon()
    text = normalise(body)
    quantities = find_quantities(text, _pattern(), lex)
    if not quantities:
        return []
    article = _article(text, context, lex)
    found = _Sorted(quantities)
    figures: list[Figure] = []
    for sentence in sentences(text):
        inside = found.within(sentence.start, sentence.end)
        if inside and not sentence.chrome:
            figures += _sentence_figures(body, article, sentence, inside, lex)
    return figures


def _article(text: str, context: Context, lex: Lexicon) -> _Article:
    site_names = [p.name for p in context.site_region.chain()] if context.site_region else []
    mentions = find_mentions(text, site_names)
    region = article_region(normalise(context.title), text, mentions, context.site_region)
    terms = [
        TermHit(m.start(), m.end(), lex.terms[m.group()].programme, m.group(), lex.terms[m.group()].weak)
        for m in lex.term_pattern.finditer(text)
        if not text.startswith(_NOT_PROGRAMME_AFTER, m.end())
    ]
    periods = find_periods(text, context.published)
    published = published_period(context.published)
    return _Article(text, region, published, _Sorted(mentions), _Sorted(periods), _Sorted(terms))


def _sentence_figures(
    body: str, article: _Article, sentence: Sentence, quantities: list[Quantity], lex: Lexicon
) -> list[Figure]:
    text = article.text
    slots = [_slot(text, sentence, q, lex) for q in quantities]
    hits = article.terms.within(sentence.start, sentence.end)
    programmes = assign(slots, hits, text, (sentence.start, sentence.end), lex)
    mentions = article.mentions.within(sentence.start, sentence.end)
    figures = []
    for quantity, slot, programme in zip(quantities, slots, programmes, strict=True):
        if programme is None:
            continue
        figures.append(
            Figure(
                programme=programme,
                measure=slot.measure,
                value=quantity.value,
                unit=quantity.unit,
                value_normalised=round(quantity.value * MONEY_SCALE.get(quantity.unit, 1), 2),
                region=region_for(quantity.start, quantity.end, mentions, article.region, text),
                period=_period(article, sentence, quantity),
                text=body[quantity.start : quantity.end],
                span=(quantity.start, quantity.end),
                sentence=body[sentence.start : sentence.end],
                sentence_span=(sentence.start, sentence.end),
                value_max=quantity.value_max,
                qualifier=quantity.qualifier,
            )
        )
    return figures


def _slot(text: str, sentence: Sentence, quantity: Quantity, lex: Lexicon) -> Slot:
    clause_start, clause_end = clause_bounds(text, sentence, quantity.start)
    measure = lex.units[quantity.unit]
    if measure == "money" and (
        _PER_HEAD.search(text, clause_start, quantity.start) or _PER_AFTER.match(text, quantity.end)
    ):
        measure = "standard"
    return Slot(quantity.start, quantity.end, clause_start, clause_end, measure)


def _period(article: _Article, sentence: Sentence, quantity: Quantity) -> Period | None:
    """Nearest time before the figure in its sentence, else after it, else earlier in the paragraph."""
    inside = article.periods.within(sentence.start, sentence.end)
    before = [p for p in inside if p.end <= quantity.start]
    if before:
        return before[-1].period
    after = [p for p in inside if p.start >= quantity.end]
    if after:
        return after[0].period
    paragraph_start = article.text.rfind("\n", 0, sentence.start) + 1
    earlier = article.periods.last_before(sentence.start)
    return earlier.period if earlier is not None and earlier.start >= paragraph_start else article.published
