"""Helpers shared by the dedup, versions and `canlian show` tests: store copies of stories on sites."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from crawler.extraction.model import Article as Extracted
from sampleweb import sites as sample_sites
from sampleweb.stories import federation_story
from storage.archive import Assessment, FetchedPage, Stored, record_fetch
from storage.models import Article, Story
from storage.runs import SiteInfo, upsert_site
from storage.transactions import write_transaction

T0 = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
RELEVANT = Assessment(relevant=True, score=0.9, terms=("残联",), reason="test")
SITES = {
    "county": SiteInfo("county", "秀洲区人民政府", "county", "浙江省", "嘉兴市", "秀洲区", False),
    "fed": SiteInfo("fed", "秀洲区残疾人联合会", "county", "浙江省", "嘉兴市", "秀洲区", True),
    "news": SiteInfo("news", "嘉兴在线新闻网", "news", "浙江省", "嘉兴市", None, False),
    "paper": SiteInfo("paper", "南湖晚报", "news", "浙江省", "嘉兴市", None, False),
}


def add_sites(engine: Engine, sites: list[SiteInfo] | None = None) -> None:
    def work(session: Session) -> None:
        for site in sites or SITES.values():
            upsert_site(session, site, T0)

    write_transaction(engine, work)


def report(seed: int, year: int = 2019, form: str = "annual") -> tuple[str, str]:
    """(title, body) of a generated federation report: the sample web's own text generator."""
    story = federation_story(
        random.Random(seed), sample_sites.XIUZHOU, year, form, "用行动温暖{lastyear} {place}残联工作亮点纷呈"
    )
    return story.title, "\n".join(p.text for p in story.paragraphs)


def extracted(url: str, title: str, body: str, **fields: object) -> Extracted:
    return Extracted(url=url, title=title, body=body, extractor_version="test", **fields)  # type: ignore[arg-type]


def store(
    engine: Engine,
    site: str,
    url: str,
    title: str,
    body: str,
    at: datetime = T0,
    raw: bytes = b"<html>page</html>",
    **fields: object,
) -> Stored:
    page = FetchedPage(site, url, url, 200, {"Content-Type": "text/html"}, raw, at)
    result = extracted(url, title, body, published_at=fields.pop("published_at", at), **fields)
    return write_transaction(engine, lambda session: record_fetch(session, page, result, RELEVANT))


def story_of(engine: Engine, article_id: int | None) -> int:
    with Session(engine) as session:
        article = session.get_one(Article, article_id)
        assert article.story_id is not None
        return article.story_id


def canonical_of(engine: Engine, story_id: int) -> int | None:
    with Session(engine) as session:
        return session.get_one(Story, story_id).canonical_article_id


def story_ids(engine: Engine) -> list[int | None]:
    with Session(engine) as session:
        return list(session.scalars(select(Article.story_id).order_by(Article.id)))


def later(days: int) -> datetime:
    return T0 + timedelta(days=days)


_FIGURE = re.compile(r"\d+(?:\.\d+)?")


def new_figures(text: str, seed: int) -> str:
    """Every figure replaced by another of the same shape: last year's template, this year's numbers."""
    rng = random.Random(seed)

    def swap(match: re.Match[str]) -> str:
        old = match.group(0)
        if re.fullmatch(r"(19|20)\d\d", old):
            return str(int(old) + 1)
        whole, _, decimals = old.partition(".")
        value = str(rng.randint(10 ** (len(whole) - 1), 10 ** len(whole) - 1))
        while value == whole:
            value = str(rng.randint(10 ** (len(whole) - 1), 10 ** len(whole) - 1))
        return value + (("." + "".join(rng.choice("0123456789") for _ in decimals)) if decimals else "")

    return _FIGURE.sub(swap, text)
