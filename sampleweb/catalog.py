"""Which article sits at (site, index), where it lives, and what it says: all computed on demand.

Nothing is precomputed per article except, lazily, the cdpf hex-id lookup table. An article's plan
(original, republished copy, trap ...) and its URL are cheap; the text is generated only when a
page or a truth record asks for it, and the last few thousand entries are cached.
"""

from __future__ import annotations

import dataclasses
import hashlib
import random
import re
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

from sampleweb import attachments, newsites
from sampleweb import sites as S
from sampleweb.model import Entry, ImageTruth, Story
from sampleweb.stories import federation_story, news_story, trap_topic, unrelated_topic
from sampleweb.textkit import person

HANWEB_COLUMN = "1229410724"
_COUNTY_RE = re.compile(rf"^/art/\d{{4}}/\d{{1,2}}/\d{{1,2}}/art_{HANWEB_COLUMN}_(\d+)\.html$")
_PORTAL_RE = re.compile(r"^/jsyw/\d{6}/t\d{8}_(\d+)\.shtml$")
_CDPF_RE = re.compile(r"^/xwzx/clyw2/([0-9a-f]{32})(_mobile)?\.htm$")
_CITY_RE = re.compile(r"^/news/\d{4}-\d{2}/\d{2}/content_(\d+)\.htm$")
# (base, stride) of the numeric ids: index = (id - base) // stride, the remainder is noise.
_IDS = {S.COUNTY: (41000, 7), S.PORTAL: (7100000, 13), S.CITY: (880000, 11)}
_ANNUAL_TITLES = {
    S.COUNTY: "用行动温暖{lastyear} {place}残联工作亮点纷呈",
    S.PORTAL: "{place}{lastyear}年残疾人事业发展回眸",
    S.CDPF: "回眸{lastyear}：{fed}工作亮点扫描",
    **newsites.ANNUAL_TITLES,
}
COPY_PREFIXES = ("【转载】", "聚焦：", "关注｜")


class Plan(NamedTuple):
    kind: str  # fed / news / trap / copy
    source: tuple[str, int] | None = None  # for copies: (site, index) of the original


