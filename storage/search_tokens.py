"""Tokens of the Chinese full-text index and the query language that searches them (no database here).

Neither backend can segment Chinese (field-notes.md), so text is pre-tokenised: every CJK run becomes its
overlapping character pairs followed by its last character alone (so a run of n characters gives n tokens and
a run's end is findable); other letters and digits become lower-cased words. A query string becomes the phrase
of its own tokens (`parse_query`), which finds every text containing it.

Facet tokens put the article's site, the site's level and place, and the regions the article concerns into
the index too (SQLite's third FTS5 column, PostgreSQL's `facets` array), so a site, level or region filter
narrows the index scan instead of being checked row by row after it. They are hex-encoded, so no tokenizer
folding can touch them, and SQLite's text queries are restricted to the text columns.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# Han (with extensions and compatibility forms), kana and hangul: scripts written without spaces.
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\U00020000-\U0003134f"
_WORD = re.compile(r"[^\W_]+")
_RUN = re.compile(f"[{CJK}]+|[^{CJK}]+")
_CJK_CHAR = re.compile(f"[{CJK}]")
_REGION_FIELDS = ("province", "city", "county")


def runs(text: str) -> list[str]:
    """Indexable runs of `text`: maximal CJK runs and non-CJK letter/digit runs, NFKC-normalised."""
    return [run for word in _WORD.findall(unicodedata.normalize("NFKC", text)) for run in _RUN.findall(word)]


def is_cjk(run: str) -> bool:
    return bool(_CJK_CHAR.match(run))


def index_tokens(text: str) -> list[str]:
    tokens: list[str] = []
    for run in runs(text):
        if is_cjk(run):
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
            tokens.append(run[-1])
        else:
            tokens.append(run.lower())
    return tokens


def quote_lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


# --- query language ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Phrase:
    """One query term: the user's text and the index tokens that find it (the last one maybe a prefix)."""

    text: str
    tokens: tuple[str, ...]
    prefix: bool


@dataclass(frozen=True, slots=True)
class Query:
    """`groups` are ANDed, the phrases inside a group ORed; a hit contains no `excluded` phrase."""

    groups: tuple[tuple[Phrase, ...], ...]
    excluded: tuple[Phrase, ...] = ()

    def fts5(self) -> str:
        """An FTS5 MATCH expression built only from quoted tokens of our own making."""
        match = " AND ".join("(" + " OR ".join(map(_fts5_phrase, g)) + ")" for g in self.groups)
        if self.excluded:
            match = f"({match}) NOT (" + " OR ".join(map(_fts5_phrase, self.excluded)) + ")"
        return match

    def tsquery(self) -> str:
        """A tsquery literal (cast, not parsed by `to_tsquery`, so the phrase keeps our tokens)."""
        parts = ["(" + " | ".join(map(_ts_phrase, g)) + ")" for g in self.groups]
        parts += [f"!({_ts_phrase(p)})" for p in self.excluded]
        return " & ".join(parts)

    @property
    def positive(self) -> tuple[Phrase, ...]:
        return tuple(p for group in self.groups for p in group)


_QUERY_PART = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def parse_query(text: str) -> Query | None:
    """Terms are ANDed; `a OR b`; `NOT a` or `-a` excludes; "quoted words" form one phrase.

    None when nothing searchable is left (only punctuation or operators): such a query finds nothing.
    """
    groups: list[list[Phrase]] = []
    excluded: list[Phrase] = []
    negate = join = False
    for match in _QUERY_PART.finditer(text):
        minus, quoted, bare = match.groups()
        if bare in ("AND", "OR", "NOT"):
            join, negate = (bare == "OR" and bool(groups)), bare == "NOT"
            continue
        raw = quoted if bare is None else bare
        if bare is not None and bare.startswith("-") and len(bare) > 1:
            minus, raw = "-", bare[1:]
        phrase = make_phrase(raw)
        if phrase is not None and (negate or minus):
            excluded.append(phrase)
        elif phrase is not None and join:
            groups[-1].append(phrase)
        elif phrase is not None:
            groups.append([phrase])
        negate = join = False
    if not groups:
        return None
    return Query(tuple(tuple(g) for g in groups), tuple(excluded))


def make_phrase(text: str) -> Phrase | None:
    """The tokens a text containing `text` must have in a row.

    Interior CJK runs are complete runs of the document, so they match its bigrams and run-end token; the
    last run may continue in the document, so it gets no run-end token, and a last run of one character
    becomes a prefix (it starts a bigram or ends a run).
    """
    parts = runs(text)
    tokens: list[str] = []
    prefix = False
    for number, run in enumerate(parts):
        last = number == len(parts) - 1
        if not is_cjk(run):
            tokens.append(run.lower())
            continue
        tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
        if not last:
            tokens.append(run[-1])
        elif len(run) == 1:
            tokens.append(run)
            prefix = True
    return Phrase(text, tuple(tokens), prefix) if tokens else None


def _fts5_phrase(phrase: Phrase) -> str:
    quoted = '"' + " ".join(t.replace('"', '""') for t in phrase.tokens) + '"'
    return quoted + " *" if phrase.prefix else quoted


def _ts_phrase(phrase: Phrase) -> str:
    lexemes = [quote_lexeme(t) for t in phrase.tokens]
    if phrase.prefix:
        lexemes[-1] += ":*"
    return " <-> ".join(lexemes)


# --- facets ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SitePlace:
    """What the index records of an article's site: its level and where it is."""

    level: str | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None


def site_facet(site_key: str) -> str:
    return "s" + site_key.encode().hex()


def level_facet(level: str) -> str:
    return "l" + level.encode().hex()


def region_facet(name_start: str) -> str:
    """The token of a region name's start (case-folded, as LIKE compares ASCII)."""
    return "r" + name_start.lower().encode().hex()


def facet_tokens(
    site_key: str, regions: Iterable[Mapping[str, Any] | str] | None, site: SitePlace = SitePlace()
) -> list[str]:
    """The article's site and its level, and every start of every region name of the site's place and of
    the article's own region tags.

    Starts, not whole names, because a region filter matches the start of a name (浙江 finds 浙江省). The
    site's place and the article's tags share the region tokens, so every filter is one exact token (an OR
    of a region's sites and its tag, the sites read on every query, was measured 1.3x slower on SQLite); the
    price is re-indexing a site's articles when the site moves (`storage.search` does it in the same flush).
    """
    tokens = [site_facet(site_key)]
    if site.level:
        tokens.append(level_facet(site.level))
    names: list[Any] = [site.province, site.city, site.county]
    for tag in regions or ():
        names.extend([tag] if isinstance(tag, str) else [tag.get(f) for f in _REGION_FIELDS])
    for name in names:
        if isinstance(name, str):
            tokens.extend(region_facet(name[:end]) for end in range(1, len(name) + 1))
    return list(dict.fromkeys(tokens))


def filter_facets(site: str | None, level: str | None, region: str | None) -> list[str]:
    """The facet tokens an article must all have to pass these filters."""
    tokens = [site_facet(site)] if site else []
    tokens += [level_facet(level)] if level else []
    tokens += [region_facet(region)] if region else []
    return tokens


def facet_match(tokens: Iterable[str]) -> str:
    """An FTS5 expression over the facets column: every token required."""
    return "{facets} : (" + " AND ".join(f'"{token}"' for token in tokens) + ")"
