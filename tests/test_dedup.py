"""Stories: exact and near copies join one story, different reports never do, the canonical copy is chosen
by the documented rule. Every test runs on SQLite and PostgreSQL (the `engine` fixture)."""

from __future__ import annotations

from dedup_support import add_sites, canonical_of, later, new_figures, report, store, story_ids, story_of
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from storage.archive import Outcome
from storage.dedup import index_unbanded, reindex_article
from storage.dedup_models import DedupBand, DedupMembership
from storage.models import Article, Story
from storage.transactions import write_transaction

URL = "http://county.example/art/2019/1/25/art_1_{}.html"
NEWS = "http://news.example/news/2019-01/26/content_{}.htm"


def drop_paragraph(body: str, number: int = 2) -> str:
    paragraphs = body.splitlines()
    del paragraphs[number]
    return "\n".join(paragraphs)


def rotate_sentences(body: str) -> str:
    """The paragraph with the most sentences, its first sentence moved to the end."""
    paragraphs = body.splitlines()
    longest = max(range(len(paragraphs)), key=lambda n: paragraphs[n].count("。"))
    sentences = [s + "。" for s in paragraphs[longest].split("。") if s]
    assert len(sentences) > 1
    paragraphs[longest] = "".join(sentences[1:] + sentences[:1])
    return "\n".join(paragraphs)


def test_every_edit_of_a_republished_copy_joins_the_original_story(engine: Engine) -> None:
    add_sites(engine)
    title, body = report(1)
    original = store(engine, "county", URL.format(1), title, body)
    edits = {
        "paragraph dropped": (title, drop_paragraph(body)),
        "title prefix": ("【转载】" + title, body + "\n"),
        "editor line": (title, body + "\n（责任编辑：王敏）"),
        "sentences reordered": (title, rotate_sentences(body)),
        "chrome kept by the extractor": (title, "当前位置：首页 > 要闻\n" + body + "\n版权所有：嘉兴在线"),
    }
    for n, (edit, (copy_title, copy_body)) in enumerate(edits.items()):
        stored = store(engine, "news", NEWS.format(n), copy_title, copy_body, at=later(n + 1))
        assert stored.outcome is Outcome.DUPLICATE, edit
        assert story_of(engine, stored.article_id) == story_of(engine, original.article_id), edit
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Story)) == 1
        methods = session.scalars(select(DedupMembership.method).order_by(DedupMembership.article_id)).all()
        assert methods == ["first", "near", "exact", "near", "near", "near"], "a retitled copy keeps its body"


def test_exact_copy_is_found_by_body_hash(engine: Engine) -> None:
    add_sites(engine)
    title, body = report(2)
    first = store(engine, "county", URL.format(1), title, body)
    copy = store(engine, "news", NEWS.format(1), title, body.replace("，", ", ") + "\n\n")
    assert copy.outcome is Outcome.DUPLICATE
    assert story_of(engine, copy.article_id) == story_of(engine, first.article_id)
    with Session(engine) as session:
        membership = session.get_one(DedupMembership, copy.article_id)
        assert (membership.method, membership.matched_article_id) == ("exact", first.article_id)


def test_different_reports_with_shared_boilerplate_stay_apart(engine: Engine) -> None:
    add_sites(engine)
    shared = "全区残疾人事业取得新进展，广大残疾人的获得感、幸福感、安全感不断增强。"
    for seed in range(6):
        title, body = report(100 + seed, form="event")
        assert store(engine, "county", URL.format(seed), title, shared + body).outcome is Outcome.NEW
    assert len(set(story_ids(engine))) == 6


def test_successor_report_on_last_years_template_is_a_new_story(engine: Engine) -> None:
    add_sites(engine)
    title, body = report(7)  # 用行动温暖2018 ...
    store(engine, "county", URL.format(1), title, body)
    successor = store(
        engine, "county", URL.format(2), title.replace("2018", "2019"), new_figures(body, 1), at=later(365)
    )
    assert successor.outcome is Outcome.NEW
    assert len(set(story_ids(engine))) == 2


