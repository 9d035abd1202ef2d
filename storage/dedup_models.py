"""Tables of the near-duplicate index, keyed by article id (the `articles` table itself is not touched).

- `DedupBand`: one row per (LSH band, band key, article). Looked up by key (the primary key's prefix), so
  finding candidates costs one index probe per band whatever the archive size. Persisted, so the index
  survives restarts and every crawler process shares it.
- The partial unique index `uq_dedup_bands_first` on (key, band) WHERE is_first is the concurrency guarantee:
  the first article to bring a band value marks its row `is_first`; two transactions that both saw a value
  missing both try to mark it first, and the database lets only one commit. The loser's retried
  transaction (storage.transactions.write_transaction) then finds the winner as a candidate.
- `DedupMembership`: why an article is in its story (first copy, exact body, near duplicate and how close).
- `StoryMerge`: a story that a later copy showed to be the same report as another, and where it went: so
  a story id once shown (an export, a link) still leads to its copies.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Index, Integer, SmallInteger, String, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class DedupBand(Base):
    __tablename__ = "dedup_bands"
    __table_args__ = (
        Index(
            "uq_dedup_bands_first",
            "key",
            "band",
            unique=True,
            sqlite_where=text("is_first"),
            postgresql_where=text("is_first"),
        ),
        Index("ix_dedup_bands_article_id", "article_id"),
        # SQLite: the primary key is the table (no rowid copy), halving the size of the biggest table.
        {"sqlite_with_rowid": False},
    )

    key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    band: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), primary_key=True)
    is_first: Mapped[bool] = mapped_column(Boolean, default=False)


class DedupMembership(Base):
    __tablename__ = "dedup_memberships"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id"), index=True)
    method: Mapped[str] = mapped_column(String(16))  # first | exact | near
    matched_article_id: Mapped[int | None] = mapped_column(Integer)  # the copy it was compared with
    jaccard: Mapped[float] = mapped_column(Float, default=1.0)
    containment: Mapped[float] = mapped_column(Float, default=1.0)


class StoryMerge(Base):
    __tablename__ = "story_merges"

    merged_story_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # gone: its copies moved
    into_story_id: Mapped[int] = mapped_column(Integer, index=True)
    bridging_article_id: Mapped[int] = mapped_column(Integer)  # the copy similar to both stories
    merged_at: Mapped[datetime]
