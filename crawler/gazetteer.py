"""Which regions and which federation levels an article concerns, from place names in its text.

Pure functions over text; the data is ``crawler/data/gazetteer.txt`` (format documented there).
Names are matched leftmost-longest in one pass, so 雨花台区 is not read as 雨花 and 嘉兴市 not as
嘉兴 + 市. Short forms (嘉兴, 浙江, 金湖) are derived by dropping the administrative suffix, except
one-character stems, names with an ethnic part, and the blocked common words listed in the data.

A name that several regions share (鼓楼区 in 南京 and 徐州, 朝阳区 in 北京 and 长春), or that the
data marks as shared with places it does not list, is resolved only when exactly one candidate's
city or province is also named in the text; otherwise it is skipped rather than guessed.

Municipalities (北京市 ...) and 省直辖 county-level cities (济源市, 仙桃市) have ``city=None``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

Level = Literal["province", "city", "county"]
_RANK: dict[str, int] = {"province": 0, "city": 1, "county": 2}
_DATA_FILE = "gazetteer.txt"
# Suffixes whose stem is a usable short form; 新区/矿区/林区/自治 names have no safe stem.
_DROPPABLE_SUFFIXES = ("地区", "省", "市", "区", "县")
_NO_SHORT_FORM = re.compile(r"(新区|矿区|林区|城区|郊区|行政区|自治.|族.)$")
# How far before 残联 to look for the place name that says which federation it is.
_FEDERATION_PREFIX_CHARS = 16
_FEDERATION = re.compile(r"残联|残疾人联合会")
_NATIONAL = re.compile(r"中国残联|中国残疾人联合会|中残联|全国(?:残联|助残日|残疾人|特奥|残运会)")
# When no known place name precedes 残联, its administrative suffix still gives the level.
_SUFFIX_LEVELS = (
    ("自治区", "province"),
    ("省", "province"),
    ("地区", "city"),
    ("州", "city"),
    ("盟", "city"),
    ("市", "city"),
    ("县", "county"),
    ("区", "county"),
    ("旗", "county"),
)


@dataclass(frozen=True)
class Region:
    """A province, prefecture-level city or county-level division, with its parents."""

    province: str
    city: str | None
    county: str | None
    level: Level

    @property
    def name(self) -> str:
        """The most specific full name (秀洲区, 嘉兴市, 浙江省)."""
        return self.county or self.city or self.province

    def contains(self, other: Region) -> bool:
        """True when ``other`` lies strictly inside this region."""
        if self == other or self.province != other.province:
            return False
        if self.level == "province":
            return True
        return self.level == "city" and other.level == "county" and other.city == self.city


@dataclass(frozen=True)
class Gazetteer:
    """Names (full and short) mapped to the regions they may denote."""

    names: dict[str, tuple[Region, ...]]
    needs_context: frozenset[str]
    pattern: re.Pattern[str]


def find_regions(text: str) -> tuple[Region, ...]:
    """The most specific distinct regions named in ``text``, in order of first appearance."""
    gaz = gazetteer()
    definite: list[tuple[int, Region]] = []
    pending: list[tuple[int, tuple[Region, ...]]] = []
    for match in gaz.pattern.finditer(unicodedata.normalize("NFKC", text)):
        candidates = gaz.names[match.group()]
        if match.group() in gaz.needs_context:
            pending.append((match.start(), candidates))
        else:
            definite.append((match.start(), candidates[0]))
    context = {name for _, region in definite for name in (region.province, region.city) if name}
    for position, candidates in pending:
        fitting = [c for c in candidates if _parent_named(c, context)]
        if len(fitting) == 1:
            definite.append((position, fitting[0]))
    return _most_specific(sorted(definite, key=lambda pair: pair[0]))


def _parent_named(region: Region, context: set[str]) -> bool:
    parent = region.city if region.level == "county" and region.city else region.province
    return parent in context and parent != region.name


def _most_specific(mentions: list[tuple[int, Region]]) -> tuple[Region, ...]:
    ordered = list(dict.fromkeys(region for _, region in mentions))
    return tuple(r for r in ordered if not any(r.contains(other) for other in ordered))


def levels_mentioned(text: str) -> set[str]:
    """Federation levels the text concerns: national, province, city, county."""
    text = unicodedata.normalize("NFKC", text)
    levels = {"national"} if _NATIONAL.search(text) else set()
    for match in _FEDERATION.finditer(text):
        before = text[max(0, match.start() - _FEDERATION_PREFIX_CHARS) : match.start()]
        if before.endswith(("中国", "中")):
            continue
        level = _level_of_place_before(before)
        if level:
            levels.add(level)
    return levels


def _level_of_place_before(before: str) -> str | None:
    """Level of the place name ending right where 残联 starts (海宁市 -> county), else by suffix."""
    gaz = gazetteer()
    ending = [m for m in gaz.pattern.finditer(before) if m.end() == len(before)]
    if ending:
        levels = {region.level for region in gaz.names[ending[-1].group()]}
        if len(levels) == 1:
            return levels.pop()
    return next((level for suffix, level in _SUFFIX_LEVELS if before.endswith(suffix)), None)


@cache
def gazetteer() -> Gazetteer:
    """Load the packaged gazetteer once per process."""
    text = resources.files("crawler.data").joinpath(_DATA_FILE).read_text(encoding="utf-8")
    return parse_gazetteer(text.splitlines())


def parse_gazetteer(lines: Iterable[str]) -> Gazetteer:
    """Build the name index from gazetteer.txt lines; errors name the file and the line."""
    reader = _Reader()
    for number, raw in enumerate(lines, start=1):
        line = raw.split("#", 1)[0].strip()
        if line:
            reader.feed(number, line)
    full: dict[str, list[Region]] = {}
    short: dict[str, list[Region]] = {}
    for region, explicit in reader.entries:
        full.setdefault(region.name, []).append(region)
        for form in (*explicit, *_derived_short_forms(region.name)):
            if form not in reader.blocked:
                short.setdefault(form, []).append(region)
    names, needs_context = _index(full, short, reader.shared)
    ordered = sorted(names, key=lambda n: (-len(n), n))
    pattern = re.compile("|".join(re.escape(n) for n in ordered))
    return Gazetteer(names, frozenset(needs_context), pattern)


class _Reader:
    """Line-by-line state of the gazetteer file: the current province and city."""

    def __init__(self) -> None:
        self.entries: list[tuple[Region, tuple[str, ...]]] = []
        self.blocked: set[str] = set()
        self.shared: set[str] = set()
        self.province: str | None = None
        self.city: str | None = None

    def feed(self, number: int, line: str) -> None:
        kind, _, rest = line.partition(" ")
        fields = rest.split()
        if kind in ("X", "A"):
            (self.blocked if kind == "X" else self.shared).update(fields)
        elif kind == "P" and len(fields) == 1:
            self.province, self.city = fields[0].split("|")[0], None
            self._add(fields[0], None, "province")
        elif kind == "C" and len(fields) == 1 and self.province:
            self.city = None if fields[0] == "-" else fields[0].split("|")[0]
            if self.city:
                self._add(fields[0], self.city, "city")
        elif kind == "D" and fields and self.province:
            for field in fields:
                self._add(field, self.city, "county")
        else:
            raise ValueError(f"{_DATA_FILE}:{number}: cannot read line {line!r}")

    def _add(self, field: str, city: str | None, level: Level) -> None:
        name, *explicit = field.split("|")
        assert self.province is not None  # feed() checks before calling
        county = name if level == "county" else None
        self.entries.append((Region(self.province, city, county, level), tuple(explicit)))


def _derived_short_forms(name: str) -> tuple[str, ...]:
    if _NO_SHORT_FORM.search(name):
        return ()
    for suffix in _DROPPABLE_SUFFIXES:
        stem = name.removesuffix(suffix)
        if stem != name:
            # One-character stems (丰县 -> 丰) would match inside ordinary words.
            return (stem,) if len(stem) >= 2 else ()
    return ()


def _index(
    full: dict[str, list[Region]], short: dict[str, list[Region]], shared: set[str]
) -> tuple[dict[str, tuple[Region, ...]], set[str]]:
    """Merge full and short names; a short form goes to the highest level that claims it
    (吉林 -> 吉林省, 淮安 -> 淮安市); names left with several candidates need context."""
    names = {name: tuple(regions) for name, regions in full.items()}
    needs_context = {name for name, regions in full.items() if len(regions) > 1 or name in shared}
    for form, regions in short.items():
        if form in names:
            continue
        top = min(_RANK[r.level] for r in regions)
        names[form] = tuple(dict.fromkeys(r for r in regions if _RANK[r.level] == top))
        if len(names[form]) > 1 or any(r.name in shared for r in names[form]):
            needs_context.add(form)
    return names, needs_context
