"""Writing the figures of article versions (the reading side is storage.figure_queries).

`record_figures` is the archive's one hook: called for every new version (storage.archive.add_version), it
reads the version's body with the article's site region and date, and queues one row per figure; the rows
are inserted, in one statement, by the flush that writes the version (the ORM listener below), so the
hook adds no flush and no per-row ORM objects to the write path. `refresh_figures` recomputes the
current version's figures, for `canlian reextract` after the lexicon or the rules change. Functions take
a session the caller owns and never commit it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, event, insert, select
from sqlalchemy.orm import Session, UOWTransaction

from crawler.extraction.dates import SHANGHAI
from crawler.figures import FIGURES_VERSION, NATIONAL, Context, Figure, Place, extract_figures
from storage.figures_models import FigureRow
from storage.models import Article, ArticleVersion, SiteRecord

_PENDING = "figures_pending"  # session.info: [(version, rows)] waiting for the version's id
_COMPARED = ("span_start", "span_end", "programme", "measure", "value", "value_max", "unit", "qualifier",
             "region", "period", "figures_version")  # fmt: skip


def record_figures(session: Session, article: Article, version: ArticleVersion) -> int:
    """Queue the figures of ``version`` (added to the session) of ``article``; returns how many."""
    figures = extract_figures(version.body, article_context(session, article))
    if figures:
        session.info.setdefault(_PENDING, []).append((version, [figure_values(f) for f in figures]))
    return len(figures)


@event.listens_for(Session, "after_flush")
def _insert_queued(session: Session, _context: UOWTransaction) -> None:
    pending: list[tuple[ArticleVersion, list[dict[str, Any]]]] = session.info.get(_PENDING, [])
    if not pending:
        return
    ready = [(version, rows) for version, rows in pending if version.id is not None]
    session.info[_PENDING] = [(version, rows) for version, rows in pending if version.id is None]
    values = [{**row, "version_id": v.id, "article_id": v.article_id} for v, rows in ready for row in rows]
    if values:
        session.connection().execute(insert(FigureRow), values)


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
    fresh = [figure_values(f) for f in extract_figures(version.body, article_context(session, article))]
    before = sorted(tuple(getattr(row, name) for name in _COMPARED) for row in stored)
    if before == sorted(tuple(row[name] for name in _COMPARED) for row in fresh):
        return False
    session.execute(delete(FigureRow).where(FigureRow.version_id == version.id))
    if fresh:
        rows = [{**row, "version_id": version.id, "article_id": article.id} for row in fresh]
        session.execute(insert(FigureRow), rows)
    return True


def article_context(session: Session, article: Article) -> Context:
    return Context(
        _site_region(session, article.site_key), shanghai_date(article.published_at), article.title
    )


def _site_region(session: Session, key: str) -> Place | None:
    """The site's place, read once per session: without flushing the caller's pending rows (a lookup per
    article that flushed them doubled the cost of an archive write)."""
    known: dict[str, Place | None] = session.info.setdefault("figures_site_regions", {})
    if key not in known:
        with session.no_autoflush:
            known[key] = site_place(session.get(SiteRecord, key))
    return known[key]


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


def figure_values(figure: Figure) -> dict[str, Any]:
    """The columns of a figure's row, but its version and article."""
    region, period = figure.region, figure.period
    return {
        "programme": figure.programme,
        "measure": figure.measure,
        "value": figure.value,
        "value_max": figure.value_max,
        "unit": figure.unit,
        "value_normalised": figure.value_normalised,
        "qualifier": figure.qualifier,
        "region": region.name if region else None,
        "province": region.province if region else None,
        "city": region.city if region else None,
        "county": region.county if region else None,
        "period": period.label if period else None,
        "period_start": period.start if period else None,
        "period_end": period.end if period else None,
        "text": figure.text[:64],
        "sentence": figure.sentence,
        "sentence_start": figure.sentence_span[0],
        "span_start": figure.span[0],
        "span_end": figure.span[1],
        "figures_version": FIGURES_VERSION,
    }
