"""Where a figure holds: places named in the text (through the gazetteer), 全区/全县/全市/全省/全国, and
the article's own region for sentences that name none.

A gazetteer name directly followed by 镇/乡/街道/村/路 names a town or a street (黎城街道, 界首镇), not the
county it shares a name with. 全国 in 全国助残日, 全国残运会 or 全国先进 names an event or an honour,
not the country. The article's region is the federation that reports (the place before the first 残联 in
the title, else in the body), else the first place in the title, else the site's region; when the site
lies inside that place, the site's region is the more specific answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from crawler.figures.model import NATIONAL, Place
from crawler.gazetteer import Region, gazetteer

_TOWN_AFTER = ("镇", "乡", "街道", "村", "社区", "路", "大道", "大街", "街", "广场", "园区", "开发区")
_WHOLE = re.compile(r"全(?P<kind>区|县|市|省|州|盟|旗)(?!域|场|份)")
_NATIONAL = re.compile(
    r"中国残联|中国残疾人联合会|中残联|全国(?!助残日|残运会|残疾人运动会|特奥|爱耳日|爱眼日|自闭症|"
    r"残疾预防日|第|文明|先进|示范|优秀|百强|率先|首|劳动模范|自强模范|人大|政协|两会|残联系统|性|各省)"
)
_FEDERATION = re.compile(r"残联|残疾人联合会")
_LIST_JOIN = frozenset({"、", "和", "及", "与"})


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    place: Place | None  # None for 全X, resolved against the article's region
    whole: str | None = None  # 区 / 县 / 市 / 省 ... of 全X


def find_mentions(text: str, context: Iterable[str] = ()) -> list[Mention]:
    """Places named in ``text`` in order: gazetteer names, 全X and national names."""
    found = _gazetteer_mentions(text, set(context))
    found += [Mention(m.start(), m.end(), None, m.group("kind")) for m in _WHOLE.finditer(text)]
    found += [Mention(m.start(), m.end(), NATIONAL) for m in _NATIONAL.finditer(text)]
    found.sort(key=lambda m: (m.start, -m.end))
    return _without_overlaps(found)


def _gazetteer_mentions(text: str, context: set[str]) -> list[Mention]:
    gaz = gazetteer()
    pending: list[tuple[int, int, tuple[Region, ...]]] = []
    for match in gaz.pattern.finditer(text):
        if text.startswith(_TOWN_AFTER, match.end()):
            continue
        pending.append((match.start(), match.end(), gaz.names[match.group()]))
    for _, _, candidates in pending:
        if len(candidates) == 1:
            context.update(n for n in (candidates[0].province, candidates[0].city) if n)
    mentions = []
    for start, end, candidates in pending:
        name = text[start:end]
        fitting = candidates if name not in gaz.needs_context else _fitting(candidates, context)
        if len(fitting) == 1:
            mentions.append(Mention(start, end, place_of(fitting[0])))
    return mentions


def _fitting(candidates: tuple[Region, ...], context: set[str]) -> tuple[Region, ...]:
    def parent(region: Region) -> str:
        return region.city if region.level == "county" and region.city else region.province

    return tuple(c for c in candidates if parent(c) in context and parent(c) != c.name)


def _without_overlaps(mentions: list[Mention]) -> list[Mention]:
    kept: list[Mention] = []
    for mention in mentions:
        if not kept or mention.start >= kept[-1].end:
            kept.append(mention)
    return kept


def place_of(region: Region) -> Place:
    return Place(region.name, region.province, region.city, region.county, region.level)


def article_region(title: str, body: str, mentions: list[Mention], site: Place | None) -> Place | None:
    """The region an article reports on, for the sentences that name no place: the federation that
    reports (the place before its 残联), else the division containing every place the title and body
    name (leaving out the site's own region and its parents), else the site's region; a site inside the
    answer is the more specific answer."""
    title_mentions = find_mentions(title, _names(site))
    reporting = _federation(title, title_mentions) or _federation(body, mentions)
    if reporting is None:
        # The site's own region (中国江苏网讯 on a provincial portal) says nothing about the article.
        named = [m.place for m in [*title_mentions, *mentions] if m.place is not None]
        informative = [p for p in named if site is None or not p.contains(site)]
        reporting = _common(list(informative)) if informative else None
    if reporting is None:
        return site
    return site if site is not None and reporting.contains(site) else reporting


def _names(site: Place | None) -> list[str]:
    return [p.name for p in site.chain()] if site else []


def _federation(text: str, mentions: list[Mention]) -> Place | None:
    """The place named right before the first 残联 (中国残联 is national)."""
    ends = {m.end: m.place for m in mentions if m.place is not None}
    for match in _FEDERATION.finditer(text):
        if match.start() in ends:
            return ends[match.start()]
        if text[: match.start()].endswith(("中国", "中")):
            return NATIONAL
    return None


def resolve_whole(kind: str, article: Place | None) -> Place | None:
    """全区 / 全县 / 全市 / 全省: the article's region or the division containing it with that suffix."""
    if article is None or article.level == "national":
        return article
    for place in article.chain():
        if kind == "省" and place.level == "province":
            return place
        if kind != "省" and place.name.endswith(kind):
            return place
    return article


def region_for(
    figure_start: int, figure_end: int, sentence: list[Mention], article: Place | None, text: str
) -> Place | None:
    """The nearest place named before the figure in its sentence (places listed together: the division
    containing them all), else the first named after it, else the article's region."""
    before = [m for m in sentence if m.end <= figure_start]
    after = [m for m in sentence if m.start >= figure_end]
    if before:
        group = [before[-1]]
        while len(group) < len(before) and text[before[-len(group) - 1].end : group[0].start] in _LIST_JOIN:
            group.insert(0, before[-len(group) - 1])
        return _common([_resolved(m, article) for m in group]) or article
    if after:
        return _resolved(after[0], article) or article
    return article


def _resolved(mention: Mention, article: Place | None) -> Place | None:
    return mention.place if mention.whole is None else resolve_whole(mention.whole, article)


def _common(places: list[Place | None]) -> Place | None:
    known = [p for p in places if p is not None]
    if not known:
        return None
    shared = [p for p in known[0].chain() if all(p.contains(other) for other in known[1:])]
    return shared[0] if shared else NATIONAL


def place_named(name: str) -> Place | None:
    """The place a user or a label names (秀洲区, 秀洲, 江苏省, 全国, and 宁波市/江北区 for a name several
    places share); None when unknown or ambiguous."""
    if name in ("全国", "中国"):
        return NATIONAL
    parent, _, child = name.rpartition("/")
    candidates = gazetteer().names.get(child, ())
    if parent:
        candidates = tuple(c for c in candidates if parent in (c.province, c.city))
    return place_of(candidates[0]) if len(candidates) == 1 else None
