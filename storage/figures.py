"""Writing the figures of article versions (the reading side is storage.figure_queries).

`record_figures` is the archive's one hook: called for every new version (storage.archive.add_version), it
reads the version's body with the article's site region and date and adds one row per figure. It costs
one extraction (about a millisecond for a report) and a primary-key lookup of the site. `refresh_figures`
recomputes the current version's figures, for `canlian reextract` after the lexicon or the rules change.
Functions take a session the caller owns and never commit it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from crawler.extraction.dates import SHANGHAI
from crawler.figures import FIGURES_VERSION, NATIONAL, Context, Figure, Place, extract_figures
from storage.figures_models import FigureRow
from storage.models import Article, ArticleVersion, SiteRecord


def record_figures(session: Session, article: Article, version: ArticleVersion) -> int:
    """Add the figures of ``version`` (pending or stored) of ``article``; returns how many."""
    figures = extract_figures(version.body, article_context(session, article))
    session.add_all(figure_row(figure, article.id, version) for figure in figures)
    return len(figures)


def refresh_figures(session: Session, article: Article) -> bool:
    """Recompute the figures of the article's current version; True when they changed."""
    session.flush()
    version = session.scalars(
        select(ArticleVersion)
        .where(ArticleVersion.article_id == article.id)
        .order_by(ArticleVersion.id.desc())
    ).first()
    if version is None:
        return False
    stored = session.scalars(select(FigureRow).where(FigureRow.version_id == version.id)).all()
    fresh = [
        figure_row(f, article.id, version)
        for f in extract_figures(version.body, article_context(session, article))
    ]
    if sorted(map(_comparable, stored)) == sorted(map(_comparable, fresh)):
        return False
    session.execute(delete(FigureRow).where(FigureRow.version_id == version.id))
    session.add_all(fresh)
    return True


def article_context(session: Session, article: Article) -> Context:
    site = session.get(SiteRecord, article.site_key)
    return Context(site_place(site), shanghai_date(article.published_at), article.title)


def site_place(site: SiteRecord | None) -> Place | None:
    """A site's registry place as a figures Place (a national site is 全国)."""
    if site is None:
        return None
    if site.level == "national" or not site.province:
        return NATIONAL
    if site.county:
        return Place(site.county, site.province, site.city, site.county, "county")
    if site.city:
        return Place(site.city, site.province, site.city, None, "city")
    return Place(site.province, site.province, None, None, "province")


def shanghai_date(moment: datetime | None) -> date | None:
    """Archive times are UTC; a figure's period is a calendar date in Asia/Shanghai."""
    return moment.astimezone(SHANGHAI).date() if moment is not None else None


def figure_row(figure: Figure, article_id: int, version: ArticleVersion) -> FigureRow:
    region, period = figure.region, figure.period
    return FigureRow(
        version=version,
        article_id=article_id,
        programme=figure.programme,
        measure=figure.measure,
        value=figure.value,
        value_max=figure.value_max,
        unit=figure.unit,
        value_normalised=figure.value_normalised,
        qualifier=figure.qualifier,
        region=region.name if region else None,
        province=region.province if region else None,
        city=region.city if region else None,
        county=region.county if region else None,
        period=period.label if period else None,
        period_start=period.start if period else None,
        period_end=period.end if period else None,
        text=figure.text[:64],
        sentence=figure.sentence,
        sentence_start=figure.sentence_span[0],
        span_start=figure.span[0],
        span_end=figure.span[1],
        figures_version=FIGURES_VERSION,
    )


def _comparable(row: FigureRow) -> tuple[object, ...]:
    return (
        row.span_start,
        row.span_end,
        row.programme,
        row.measure,
        row.value,
        row.value_max,
        row.unit,
        row.qualifier,
        row.region,
        row.period,
        row.figures_version,
    )


def count_figures(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(FigureRow)) or 0
