"""Which programme a figure is about, when its sentence may name several.

Within its clause (between commas; bounded by the neighbouring figures), a figure takes the programme
named right before it ("培训735人次", "建成残疾人之家18家") or right after it
("为1859人发放困难残疾人生活补贴", "17家残疾人之家"): a count of people, households or institutions
prefers the phrase after it, everything else (money, rates, sessions, person-times) the words before it.
A term after a list separator (、和) belongs to the next item of the list. After the figure, a more
specific programme further on wins over a general one (残疾学生 ... 助学金: 教育资助), and two programmes
named together (医疗保险和养老保险) give the programme containing both; before it, a general word yields
to a specific programme of the same phrase (按比例安排残疾人就业: 按比例就业).

A clause that names no programme inherits from the figure before it in the sentence, except a total
(共计 / 合计 / 总计 / 累计 ...) after figures of several programmes, which is about the programme containing
them all (生活补贴 + 护理补贴 -> 两项补贴); and a clause that only repeats the general programme of the
figure before (辅助性就业机构16家，安置残疾人就业396名) keeps the specific one, unless the sentence
enumerates (其中 / 分别). Weak terms (培训, 资助, 持证残疾人) count in a clause when they refine a programme
the sentence names (盲人按摩培训班: 就业培训), or, for the first figure, when the clause names nothing else.
Failing all that, the nearest term in the sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.figures.lexicon import Lexicon

COUNTED = frozenset({"people", "households", "institutions", "count", "items", "cases"})
_TOTAL = re.compile(r"(?:共计|合计|总计|累计|总额|总共|共)$")
_LIST_START = ("、", "和", "及", "与", "以及")
_JOINED = frozenset({"、", "和", "及", "与", "以及"})
_ENUMERATION = ("其中", "分别")
_PHRASE_GAP = 3  # characters between two terms of one phrase (康复站配备康复器材)


@dataclass(frozen=True, slots=True)
class TermHit:
    start: int
    end: int
    programme: str
    text: str
    weak: bool = False


@dataclass(frozen=True, slots=True)
class Slot:
    """A figure's place in its sentence: its span and the clause bounds around it."""

    start: int
    end: int
    clause_start: int
    clause_end: int
    measure: str


@dataclass(frozen=True)
class _Sentence:
    text: str
    strong: list[TermHit]  # strong terms, and weak ones refining a programme the sentence names
    weak: list[TermHit]
    enumerates: bool
    lexicon: Lexicon


def assign(
    slots: list[Slot], hits: list[TermHit], text: str, bounds: tuple[int, int], lexicon: Lexicon
) -> list[str | None]:
    """The programme of each figure of one sentence (``bounds`` in ``text``), in order (None: the
    sentence names no programme)."""
    sentence = _prepare(hits, text, bounds, lexicon)
    chosen: list[str | None] = []
    for index, slot in enumerate(slots):
        low = max(slot.clause_start, slots[index - 1].end if index else slot.clause_start)
        high = min(slot.clause_end, slots[index + 1].start if index + 1 < len(slots) else slot.clause_end)
        previous = chosen[-1] if chosen else None
        programme = _in_clause(slot, sentence.strong, sentence, low, high)
        total = bool(_TOTAL.search(text[low : slot.start]))
        if programme is not None and previous is not None and not (sentence.enumerates or total):
            programme = previous if programme in lexicon.ancestors(previous) else programme
        if programme is None and total:
            programme = _total(chosen, lexicon)
        programme = programme or previous or _nearest(slot, sentence.strong, after=False)
        if programme is None and not chosen:
            programme = _in_clause(slot, sentence.weak, sentence, low, high)
        chosen.append(programme or _nearest(slot, sentence.strong) or _nearest(slot, sentence.weak))
    return chosen


def _prepare(hits: list[TermHit], text: str, bounds: tuple[int, int], lexicon: Lexicon) -> _Sentence:
    strong = [h for h in hits if not h.weak]
    named = {h.programme for h in strong}
    refining = [h for h in hits if h.weak and any(p in named for p in lexicon.ancestors(h.programme))]
    enumerates = any(word in text[bounds[0] : bounds[1]] for word in _ENUMERATION)
    usable = sorted([*strong, *refining], key=lambda h: h.start)
    return _Sentence(text, usable, [h for h in hits if h.weak], enumerates, lexicon)


def _in_clause(slot: Slot, terms: list[TermHit], sentence: _Sentence, low: int, high: int) -> str | None:
    before = [t for t in terms if low <= t.start and t.end <= slot.start]
    after = [t for t in terms if slot.end <= t.start and t.end <= high]
    if after and sentence.text.startswith(_LIST_START, slot.end):
        after = []
    b = _before(before, sentence.lexicon) if before else None
    a = _after(after, sentence) if after else None
    if a and b:
        return a if slot.measure in COUNTED else b
    return a or b


def _before(before: list[TermHit], lexicon: Lexicon) -> str:
    """The programme named nearest before the figure; a general word there (康复器材, 残疾人就业) yields to
    a more specific programme named just before it in the same phrase (康复站配备康复器材: 精准康复)."""
    nearest = before[-1]
    if len(before) > 1 and lexicon.descendants(nearest.programme)[1:]:
        previous = before[-2]  # 按比例安排 | 残疾人就业, 康复站配备 | 康复器材: one phrase
        close = nearest.start - previous.end <= _PHRASE_GAP
        if close and nearest.programme in lexicon.ancestors(previous.programme)[1:]:
            return previous.programme
    return nearest.programme


def _after(after: list[TermHit], sentence: _Sentence) -> str:
    """The first programme named after the figure, or a more specific one inside it named further on, or
    the programme containing two named together."""
    lexicon = sentence.lexicon
    first = after[0]
    if len(after) > 1 and sentence.text[first.end : after[1].start] in _JOINED:
        both = lexicon.common_ancestor([first.programme, after[1].programme])
        if both is not None:
            return both
    for hit in after[1:]:
        if hit.programme != first.programme and first.programme in lexicon.ancestors(hit.programme):
            return hit.programme
    return first.programme


def _total(chosen: list[str | None], lexicon: Lexicon) -> str | None:
    earlier = list(dict.fromkeys(p for p in chosen if p is not None))
    if len(earlier) < 2:
        return None
    return lexicon.common_ancestor(earlier)


def _nearest(slot: Slot, terms: list[TermHit], *, after: bool = True) -> str | None:
    """The term nearest before the figure in the sentence, else (when ``after``) the first after it."""
    before = [t for t in terms if t.end <= slot.start]
    if before:
        return before[-1].programme
    following = [t for t in terms if t.start >= slot.end] if after else []
    return following[0].programme if following else None