TEMPLATE = (
    "{y}年，全区各级残联组织坚持以人民为中心的发展思想，认真贯彻落实党中央、国务院关于残疾人事业的决策部署，"
    "紧紧围绕残疾人急难愁盼问题，扎实推进各项重点工作，残疾人事业发展取得了新的成效。\n"
    "全年为{a}名困难残疾人发放生活补贴，为{b}名重度残疾人发放护理补贴，两项补贴实现应补尽补、按标施补。\n"
    "康复服务方面，区残联会同卫健部门持续完善康复服务网络，为{c}名残疾儿童提供康复救助，"
    "残疾人基本康复服务覆盖率达到{d}%以上，辅助器具适配服务质量进一步提升。\n"
    "就业帮扶方面，区残联积极搭建就业服务平台，组织专场招聘会和职业技能培训，"
    "全年新增残疾人就业{e}人，扶持残疾人自主创业和辅助性就业，残疾人收入水平稳步提高。"
)


def test_figures_guard_keeps_template_years_apart_even_when_the_text_matches(engine: Engine) -> None:
    """Long fixed prose with few figures: the text alone would merge the two years; the figures do not."""
    add_sites(engine)
    last = TEMPLATE.format(y=2018, a=804, b=4006, c=132, d=85, e=316)
    this = TEMPLATE.format(y=2019, a=911, b=4213, c=157, d=90, e=402)
    store(engine, "county", URL.format(1), "全区残疾人事业发展综述", last)
    again = store(engine, "county", URL.format(2), "全区残疾人事业发展综述", this, at=later(365))
    assert again.outcome is Outcome.NEW
    copy = store(engine, "news", NEWS.format(1), "【转载】全区残疾人事业发展综述", last + "\n（编辑：李娜）")
    assert copy.outcome is Outcome.DUPLICATE
    first, successor, republished = story_ids(engine)
    assert republished == first != successor


def test_canonical_copy_follows_the_documented_rule(engine: Engine) -> None:
    add_sites(engine)
    title, body = report(3)
    # Seen first: a news portal's copy that credits the federation.
    portal = store(engine, "news", NEWS.format(1), title, body, at=later(1), source="秀洲区残联")
    story = story_of(engine, portal.article_id)
    assert canonical_of(engine, story) == portal.article_id
    # A government site's copy, published earlier than the portal's: rule 2 beats rule 3 anyway.
    county = store(engine, "county", URL.format(1), title, body + "\n", at=later(2), published_at=later(-1))
    assert canonical_of(engine, story) == county.article_id
    # The federation's own page, named by the portal's 来源 line: rule 1, although published last.
    fed = store(engine, "fed", "http://fed.example/a.htm", title, body + "\n\n", at=later(3))
    assert canonical_of(engine, story) == fed.article_id


def test_changed_body_is_indexed_for_later_copies(engine: Engine) -> None:
    add_sites(engine)
    title, body = report(4)
    first = store(engine, "county", URL.format(1), title, body)
    rewritten = report(5)[1]

    def reindex(session: Session) -> None:
        article = session.get_one(Article, first.article_id)
        article.body = rewritten
        reindex_article(session, article)

    write_transaction(engine, reindex)
    copy = store(engine, "news", NEWS.format(1), title, rewritten + "\n（编辑：周洋）")
    assert story_of(engine, copy.article_id) == story_of(engine, first.article_id)
    with Session(engine) as session:
        bands = session.scalar(
            select(func.count()).select_from(DedupBand).where(DedupBand.article_id == first.article_id)
        )
        assert bands is not None and bands > 32, "both bodies are indexed"


def test_every_article_has_a_story(engine: Engine) -> None:
    add_sites(engine)
    for n in range(5):
        title, body = report(200 + n % 3)
        store(engine, "county" if n < 3 else "news", URL.format(n), title, body)
    assert None not in story_ids(engine)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(DedupMembership)) == 5


def test_copies_archived_before_the_band_index_are_indexed_on_request(engine: Engine) -> None:
    add_sites(engine)
    title, body = report(6)
    old = store(engine, "county", URL.format(1), title, body)
    with Session(engine) as session, session.begin():  # as an archive from before revision 0003 looks
        session.execute(DedupBand.__table__.delete())
    assert write_transaction(engine, index_unbanded) == 1
    assert write_transaction(engine, index_unbanded) == 0
    copy = store(engine, "news", NEWS.format(1), "【转载】" + title, body + "\n（编辑：周洋）")
    assert story_of(engine, copy.article_id) == story_of(engine, old.article_id)
