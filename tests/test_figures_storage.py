"""Figures in the archive, on both backends: written per article version, read once per story."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from crawler.extraction.model import Article as Extracted
from storage.archive import Assessment, FetchedPage, Outcome, record_fetch
from storage.figure_queries import FigureFilters, figure_totals, iter_figures, programmes_for
from storage.figures import refresh_figures, site_place
from storage.figures_models import FigureRow
from storage.models import Article, ArticleVersion, SiteRecord, Story
from storage.runs import SiteInfo, upsert_site
from storage.transactions import write_transaction

T0 = datetime(2019, 1, 25, 0, 46, tzinfo=UTC)  # 08:46 in Shanghai
RELEVANT = Assessment(relevant=True, score=0.9, terms=("残联",))
SITES = {
    "county": SiteInfo("county", "秀洲区人民政府", "county", "浙江省", "嘉兴市", "秀洲区", False),
    "portal": SiteInfo("portal", "中国江苏网", "news", "江苏省", None, None, False),
    "cdpf": SiteInfo("cdpf", "中国残联", "national", None, None, None, True),
}
REPORT = (
    "区残联工作亮点纷呈。\n"
    "2018年，全区为1859人发放困难残疾人生活补贴、为3295人发放重度残疾人护理补贴，共计1064.62万元。\n"
    "走访慰问困难残疾人家庭1393户，送上慰问品和慰问金总计74.5万元。"
)
SHORT = "金湖县为120户困难残疾人家庭实施无障碍改造，每户补助8000元。"


def write(engine: Engine, site: str, url: str, body: str, at: datetime = T0, published: datetime | None = T0):
    page = FetchedPage(site, url, url, 200, {"Content-Type": "text/html"}, body.encode(), at)
    extracted = Extracted(
        url=url, title="残联工作亮点纷呈", body=body, published_at=published, extractor_version="t"
    )

    def work(session: Session):
        upsert_site(session, SITES[site], at)
        return record_fetch(session, page, extracted, RELEVANT)

    return write_transaction(engine, work)


def figures(engine: Engine, **filters) -> list[tuple[str, str, float, str | None, str | None]]:
    with Session(engine) as session:
        return [
            (r.figure.text, r.figure.programme, r.figure.value, r.figure.region, r.figure.period)
            for r in iter_figures(session, FigureFilters(**filters))
        ]


def test_a_new_article_gets_its_figures_traceable_to_the_version_body(engine: Engine) -> None:
    assert write(engine, "county", "http://127.0.0.1:9/a.html", REPORT).outcome is Outcome.NEW
    assert figures(engine) == [
        ("1859人", "困难残疾人生活补贴", 1859.0, "秀洲区", "2018"),
        ("3295人", "重度残疾人护理补贴", 3295.0, "秀洲区", "2018"),
        ("1064.62万元", "两项补贴", 1064.62, "秀洲区", "2018"),
        ("1393户", "慰问", 1393.0, "秀洲区", "2019-01-25"),
        ("74.5万元", "慰问", 74.5, "秀洲区", "2019-01-25"),
    ]
    with Session(engine) as session:
        for record in iter_figures(session, FigureFilters()):
            row = record.figure
            body = session.get_one(ArticleVersion, row.version_id).body
            assert body[row.span_start : row.span_end] == row.text
            assert body[row.sentence_start : row.sentence_start + len(row.sentence)] == row.sentence
            assert (row.province, row.city, row.county) == ("浙江省", "嘉兴市", "秀洲区")
        money = [r.figure for r in iter_figures(session, FigureFilters(measure="金额"))]
        assert [m.value_normalised for m in money] == [10646200.0, 745000.0]


def test_a_changed_report_keeps_old_figures_with_its_old_version(engine: Engine) -> None:
    url = "http://127.0.0.1:9/a.html"
    write(engine, "county", url, REPORT)
    edited = REPORT.replace("1393户", "1400户")
    assert write(engine, "county", url, edited, at=T0 + timedelta(days=1)).outcome is Outcome.UPDATED
    assert ("1400户", "慰问", 1400.0, "秀洲区", "2019-01-25") in figures(engine)
    assert all(text != "1393户" for text, *_ in figures(engine)), "only the current version is read"
    with Session(engine) as session:
        per_version = session.execute(
            select(FigureRow.version_id, func.count())
            .group_by(FigureRow.version_id)
            .order_by(FigureRow.version_id)
        ).all()
    assert [n for _, n in per_version] == [5, 5]


def test_a_republished_report_counts_once(engine: Engine) -> None:
    write(engine, "county", "http://127.0.0.1:9/a.html", REPORT)
    copy = write(engine, "portal", "http://127.0.0.1:8/b.html", REPORT, at=T0 + timedelta(hours=3))
    assert copy.outcome is Outcome.DUPLICATE
    assert len(figures(engine)) == 5
    assert len(figures(engine, copies=True)) == 10
    with Session(engine) as session:
        story = session.scalars(select(Story)).one()
        canonical = {r.article_id for r in iter_figures(session, FigureFilters())}
        assert canonical == {story.canonical_article_id}


def test_filters(engine: Engine) -> None:
    write(engine, "county", "http://127.0.0.1:9/a.html", REPORT)
    write(
        engine, "portal", "http://127.0.0.1:8/c.html", SHORT, published=datetime(2021, 6, 21, 8, tzinfo=UTC)
    )
    assert {p for _, p, *_ in figures(engine, programme="两项补贴")} == {
        "困难残疾人生活补贴",
        "重度残疾人护理补贴",
        "两项补贴",
    }
    assert [t for t, *_ in figures(engine, programme="生活补贴")] == ["1859人"]  # a term names its programme
    assert [t for t, *_ in figures(engine, measure="households")] == ["1393户", "120户"]
    assert [t for t, *_ in figures(engine, region="金湖")] == ["120户", "8000元"]
    assert len(figures(engine, region="江苏省")) == 2 and len(figures(engine, region="嘉兴市")) == 5
    assert [t for t, *_ in figures(engine, since=date(2020, 1, 1))] == ["120户", "8000元"]
    assert [t for t, *_ in figures(engine, until=date(2018, 12, 31))] == ["1859人", "3295人", "1064.62万元"]
    with pytest.raises(KeyError, match="unknown programme"):
        programmes_for("体操")


def test_totals_by_year_region_and_site(engine: Engine) -> None:
    write(engine, "county", "http://127.0.0.1:9/a.html", REPORT)
    write(
        engine, "portal", "http://127.0.0.1:8/c.html", SHORT, published=datetime(2021, 6, 21, 8, tzinfo=UTC)
    )
    with Session(engine) as session:
        by_year = figure_totals(iter_figures(session, FigureFilters()), "year")
        by_site = figure_totals(iter_figures(session, FigureFilters(measure="money")), "site")
    rows = {(t.group, t.programme, t.measure): t for t in by_year}
    assert rows["2018", "两项补贴", "money"].total == 10646200.0
    assert rows["2019", "慰问", "money"].unit == "元"
    standard = rows["2021", "无障碍改造", "standard"]
    assert (standard.total, standard.low, standard.high, standard.figures) == (None, 8000.0, 8000.0, 1)
    assert [(t.group, t.total) for t in by_site] == [("county", 10646200.0), ("county", 745000.0)]


def test_refresh_recomputes_only_when_the_figures_changed(engine: Engine) -> None:
    write(engine, "county", "http://127.0.0.1:9/a.html", REPORT)

    def refresh(session: Session) -> bool:
        return refresh_figures(session, session.scalars(select(Article)).one())

    assert write_transaction(engine, refresh) is False
    write_transaction(
        engine, lambda session: session.execute(delete(FigureRow).where(FigureRow.text == "74.5万元"))
    )
    assert len(figures(engine)) == 4
    assert write_transaction(engine, refresh) is True
    assert len(figures(engine)) == 5


def test_an_article_without_a_date_has_figures_without_a_period(engine: Engine) -> None:
    write(engine, "cdpf", "http://127.0.0.1:7/d.html", "为1859人发放困难残疾人生活补贴。", published=None)
    assert figures(engine) == [("1859人", "困难残疾人生活补贴", 1859.0, "全国", None)]


def test_site_places() -> None:
    county = SiteRecord(key="k", name="n", level="county", province="浙江省", city="嘉兴市", county="秀洲区")
    assert site_place(county) is not None and site_place(county).name == "秀洲区"
    portal = SiteRecord(key="k", name="n", level="news", province="江苏省", city=None, county=None)
    assert site_place(portal) is not None and site_place(portal).level == "province"
    assert site_place(None) is None
