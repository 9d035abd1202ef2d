"""One page of search results, from `storage.queries.search` (what `canlian search` runs)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from storage.queries import Hit, search
from web.params import SearchRequest


@dataclass(frozen=True, slots=True)
class ResultPage:
    hits: list[Hit]
    has_next: bool


def result_page(session: Session, request: SearchRequest, marks: tuple[str, str]) -> ResultPage:
    """The request's page of hits. `search` has no offset: it returns the first N results, so a page is
    the tail of the first page x size (plus one, to know whether another page follows)."""
    if request.query is None:
        return ResultPage([], False)
    wanted = request.page * request.per_page
    hits = search(
        session,
        request.query,
        request.filters,
        copies=request.copies,
        limit=wanted + 1,
        sort=request.sort,
        marks=marks,
    )
    return ResultPage(hits[wanted - request.per_page : wanted], len(hits) > wanted)
