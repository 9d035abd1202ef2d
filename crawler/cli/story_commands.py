"""`canlian show STORY_ID`: one story with every copy of it, the canonical copy marked, and on request
the diffs between successive versions of each copy. Exit codes: 0 shown, 1 no such story."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from crawler.cli.commands import reading
from crawler.cli.tables import render
from storage.dedup import resolve_story
from storage.story_view import CopyView, StoryView, load_story
from storage.versions import successive_diffs


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    show_parser = commands.add_parser("show", help="a story with all its copies (and versions)")
    show_parser.add_argument("story_id", type=int, metavar="STORY_ID")
    show_parser.add_argument("--versions", action="store_true", help="diff successive versions of each copy")
    show_parser.add_argument("--json", action="store_true")
    show_parser.set_defaults(handler=show)


def show(args: argparse.Namespace) -> int:
    with reading(args) as session:
        current = resolve_story(session, args.story_id)
        story = load_story(session, current, with_versions=args.versions) if current is not None else None
    if story is None:
        print(f"canlian: no story {args.story_id}", file=sys.stderr)
        return 1
    if current != args.story_id:
        print(f"story {args.story_id} was merged into story {current}", file=sys.stderr)
    if args.json:
        print(json.dumps(story_record(story, args.versions), ensure_ascii=False, indent=2))
    else:
        print(render_story(story, args.versions))
    return 0


def render_story(story: StoryView, with_versions: bool) -> str:
    canonical = next((c for c in story.copies if c.canonical), None)
    lines = [
        f"story {story.id}: {canonical.title if canonical else '(no canonical copy)'}",
        f"{len(story.copies)} cop{'y' if len(story.copies) == 1 else 'ies'}, "
        f"first archived {story.created_at:%Y-%m-%d %H:%M} UTC; * marks the canonical copy",
        "",
    ]
    rows = [
        (
            "*" if c.canonical else "",
            c.article_id,
            c.site_key,
            c.published_at.strftime("%Y-%m-%d %H:%M") if c.published_at else "",
            c.title,
            c.source or "",
            "、".join(c.editors),
            _joined(c),
        )
        for c in story.copies
    ]
    lines.append(render(["", "copy", "site", "published", "title", "source", "editors", "joined"], rows))
    lines += ["", *(f"  [{c.article_id}] {c.url}" for c in story.copies)]
    if with_versions:
        lines += _version_sections(story)
    return "\n".join(lines)


def _joined(copy: CopyView) -> str:
    if copy.joined_by == "near" and copy.jaccard is not None:
        return f"near ({copy.jaccard:.2f})"
    return copy.joined_by


def _version_sections(story: StoryView) -> list[str]:
    lines: list[str] = []
    for copy in story.copies:
        lines += ["", f"== copy {copy.article_id} ({copy.site_key}): {len(copy.versions)} version(s)"]
        for version in copy.versions:
            lines.append(f"   version {version.number}: seen {version.seen_at:%Y-%m-%d %H:%M} UTC")
        for diff in successive_diffs(list(copy.versions)):
            lines += ["", *diff.lines]
    return lines


def story_record(story: StoryView, with_versions: bool) -> dict[str, Any]:
    return {
        "id": story.id,
        "created_at": story.created_at.isoformat(),
        "updated_at": story.updated_at.isoformat(),
        "canonical_article_id": story.canonical_article_id,
        "copies": [_copy_record(c, with_versions) for c in story.copies],
    }


def _copy_record(copy: CopyView, with_versions: bool) -> dict[str, Any]:
    record: dict[str, Any] = {
        "article_id": copy.article_id,
        "canonical": copy.canonical,
        "site": copy.site_key,
        "site_name": copy.site_name,
        "url": copy.url,
        "title": copy.title,
        "published_at": copy.published_at.isoformat() if copy.published_at else None,
        "source": copy.source,
        "editors": list(copy.editors),
        "joined_by": copy.joined_by,
        "jaccard": copy.jaccard,
    }
    if with_versions:
        record["versions"] = [
            {"number": v.number, "fetch_id": v.fetch_id, "seen_at": v.seen_at.isoformat(), "title": v.title}
            for v in copy.versions
        ]
        record["diffs"] = ["\n".join(d.lines) for d in successive_diffs(list(copy.versions))]
    return record
