"""The archive as the web app sees it: a read-only engine, checked once, and one session per request."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

from fastapi import Request
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from storage.engine import create_readonly_engine
from storage.runs import recorded_sites
from storage.schema import current_revisions, head_revisions


class ArchiveNotReady(RuntimeError):
    """The database is not an archive at the schema this code reads (the app never migrates it)."""


def open_archive(url: str) -> Engine:
    """A read-only engine on the archive at `url`, whose schema must be the latest revision."""
    engine = create_readonly_engine(url)
    shown = make_url(url).render_as_string(hide_password=True)
    try:
        current = current_revisions(engine)
    except SQLAlchemyError as error:
        engine.dispose()
        raise ArchiveNotReady(f"cannot read the archive at {shown}: {error.__class__.__name__}") from error
    if current != head_revisions():
        engine.dispose()
        found = ", ".join(current) or "no schema"
        raise ArchiveNotReady(
            f"the archive at {shown} has {found}, this version reads {', '.join(head_revisions())}:"
            " run `canlian db upgrade` first (the web app never changes the archive)"
        )
    return engine


def archive_session(request: Request) -> Iterator[Session]:
    """A session for one request; it only reads, so it is closed without a commit."""
    engine: Engine = request.app.state.engine
    with Session(engine) as session:
        yield session


SITE_LIST_SECONDS = 60.0  # a new site appears only when a crawl records one: a minute late is harmless


@dataclass(frozen=True, slots=True)
class SiteChoice:
    key: str
    name: str


def site_choices(request: Request, session: Session) -> list[SiteChoice]:
    """The archive's sites for the pages' site menus, read at most once a minute (every search page shows
    the menu; on PostgreSQL the query is a round trip of its own)."""
    cached: tuple[float, list[SiteChoice]] | None = getattr(request.app.state, "site_choices", None)
    if cached is not None and time.monotonic() < cached[0]:
        return cached[1]
    choices = [SiteChoice(site.key, site.name) for site in recorded_sites(session)]
    request.app.state.site_choices = (time.monotonic() + SITE_LIST_SECONDS, choices)
    return choices
