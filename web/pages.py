"""The pages: server-rendered HTML that works without JavaScript; every URL holds its whole query."""

from __future__ import annotations

import itertools
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from storage.archive import archived_response
from storage.runs import RUN_STATUSES
from storage.stats import articles_per_month
from storage.story_view import copy_details, load_story
from web.archive import archive_session, site_choices
from web.charts import bar_chart
from web.diffs import side_by_side
from web.display import MARKS
from web.overview import site_rows, stats_view
from web.params import (
    RunsRequest,
    SearchRequest,
    StatsRequest,
    runs_params,
    search_params,
    stats_params,
)
from web.rendering import render
from web.results import result_page
from web.runview import COUNTS, run_counts, run_page

router = APIRouter(include_in_schema=False)
Reading = Annotated[Session, Depends(archive_session)]
# An archived page is shown as data, never as a live page: no script runs (sandbox without allow-scripts),
# and nothing is loaded from the live site (no source but inline styles and data: images).
RAW_CSP = (
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none';"
    " base-uri 'none'; frame-ancestors 'none'"
)


@router.get("/")
def search_page(
    request: Request, reading: Reading, query: Annotated[SearchRequest, Depends(search_params)]
) -> Response:
    results = result_page(reading, query, MARKS)
    sites = site_choices(request, reading)
    context = {
        "page": "search",
        "query": query,
        "results": results,
        "sites": sites,
        "site_names": {site.key: site.name for site in sites},
    }
    return render(request, "search.html", context)


@router.get("/stories/{story_id}")
def story_page(request: Request, reading: Reading, story_id: int) -> Response:
    story = load_story(reading, story_id, with_versions=True)
    if story is None:
        raise HTTPException(404, f"档案中没有编号为 {story_id} 的报道。")
    details = copy_details(reading, [copy.article_id for copy in story.copies])
    diffs = {
        copy.article_id: [side_by_side(a, b) for a, b in itertools.pairwise(copy.versions)]
        for copy in story.copies
    }
    canonical = next((c for c in story.copies if c.canonical), story.copies[0] if story.copies else None)
    context = {"page": "story", "story": story, "canonical": canonical, "details": details, "diffs": diffs}
    return render(request, "story.html", context)


@router.get("/raw/{fetch_id}")
def raw_page(reading: Reading, fetch_id: int) -> Response:
    """The page exactly as downloaded, in its own charset (its bytes and Content-Type untouched)."""
    archived = archived_response(reading, fetch_id)
    if archived is None:
        raise HTTPException(404, f"档案中没有编号为 {fetch_id} 的原始网页。")
    content_type = next((v for k, v in archived.headers.items() if k.lower() == "content-type"), "text/html")
    headers = {
        "content-type": content_type,  # set as a header, so no charset is added to it
        "content-security-policy": RAW_CSP,
        "content-disposition": "inline",
        "cache-control": "private, max-age=3600",
    }
    return Response(archived.body, headers=headers)


@router.get("/sites")
def sites_page(request: Request, reading: Reading) -> Response:
    rows = site_rows(reading, request.app.state.registry)
    charts = {row.key: bar_chart(list(row.months), width=160, height=32) for row in rows if row.months}
    return render(request, "sites.html", {"page": "sites", "rows": rows, "charts": charts})


@router.get("/runs")
def runs_page(
    request: Request, reading: Reading, query: Annotated[RunsRequest, Depends(runs_params)]
) -> Response:
    runs, has_next = run_page(reading, query)
    context = {
        "page": "runs",
        "query": query,
        "runs": runs,
        "has_next": has_next,
        "sites": site_choices(request, reading),
        "run_statuses": RUN_STATUSES,
        "counts": COUNTS,
        "run_counts": run_counts,
    }
    return render(request, "runs.html", context)


@router.get("/stats")
def stats_page(
    request: Request, reading: Reading, query: Annotated[StatsRequest, Depends(stats_params)]
) -> Response:
    view = stats_view(articles_per_month(reading), query.site, query.region)
    context = {
        "page": "stats",
        "query": query,
        "view": view,
        "chart": bar_chart(view.months),
        "sites": site_choices(request, reading),
    }
    return render(request, "stats.html", context)
