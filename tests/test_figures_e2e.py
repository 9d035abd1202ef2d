"""End to end: crawl the sample web into SQLite and PostgreSQL, then query its figures. Every figure points
at its sentence in the stored text, a republished report counts once, and the figures agree with what
the generator wrote."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from crawling import crawl
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.cli import main
from crawler.figures.evaluation import Expected, Scores
from sampleweb import RunningSampleWeb, SampleWeb, site_definitions, start, write_sites_toml
from sampleweb.figtruth import figure_truth
from storage.engine import create_archive_engine
from storage.figure_queries import FigureFilters, iter_figures
from storage.figures_models import FigureRow
from storage.models import Article, ArticleVersion, Story

pytestmark = pytest.mark.e2e
N = 20
# The three sites with originals and the city site that republishes them (copies, a dropped paragraph).
SITES = ["sample-county", "sample-portal", "sample-cdpf", "sample-citynews"]


@pytest.fixture
def crawled(tmp_path: Path, database_url: str) -> Iterator[tuple[SampleWeb, RunningSampleWeb]]:
    web = SampleWeb(seed=2026, articles_per_site=N)
    with start(web) as running:
        sites_file = tmp_path / "sites.toml"
        write_sites_toml(site_definitions(running.base_urls), sites_file)
        result = crawl(database_url, sites_file, SITES, tmp_path / "crawl.log")
        assert result.returncode == 0, result.stdout + result.stderr
        yield web, running


def test_figures_of_the_crawled_sample_web(
    crawled: tuple[SampleWeb, RunningSampleWeb], database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    web, running = crawled
    engine = create_archive_engine(database_url)
    with Session(engine) as session:
        _every_figure_points_at_its_sentence(session)
        records = list(iter_figures(session, FigureFilters()))
        copies = list(iter_figures(session, FigureFilters(copies=True)))
        canonical = set(session.scalars(select(Story.canonical_article_id)))
        assert records and {r.article_id for r in records} <= canonical
        assert len(copies) > len(records), "the sample web republishes reports"
        scores = _against_the_generator(session, web, running, records)
    engine.dispose()
    assert scores.expected > 300
    assert scores.precision(scores.exact) >= 0.95
    assert scores.recall(scores.exact) >= 0.90

    assert main(["--database", database_url, "figures", "--programme", "两项补贴", "--format", "jsonl"]) == 0
    exported = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    expected = [
        r for r in records if r.figure.programme in ("两项补贴", "困难残疾人生活补贴", "重度残疾人护理补贴")
    ]
    assert len(exported) == len(expected) > 0
    assert all(
        row["sentence"][row["span_start"] - row["sentence_start"] :].startswith(row["text"])
        for row in exported
    )


def _every_figure_points_at_its_sentence(session: Session) -> None:
    rows = session.execute(select(FigureRow, ArticleVersion.body).join(ArticleVersion)).all()
    assert rows
    for row, body in rows:
        assert body[row.span_start : row.span_end] == row.text
        assert body[row.sentence_start : row.sentence_start + len(row.sentence)] == row.sentence
        assert row.sentence_start <= row.span_start < row.span_end <= row.sentence_start + len(row.sentence)


def _against_the_generator(session: Session, web: SampleWeb, running: RunningSampleWeb, records) -> Scores:
    """Figures of each canonical copy that is an original, against the generator's figure truth."""
    site_of = {urlsplit(url).netloc: key for key, url in running.base_urls.items()}
    by_article: dict[int, list] = {}
    for record in records:
        by_article.setdefault(record.article_id, []).append(record.figure)
    scores = Scores()
    for article in session.scalars(select(Article).where(Article.id.in_(by_article))):
        parts = urlsplit(article.url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        found = web.catalog.index_of(site_of[parts.netloc], path)
        assert found is not None, article.url
        entry = web.entry(site_of[parts.netloc], found[0])
        if entry.republishes is not None:
            continue
        truth = [Expected((t.start, t.end), *t.key()) for t in figure_truth(entry)]
        scores.add([_Stored(f) for f in by_article[article.id]], truth)
    return scores


class _Stored:
    """A stored figure row in the shape the scorer reads (crawler.figures.evaluation.Scored)."""

    def __init__(self, row: FigureRow) -> None:
        self.span = (row.span_start, row.span_end)
        self._key = (
            row.programme,
            row.measure,
            row.value,
            row.value_max,
            row.unit,
            row.region or "",
            row.period or "",
        )

    def key(self) -> tuple[str, str, float, float | None, str, str, str]:
        return self._key
