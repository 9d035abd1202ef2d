"""Tables that make a crawl resumable and exclusive: the frontier, finished list walks, and site locks.

- `FrontierEntry`: an article URL a list showed that is not archived yet (pending), or that failed to
  download (with how many attempts and the last error). A row leaves the frontier in the same transaction
  that archives its page, so a crawl killed at any moment leaves exactly the unarchived URLs behind, and the
  next crawl of the site requests them first.
- `ListWalkRecord`: when a walk of one list chain (a start URL and the pages it leads to) last reached its
  end. Paging may stop early only at articles archived before that moment: beyond them, a finished walk has
  already looked.
- `SiteLock`: at most one crawl of a site at a time, whoever started it; released at the end of the crawl,
  and taken over when the holder process is dead (storage.liveness).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class FrontierEntry(Base):
    __tablename__ = "crawl_frontier"

    site_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    url_key: Mapped[str] = mapped_column(String(2048), primary_key=True)
    url: Mapped[str] = mapped_column(String(2048))
    discovered_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # failed downloads or extractions
    last_error: Mapped[str | None] = mapped_column(Text)
    last_tried_at: Mapped[datetime | None]


class ListWalkRecord(Base):
    __tablename__ = "list_walks"

    site_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    chain: Mapped[str] = mapped_column(String(2048), primary_key=True)  # the chain's first list request
    completed_at: Mapped[datetime]
    run_id: Mapped[int | None] = mapped_column(Integer)


class SiteLock(Base):
    __tablename__ = "site_locks"

    site_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(512))  # storage.liveness.ProcessIdentity as text
    run_id: Mapped[int | None] = mapped_column(Integer)
    acquired_at: Mapped[datetime]
    heartbeat_at: Mapped[datetime]
