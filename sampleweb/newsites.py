"""Catalog rules of the sites added for the later list strategies (sample-jpaas, -jsonapi, -iframe).

Which kind of story each index gets, its URL, how a URL maps back to the index, and the metadata the
site prints. Kept out of `catalog` so the rules of the first four sites stay untouched.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable
from datetime import datetime

from sampleweb import sites as S
from sampleweb.textkit import Locale, person

NEW_SITES = (S.JPAAS, S.JSONAPI, S.IFRAME)
JPAAS_COLUMN = "1229502117"
# JPaaS (new layout) from 2022 on; older articles keep the classic Hanweb URL, as on real migrated sites.
JPAAS_SINCE = 2022
_JPAAS_NEW = re.compile(rf"^/col/col{JPAAS_COLUMN}/art/(\d{{4}})/art_([0-9a-f]{{32}})\.html$")
_JPAAS_OLD = re.compile(rf"^/art/\d{{4}}/\d{{1,2}}/\d{{1,2}}/art_{JPAAS_COLUMN}_(\d+)\.html$")
_JSONAPI = re.compile(r"^/news/newDetail\?id=(\d{19})$")
_IFRAME = re.compile(r"^/doc/\d{4}/\d{2}/\d{2}/(\d+)\.shtml$")
# (base, stride) of numeric ids: index = (id - base) // stride, the remainder is noise.
_IDS = {S.JPAAS: (58000000, 9), S.JSONAPI: (1651234567890000000, 7919), S.IFRAME: (1402000, 17)}

LOCALES: dict[str, Locale] = {S.JPAAS: S.HAIYAN, S.IFRAME: S.HUAIYIN}
ANNUAL_TITLES = {
    S.JPAAS: "{place}残联{lastyear}年工作综述",
    S.JSONAPI: "回眸{lastyear}：残疾人就业创业工作亮点扫描",
    S.IFRAME: "{place}{lastyear}年残疾人事业发展回眸",
}

Unit = Callable[[str, int, str], float]


def plan_kind(site: str, index: int, unit: Unit) -> str:
    """fed / news / trap. The employment platform is the federation's own: every item is on topic."""
    if site == S.JSONAPI:
        return "fed"
    if site == S.IFRAME and index % 5 == 2:
        return "trap"
    return "fed" if index % 10 == 3 or unit(site, index, "kind") < 0.5 else "news"


def hex_id(seed: int, index: int) -> str:
    return hashlib.md5(f"{seed}|jpaas|{index}".encode()).hexdigest()


def number(site: str, index: int, unit: Unit) -> int:
    base, stride = _IDS[site]
    return base + stride * index + int(unit(site, index, "id") * stride)


def path(seed: int, site: str, index: int, when: datetime, unit: Unit) -> str:
    if site == S.JPAAS:
        if when.year >= JPAAS_SINCE:
            return f"/col/col{JPAAS_COLUMN}/art/{when.year}/art_{hex_id(seed, index)}.html"
        date = f"{when.year}/{when.month}/{when.day}"
        return f"/art/{date}/art_{JPAAS_COLUMN}_{number(site, index, unit)}.html"
    if site == S.JSONAPI:
        return f"/news/newDetail?id={number(site, index, unit)}"
    return f"/doc/{when:%Y/%m/%d}/{number(site, index, unit)}.shtml"


def candidate(site: str, path_with_query: str, hex_index: Callable[[str], int | None]) -> int | None:
    """The index ``path_with_query`` would belong to; the caller checks it against ``path()``."""
    if site == S.JPAAS and (match := _JPAAS_NEW.match(path_with_query)):
        return hex_index(match.group(2))
    pattern = {S.JPAAS: _JPAAS_OLD, S.JSONAPI: _JSONAPI, S.IFRAME: _IFRAME}[site]
    match = pattern.match(path_with_query)
    if not match:
        return None
    base, stride = _IDS[site]
    return (int(match.group(1)) - base) // stride


Meta = tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]


def metadata(site: str, rng: random.Random, relevant: bool) -> Meta:
    """(source, authors, editors, correspondents) as the site's page shows them."""
    editor = person(rng)
    if site == S.JPAAS:
        source = rng.choice(("海盐新闻网", "嘉兴日报", "海盐县残联" if relevant else "海盐县融媒体中心"))
        return source, (), (editor,), ()
    if site == S.JSONAPI:
        source = rng.choice(("中国残联就业服务指导中心", "中国残联", "中国残疾人就业创业网络服务平台"))
        return source, (), (editor,), ()
    authors = (person(rng),) if rng.random() < 0.5 else ()
    return rng.choice(("淮阴区融媒体中心", "淮安日报")), authors, (editor,), ()


def image_src(site: str, page_path: str, when: datetime, number: int) -> str:
    digest = hashlib.md5(f"{page_path}|{number}".encode()).hexdigest()
    if site == S.JPAAS:
        return f"/picture/0/{digest[:24]}.jpg"
    if site == S.JSONAPI:
        return f"/profile/upload/{when:%Y/%m/%d}/{digest}.jpg"
    return f"/uploadfiles/{when:%Y%m}/{digest[:16]}.jpg"
