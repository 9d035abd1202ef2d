"""The JSON API under /api (schema at /api/openapi.json): the same records and fields as `canlian export`,
`show --json`, `stats --json` and `runs`. Large results (`/api/export`) are streamed, one record at a time.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from crawler.cli.story_commands import story_record
from storage.export import record_lines
from storage.queries import iter_records
from storage.stats import articles_per_month, run_summaries, sizes
from storage.story_view import CopyDetails, copy_details, load_story
from web import schemas
from web.archive import archive_session
from web.overview import SiteRow, site_rows
from web.params import RunsRequest, SearchRequest, runs_params, search_params
from web.results import result_page
from web.runview import run_page, run_record

router = APIRouter(prefix="/api", tags=["archive"])
Reading = Annotated[Session, Depends(archive_session)]
CLI_MARKS = ("【", "】")  # snippets as `canlian search --format json` marks them
_LINES_PER_CHUNK = 200  # streamed records per write: one thread hop per chunk, not per record


@router.get("/search", response_model=schemas.SearchOut, summary="Full-text search, one page of results")
def api_search(
    request: Request, reading: Reading, query: Annotated[SearchRequest, Depends(search_params)]
) -> Response:
    page = result_page(reading, query, CLI_MARKS)
    next_link = f"{request.url.path}{query.link(page=query.page + 1)}" if page.has_next else None
    results = [{**hit.record.to_dict(), "snippet": hit.snippet} for hit in page.hits]
    return JSONResponse(
        {
            "query": query.query,
            "page": query.page,
            "per_page": query.per_page,
            "results": results,
            "next": next_link,
        }
    )


@router.get(
    "/export",
    summary="Every matching story (or copy), streamed as JSON lines or CSV",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {}, "text/csv": {}}}},
)
def api_export(
    request: Request,
    query: Annotated[SearchRequest, Depends(search_params)],
    format: Annotated[Literal["jsonl", "csv"], Query(description="jsonl (default) or csv")] = "jsonl",
) -> Response:
    """The fields of `canlian export`; without `q`, every record passing the filters (page is ignored)."""
    media = "application/x-ndjson; charset=utf-8" if format == "jsonl" else "text/csv; charset=utf-8"
    disposition = f'attachment; filename="canlian-export.{format}"'
    stream = _export(request.app.state.engine, query, format)
    return StreamingResponse(stream, media_type=media, headers={"content-disposition": disposition})


def _export(engine: Engine, query: SearchRequest, fmt: Literal["jsonl", "csv"]) -> Iterator[str]:
    # The stream outlives the request's dependencies: it holds its own session while it is read.
    with Session(engine) as session:
        records = iter_records(session, query.query, query.filters, copies=query.copies)
        lines = record_lines(records, fmt)
        while chunk := "".join(itertools.islice(lines, _LINES_PER_CHUNK)):
            yield chunk


@router.get("/stories/{story_id}", response_model=schemas.StoryOut, summary="A story with every copy")
def api_story(reading: Reading, story_id: int) -> Response:
    """`canlian show --versions --json`, each copy with its extracted fields and its raw page's URL."""
    story = load_story(reading, story_id, with_versions=True)
    if story is None:
        raise HTTPException(404, f"no story {story_id}")
    record = story_record(story, with_versions=True)
    details = copy_details(reading, [copy.article_id for copy in story.copies])
    for copy in record["copies"]:
        copy.update(_details_record(details[copy["article_id"]]))
    return JSONResponse(record)


def _details_record(details: CopyDetails) -> dict[str, Any]:
    return {
        "body": details.body,
        "published_raw": details.published_raw,
        "authors": list(details.authors),
        "correspondents": list(details.correspondents),
        "tags": list(details.tags),
        "regions": list(details.regions),
        "relevance_terms": list(details.relevance_terms),
        "attachments": [dataclasses.asdict(a) for a in details.attachments],
        "fetch_id": details.fetch_id,
        "raw_url": f"/raw/{details.fetch_id}",
    }


@router.get("/sites", response_model=list[schemas.SiteOut], summary="Sites with last run and health")
def api_sites(request: Request, reading: Reading) -> Response:
    return JSONResponse([_site_record(row) for row in site_rows(reading, request.app.state.registry)])


def _site_record(row: SiteRow) -> dict[str, Any]:
    run = row.last_run
    return {
        "key": row.key,
        "name": row.name,
        "level": row.level,
        "region": row.region,
        "federation": row.federation,
        "in_registry": row.in_registry,
        "verified": row.verified,
        "enabled": row.enabled,
        "articles": row.articles,
        "last_run_id": run.id if run else None,
        "last_run_started_at": _iso(run.started_at) if run else None,
        "last_run_status": run.status if run else None,
        "health": row.health,
        "health_since": _iso(row.health_since),
        "findings": [finding.to_dict() for finding in row.findings],
        "articles_per_month": dict(row.months),
    }


@router.get("/runs", response_model=schemas.RunsOut, summary="Crawl history, newest first")
def api_runs(
    request: Request, reading: Reading, query: Annotated[RunsRequest, Depends(runs_params)]
) -> Response:
    runs, has_next = run_page(reading, query)
    next_link = f"{request.url.path}{query.link(page=query.page + 1)}" if has_next else None
    return JSONResponse({"page": query.page, "runs": [run_record(run) for run in runs], "next": next_link})


@router.get("/stats", response_model=schemas.StatsOut, summary="Articles per month, runs, archive size")
def api_stats(request: Request, reading: Reading) -> Response:
    """`canlian stats --json`: articles per month by region and site, crawl runs by site, sizes."""
    record = {
        "articles_per_month": _rows(articles_per_month(reading)),
        "runs": _rows(run_summaries(reading)),
        "size": _row(sizes(reading, request.app.state.engine)),
    }
    return JSONResponse(record)


def _rows(values: Iterable[Any]) -> list[dict[str, Any]]:
    return [_row(value) for value in values]


def _row(value: Any) -> dict[str, Any]:
    return {
        key: _iso(item) if isinstance(item, datetime) else item
        for key, item in dataclasses.asdict(value).items()
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
