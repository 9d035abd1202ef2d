"""The item the spiders yield: one fetched page, as raw as it came off the wire."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from crawler.extraction.model import Article, NoArticle


@dataclass(repr=False)
class PageItem:
    """A fetched article page. Spiders fill the fetch fields; pipelines add their verdicts in order."""

    site_key: str
    requested_url: str
    url: str  # final URL after redirects
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: datetime  # timezone-aware
    extraction: Article | NoArticle | None = None  # set by ExtractPipeline
    relevance: Any = None  # crawler.relevance.Relevance, set by RelevancePipeline
    regions: tuple[dict[str, Any], ...] = field(default=())  # set by RelevancePipeline

    def __repr__(self) -> str:
        # Logged with every dropped item: never dump the raw bytes into the log.
        outcome = type(self.extraction).__name__ if self.extraction is not None else "unextracted"
        return f"<PageItem {self.site_key} {self.status} {self.url} {len(self.body)} bytes {outcome}>"
