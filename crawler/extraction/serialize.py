"""JSON-ready views of extraction results, for `canlian extract --json` and the golden tests."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Any

from crawler.extraction.model import Article, Attachment, Image, NoArticle


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Image | Attachment):
        return {f.name: getattr(value, f.name) for f in fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def article_to_dict(article: Article) -> dict[str, Any]:
    """Every `Article` field: datetimes as ISO 8601, tuples as lists, images and attachments as dicts."""
    return {f.name: _plain(getattr(article, f.name)) for f in fields(article)}


def no_article_to_dict(result: NoArticle) -> dict[str, str]:
    return {"error": result.reason.value, "detail": result.detail}
