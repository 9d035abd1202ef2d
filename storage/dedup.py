"""Grouping article copies into stories.

For now: a copy whose normalised body hash equals an archived one joins that copy's story; anything else
starts a new story with itself as the canonical copy.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Article, Story


def assign_story(session: Session, article: Article) -> Article | None:
    """Put a newly flushed `article` into a story; return the copy it duplicates, if any."""
    twin = session.scalars(
        select(Article)
        .where(
            Article.body_hash == article.body_hash, Article.id != article.id, Article.story_id.is_not(None)
        )
        .order_by(Article.id)
        .limit(1)
    ).first()
    if twin is not None:
        article.story_id = twin.story_id
        return twin
    story = Story(
        canonical_article_id=article.id,
        created_at=article.first_archived_at,
        updated_at=article.first_archived_at,
    )
    session.add(story)
    session.flush()
    article.story_id = story.id
    return None
