"""The API's answers, for its OpenAPI schema. The routes build plain dicts (the same records `canlian
export`, `show --json` and `stats --json` print) and the tests check every answer against these models."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class RecordOut(BaseModel):
    """A story (its canonical copy) or one copy: the fields of `canlian export`."""

    id: int
    story_id: int | None
    title: str
    body: str
    published_at: str | None
    site: str
    url: str
    source: str | None
    region: str
    regions: list[str]
    level: str
    copies: int


class HitOut(RecordOut):
    snippet: str


class SearchOut(BaseModel):
    query: str | None
    page: int
    per_page: int
    results: list[HitOut]
    next: str | None  # the next page's URL, when there is one


class VersionOut(BaseModel):
    number: int
    fetch_id: int
    seen_at: str
    title: str


class AttachmentOut(BaseModel):
    name: str
    url: str
    size: int | None


class CopyOut(BaseModel):
    article_id: int
    canonical: bool
    site: str
    site_name: str
    url: str
    title: str
    published_at: str | None
    source: str | None
    editors: list[str]
    joined_by: str
    jaccard: float | None
    versions: list[VersionOut]
    diffs: list[str]
    body: str
    published_raw: str | None
    authors: list[str]
    correspondents: list[str]
    tags: list[str]
    regions: list[str]
    relevance_terms: list[str]
    attachments: list[AttachmentOut]
    fetch_id: int
    raw_url: str


class StoryOut(BaseModel):
    id: int
    created_at: str
    updated_at: str
    canonical_article_id: int | None
    copies: list[CopyOut]


class FindingOut(BaseModel):
    cause: str
    level: str
    message: str


class SiteOut(BaseModel):
    key: str
    name: str
    level: str
    region: str
    federation: bool
    in_registry: bool
    verified: bool | None
    enabled: bool | None
    articles: int
    last_run_id: int | None
    last_run_started_at: str | None
    last_run_status: str | None
    health: str | None
    health_since: str | None
    findings: list[FindingOut]
    articles_per_month: dict[str, int]


class RunOut(BaseModel):
    id: int
    site: str
    trigger: str
    status: str | None
    started_at: str
    finished_at: str | None
    scheduled_for: str | None
    finish_reason: str | None
    responses: int
    pages: int
    known_skipped: int
    new: int
    updated: int
    unchanged: int
    duplicate: int
    not_relevant: int
    no_article: int
    errors: int
    blocked: int
    errors_by_kind: dict[str, Any]
    exit_code: int | None
    note: str | None


class RunsOut(BaseModel):
    page: int
    runs: list[RunOut]
    next: str | None


class MonthOut(BaseModel):
    month: str
    site: str
    region: str
    articles: int


class RunSummaryOut(BaseModel):
    site: str
    runs: int
    last_started: str | None
    last_finish: str | None
    pages: int
    new: int
    errors: int


class SizeOut(BaseModel):
    articles: int
    stories: int
    database_bytes: int
    disk_bytes: int | None


class StatsOut(BaseModel):
    """What `canlian stats --json` prints."""

    articles_per_month: list[MonthOut]
    runs: list[RunSummaryOut]
    size: SizeOut
