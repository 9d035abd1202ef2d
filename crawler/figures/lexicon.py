"""The figures lexicon (``crawler/figures/lexicon.toml``): programmes with their terms and parents, units
with their measures. Loaded and validated once per process; an error names the file and the field."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

LEXICON_FILE = "lexicon.toml"
MEASURES = (
    "people",
    "households",
    "person_times",
    "institutions",
    "count",
    "sessions",
    "items",
    "cases",
    "money",
    "standard",
    "rate",
)


class LexiconError(ValueError):
    """The lexicon file is malformed; the message names the file and the field."""


@dataclass(frozen=True, slots=True)
class Programme:
    name: str
    parent: str | None
    terms: tuple[str, ...]
    weak: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Term:
    """A word naming a programme; weak terms count only when the sentence names no other programme."""

    text: str
    programme: str
    weak: bool


@dataclass(frozen=True)
class Lexicon:
    programmes: dict[str, Programme]
    terms: dict[str, Term]
    units: dict[str, str]  # unit -> measure
    measure_aliases: dict[str, str]  # 人数 -> people, people -> people
    term_pattern: re.Pattern[str]
    _ancestors: dict[str, tuple[str, ...]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        chains = {name: _chain(self.programmes, name) for name in self.programmes}
        object.__setattr__(self, "_ancestors", chains)  # computed once: extraction asks for them per figure

    def ancestors(self, name: str) -> tuple[str, ...]:
        """The programme and its parents, nearest first (困难残疾人生活补贴, 两项补贴)."""
        return self._ancestors[name]

    def descendants(self, name: str) -> tuple[str, ...]:
        """The programme and every programme below it."""
        return tuple(p for p, chain in self._ancestors.items() if name in chain)

    def common_ancestor(self, names: list[str]) -> str | None:
        """The most specific programme containing all of ``names``, if they share one."""
        if not names:
            return None
        shared = [a for a in self.ancestors(names[0]) if all(a in self.ancestors(n) for n in names[1:])]
        return shared[0] if shared else None

    def measure(self, name: str) -> str:
        """The measure key for a measure name or alias (人数 -> people); KeyError when unknown."""
        if name not in self.measure_aliases:
            raise KeyError(f"unknown measure {name!r}; known: {', '.join(MEASURES)}")
        return self.measure_aliases[name]


def _chain(programmes: dict[str, Programme], name: str) -> tuple[str, ...]:
    chain: list[str] = []
    current: str | None = name
    while current is not None:
        chain.append(current)
        current = programmes[current].parent
    return tuple(chain)


@cache
def lexicon() -> Lexicon:
    """The packaged lexicon, loaded once per process."""
    text = resources.files("crawler.figures").joinpath(LEXICON_FILE).read_text(encoding="utf-8")
    return parse_lexicon(tomllib.loads(text))


def parse_lexicon(data: dict[str, object]) -> Lexicon:
    units = _units(data)
    programmes = _programmes(data)
    terms: dict[str, Term] = {}
    for programme in programmes.values():
        for text, weak in [*((t, False) for t in programme.terms), *((t, True) for t in programme.weak)]:
            if text in terms:
                raise LexiconError(
                    f"{LEXICON_FILE}: term {text!r} names both {terms[text].programme!r} and "
                    f"{programme.name!r}"
                )
            terms[text] = Term(text, programme.name, weak)
    ordered = sorted(terms, key=lambda t: (-len(t), t))  # longest first: leftmost-longest matching
    pattern = re.compile("|".join(re.escape(t) for t in ordered))
    return Lexicon(programmes, terms, units, _measure_aliases(data), pattern)


def _units(data: dict[str, object]) -> dict[str, str]:
    table = data.get("units")
    if not isinstance(table, dict) or not table:
        raise LexiconError(f"{LEXICON_FILE}: [units] missing or empty")
    for unit, measure in table.items():
        if measure not in MEASURES:
            raise LexiconError(
                f"{LEXICON_FILE}: units.{unit}: {measure!r} is not one of {', '.join(MEASURES)}"
            )
    return {str(unit): str(measure) for unit, measure in table.items()}


def _measure_aliases(data: dict[str, object]) -> dict[str, str]:
    table = data.get("measures")
    if not isinstance(table, dict):
        raise LexiconError(f"{LEXICON_FILE}: [measures] missing")
    aliases = {measure: measure for measure in MEASURES}
    for measure, words in table.items():
        if measure not in MEASURES:
            raise LexiconError(f"{LEXICON_FILE}: measures.{measure} is not a measure")
        aliases.update((word, measure) for word in _strings(words, f"measures.{measure}"))
    return aliases


def _programmes(data: dict[str, object]) -> dict[str, Programme]:
    entries = data.get("programme")
    if not isinstance(entries, list) or not entries:
        raise LexiconError(f"{LEXICON_FILE}: no [[programme]] entries")
    programmes: dict[str, Programme] = {}
    for number, entry in enumerate(entries, start=1):
        programme = _programme(entry, number)
        if programme.name in programmes:
            raise LexiconError(f"{LEXICON_FILE}: programme {programme.name!r} defined twice")
        programmes[programme.name] = programme
    for programme in programmes.values():
        if programme.parent is not None and programme.parent not in programmes:
            raise LexiconError(
                f"{LEXICON_FILE}: programme {programme.name!r}, field 'parent': "
                f"{programme.parent!r} is not a programme"
            )
    _check_no_cycles(programmes)
    return programmes


def _check_no_cycles(programmes: dict[str, Programme]) -> None:
    for programme in programmes.values():
        seen = {programme.name}
        parent = programme.parent
        while parent is not None:
            if parent in seen:
                raise LexiconError(f"{LEXICON_FILE}: programme {programme.name!r}: parents form a cycle")
            seen.add(parent)
            parent = programmes[parent].parent


def _programme(entry: object, number: int) -> Programme:
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"]:
        raise LexiconError(f"{LEXICON_FILE}: programme #{number} has no name")
    name = entry["name"]
    parent = entry.get("parent")
    if parent is not None and not isinstance(parent, str):
        raise LexiconError(f"{LEXICON_FILE}: programme {name!r}, field 'parent' must be a string")
    terms = _strings(entry.get("terms"), f"programme {name!r}, field 'terms'")
    weak = _strings(entry.get("weak", []), f"programme {name!r}, field 'weak'", allow_empty=True)
    return Programme(name, parent, tuple(terms), tuple(weak))


def _strings(value: object, field: str, *, allow_empty: bool = False) -> list[str]:
    if not isinstance(value, list) or not (value or allow_empty):
        raise LexiconError(f"{LEXICON_FILE}: {field} must be a non-empty list of strings")
    if not all(isinstance(v, str) and v for v in value):
        raise LexiconError(f"{LEXICON_FILE}: {field} must be a list of non-empty strings")
    return list(value)