class Catalog:
    def __init__(self, seed: int, count: int) -> None:
        self.seed = seed
        self.count = count
        self.listed = count  # the oldest `listed` articles are published; the rest are still to come
        self.entry = lru_cache(maxsize=4096)(self._build)
        self._hex_index: dict[str, int] | None = None
        self._jpaas_hex_index: dict[str, int] | None = None

    def newest_first(self, site: str, skip: int, count: int) -> list[Entry]:
        """The articles of one list page: lists run newest first, `skip` articles in, at most `count`."""
        newest = self.listed - 1 - skip
        return [self.entry(site, index) for index in range(newest, max(newest - count, -1), -1)]

    # -- cheap decisions ---------------------------------------------------------------------
    def _unit(self, site: str, index: int, salt: str) -> float:
        return S.unit(self.seed, site, index, salt)

    def plan(self, site: str, index: int) -> Plan:
        if site in newsites.NEW_SITES:
            return Plan(newsites.plan_kind(site, index, self._unit))
        if site == S.CDPF:
            return Plan("fed")
        if site == S.COUNTY:
            fed = index % 10 == 3 or self._unit(site, index, "kind") < 0.5
            return Plan("fed" if fed else "news")
        if site == S.PORTAL:
            source = self._latest_original(S.COUNTY, index) if index % 10 == 7 else None
            if source is not None:
                return Plan("copy", (S.COUNTY, source))
            fed = index % 10 == 5 or self._unit(site, index, "kind") < 0.5
            return Plan("fed" if fed else "news")
        if index % 3 == 0:  # the city site: a third are republished copies
            origin = (S.COUNTY, S.PORTAL, S.CDPF)[(index // 3) % 3]
            source = self._latest_original(origin, index)
            return Plan("copy", (origin, source)) if source is not None else Plan("news")
        return Plan("trap" if index % 3 == 1 else "news")

    def _latest_original(self, site: str, before: int) -> int | None:
        """The newest relevant original on ``site`` older than index ``before``."""
        for index in range(min(before, self.count) - 1, max(before - 60, 0) - 1, -1):
            if self.plan(site, index).kind == "fed":
                return index
        return None

    def published(self, site: str, index: int) -> datetime:
        return S.publish_time(self.seed, site, index, self.count)

    def path(self, site: str, index: int) -> str:
        when = self.published(site, index)
        if site == S.CDPF:
            return f"/xwzx/clyw2/{self.hex_id(index)}.htm"
        if site in newsites.NEW_SITES:
            return newsites.path(self.seed, site, index, when, self._unit)
        base, stride = _IDS[site]
        number = base + stride * index + int(self._unit(site, index, "id") * stride)
        if site == S.COUNTY:
            date = f"{when.year}/{when.month}/{when.day}"
            return f"/art/{date}/art_{HANWEB_COLUMN}_{number}.html"
        if site == S.PORTAL:
            return f"/jsyw/{when:%Y%m}/t{when:%Y%m%d}_{number}.shtml"
        return f"/news/{when:%Y-%m}/{when:%d}/content_{number}.htm"

    def hex_id(self, index: int) -> str:
        return hashlib.md5(f"{self.seed}|cdpf|{index}".encode()).hexdigest()

    def index_of(self, site: str, path: str) -> tuple[int, bool] | None:
        """(index, is_mobile_twin) of the article at ``path``, or None if there is none.

        The JSON-API site identifies articles by query (``/news/newDetail?id=N``): pass the query too."""
        if site in newsites.NEW_SITES:
            candidate = newsites.candidate(site, path, self._jpaas_index)
            if candidate is None or not 0 <= candidate < self.count or self.path(site, candidate) != path:
                return None
            return candidate, False
        if site == S.CDPF:
            match = _CDPF_RE.match(path)
            if not match:
                return None
            if self._hex_index is None:
                self._hex_index = {self.hex_id(i): i for i in range(self.count)}
            found = self._hex_index.get(match.group(1))
            return None if found is None else (found, match.group(2) is not None)
        pattern = {S.COUNTY: _COUNTY_RE, S.PORTAL: _PORTAL_RE, S.CITY: _CITY_RE}[site]
        match = pattern.match(path)
        if not match:
            return None
        base, stride = _IDS[site]
        index = (int(match.group(1)) - base) // stride
        if 0 <= index < self.count and self.path(site, index) == path:
            return index, False
        return None

    def _jpaas_index(self, hex_id: str) -> int | None:
        if self._jpaas_hex_index is None:
            self._jpaas_hex_index = {newsites.hex_id(self.seed, i): i for i in range(self.count)}
        return self._jpaas_hex_index.get(hex_id)

    # -- full entries ------------------------------------------------------------------------
    def _build(self, site: str, index: int) -> Entry:
        plan = self.plan(site, index)
        rng = random.Random(f"{self.seed}|{site}|{index}|meta")
        when = self.published(site, index)
        if site == S.PORTAL:  # TRS prints seconds; the slot clock only has minutes
            when = when.replace(second=int(self._unit(site, index, "second") * 60))
        republishes = None
        if plan.kind == "copy" and plan.source is not None:
            original = self.entry(*plan.source)
            story, story_id = _adapt_copy(site, original, rng), original.story_id
            republishes = f"{original.site}:{original.path}"
        else:
            story, story_id = self._original_story(site, index, plan.kind, when), f"{site}#{index}"
            original = None
        path = self.path(site, index)
        if site in newsites.NEW_SITES:
            meta = newsites.metadata(site, rng, story.relevant)
        else:
            meta = _metadata(site, rng, story, original)
        images = tuple(
            ImageTruth(_image_src(site, path, when, index, n), pic.caption)
            for n, pic in enumerate(story.pictures)
        )
        files = attachments.for_article(self.seed, site, index, self.published(site, index))
        return Entry(
            site, index, path, when, site == S.PORTAL, story, story_id, republishes, *meta, images, files
        )

    def _original_story(self, site: str, index: int, kind: str, when: datetime) -> Story:
        rng = random.Random(f"{self.seed}|{site}|{index}|story")
        locale = {S.COUNTY: S.XIUZHOU, S.CITY: S.HUAIAN, **newsites.LOCALES}.get(site)
        if locale is None:
            pool = S.JIANGSU if site == S.PORTAL else S.NATIONAL
            locale = pool[0] if rng.random() < 0.5 else rng.choice(pool)
        if kind == "trap":
            return news_story(rng, locale, when.year, trap_topic(index // 3))
        if kind == "news":
            return news_story(rng, locale, when.year, unrelated_topic(rng))
        form = rng.choice(("event", "event", "event", "meeting"))
        if index % 10 == (5 if site == S.PORTAL else 3):
            form = "review" if site == S.PORTAL else "annual"
        lead = "中国江苏网讯" if site == S.PORTAL and rng.random() < 0.75 else ""
        story = federation_story(rng, locale, when.year, form, _ANNUAL_TITLES[site], lead)
        return story if site == S.COUNTY else dataclasses.replace(story, tags=())


def _adapt_copy(site: str, original: Entry, rng: random.Random) -> Story:
    """A republished copy: the portal copies verbatim; the city site edits (prefix, drops a paragraph)."""
    story = original.story
    if site == S.PORTAL:
        return dataclasses.replace(story, tags=())
    paras = list(story.paragraphs)
    # A federation report's closing figures paragraph (appended later) is never the one dropped, so the
    # copies' edits are the draws they always were.
    kept = paras[:-1] if story.figures_paragraph else paras
    droppable = [n for n, p in enumerate(kept) if n > 0 and not p.heading]
    if len(kept) >= 4 and droppable:
        del paras[rng.choice(droppable)]
    title = rng.choice(COPY_PREFIXES) + story.title
    return Story(title, tuple(paras), (), story.relevant, (), story.region, story.figures_paragraph)


Meta = tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]


def _metadata(site: str, rng: random.Random, story: Story, original: Entry | None) -> Meta:
    """(source, authors, editors, correspondents) as the site's page shows them."""
    editor = person(rng)
    if original is not None:
        credit = original.source if original.source.endswith("报") else S.CREDIT[original.site]
        source = original.source if site == S.PORTAL else credit
        return source, (), (editor,), ()
    if site == S.COUNTY:
        source = rng.choice(("嘉兴日报", "秀洲新闻网", "秀洲区残联" if story.relevant else "嘉兴日报"))
        shape = rng.randrange(3)
        if shape == 0:
            return source, tuple(person(rng) for _ in range(rng.randint(1, 2))), (editor,), ()
        if shape == 1:
            return source, (person(rng),), (editor,), (person(rng),)
        return source, (), (editor,), ()
    if site == S.PORTAL:
        source = "中国江苏网" if story.paragraphs[0].text.startswith("中国江苏网讯") else "新华日报"
        editors = (editor,) if rng.random() < 0.7 else (editor, person(rng))
        correspondents = (person(rng),) if rng.random() < 0.7 else ()
        return source, (), editors, correspondents
    if site == S.CDPF:
        return rng.choice(("中国残联", "中国残疾人杂志社", "中国残联宣文部")), (), (editor,), ()
    authors = (person(rng),) if rng.random() < 0.5 else ()
    return rng.choice(("淮安日报", "淮安新闻网")), authors, (editor,), ()


def _image_src(site: str, path: str, when: datetime, index: int, number: int) -> str:
    if site in newsites.NEW_SITES:
        return newsites.image_src(site, path, when, number)
    if site == S.COUNTY:
        digest = hashlib.md5(f"{path}|{number}".encode()).hexdigest()[:24]
        return f"/picture/0/{digest}.jpg"
    if site == S.PORTAL:
        return f"/jsyw/{when:%Y%m}/W0{when:%Y%m%d}{index % 1000000:06d}{number}.jpg"
    if site == S.CDPF:
        return f"/xwzx/clyw2/{when:%Y%m}/W0{when:%Y%m%d}{index % 1000000:06d}{number}.jpg"
    return f"/news/{when:%Y-%m}/{when:%d}/images/{index}_{number}.jpg"
