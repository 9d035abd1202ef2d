"""The figures table: one row per figure of one article version (see crawler.figures).

Rows belong to the version whose body they were read from, so a changed report keeps the figures of each
of its texts; queries read the current version of each story's canonical copy (storage.figures).
Offsets (`span_start`, `span_end`, `sentence_start`) are into that version's body.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class FigureRow(Base):
    __tablename__ = "figures"
    __table_args__ = (Index("ix_figures_programme_period", "programme", "period_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("article_versions.id"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    programme: Mapped[str] = mapped_column(String(32))
    measure: Mapped[str] = mapped_column(String(16))
    value: Mapped[float] = mapped_column(Float)
    value_max: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(8))
    value_normalised: Mapped[float] = mapped_column(Float)  # money in 元
    qualifier: Mapped[str | None] = mapped_column(String(16))
    region: Mapped[str | None] = mapped_column(String(64))
    province: Mapped[str | None] = mapped_column(String(32))
    city: Mapped[str | None] = mapped_column(String(32))
    county: Mapped[str | None] = mapped_column(String(32))
    period: Mapped[str | None] = mapped_column(String(24))  # 2019, 2019-06, 2019-06-30, 2016/2020
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    text: Mapped[str] = mapped_column(String(64))  # the figure as written
    sentence: Mapped[str] = mapped_column(Text)
    sentence_start: Mapped[int] = mapped_column(Integer)
    span_start: Mapped[int] = mapped_column(Integer)
    span_end: Mapped[int] = mapped_column(Integer)
    figures_version: Mapped[str] = mapped_column(String(16))
