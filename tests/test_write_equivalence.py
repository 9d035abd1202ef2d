"""The archive's write path keeps every row it has always written: a fixed feed of sample-web fetches (new
pages, mobile twins in the same batch, republished copies, pages with no article or not relevant, refetches
and an edit) is written in batches, and the whole archive, row for row, must equal the golden dump made by
the page-at-a-time ORM writer this path replaced (tests/data/archive_rows.json; regenerate only on purpose:
`python tests/test_write_equivalence.py DATABASE_URL`).
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from archive_dump import dump
from sqlalchemy import Engine

from crawler.extraction import Article, extract
from crawler.gazetteer import find_regions
from crawler.relevance import assess
from sampleweb import SampleWeb
from storage.archive import Assessment, FetchedPage, record_pages
from storage.engine import create_archive_engine
from storage.runs import SiteInfo, start_run, upsert_site
from storage.schema import upgrade
from storage.transactions import write_transaction

GOLDEN = Path(__file__).with_name("data") / "archive_rows.json"
T0 = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
BATCH = 7  # batches that cut across sites, so copies and twins meet inside one batch and across two


def feed() -> list[tuple[FetchedPage, Any, Assessment | None]]:
    web = SampleWeb(seed=5, articles_per_site=12)
    federation = {site.key: site.federation for site in web.sites}
    records = [r for r in web.truth() if r.kind in ("article", "mobile_twin")]
    jobs = [_job(web, r.site, r.path, T0 + timedelta(seconds=n), federation) for n, r in enumerate(records)]
    later = T0 + timedelta(days=1)
    refetched = [
        _job(web, r.site, r.path, later + timedelta(seconds=n), federation)
        for n, r in enumerate(records[::5])
    ]
    edited = next(r for r in records if r.site == "sample-county" and r.kind == "article" and r.relevant)
    index = next(i for i in range(12) if web.entry("sample-county", i).path == edited.path)
    web.edit("sample-county", index, "更正：本文所列受益人数有误，已更正。")
    jobs += [*refetched, _job(web, edited.site, edited.path, later + timedelta(hours=1), federation)]
    jobs.append(
        _job(web, "sample-portal", "/jsyw/index.shtml", later + timedelta(hours=2), federation)
    )  # a list
    return jobs


def _job(
    web: SampleWeb, site: str, path: str, at: datetime, federation: dict[str, bool]
) -> tuple[FetchedPage, Any, Assessment | None]:
    status, headers, body = web.respond(site, "GET", path)
    url = f"http://{site}.test{path}"
    page = FetchedPage(site, url, url, status, headers, body, at)
    result = extract(body, url, headers)
    if not isinstance(result, Article):
        return page, result, None
    verdict = assess(result.title, result.body, federation_site=federation[site])
    regions = tuple(asdict(region) for region in find_regions(f"{result.title}\n{result.body}"))
    assessment = Assessment(verdict.relevant, verdict.score, tuple(verdict.matched), regions, verdict.reason)
    return page, result, assessment


def build(engine: Engine) -> None:
    web = SampleWeb(seed=5, articles_per_site=1)

    def begin(session: Any) -> int:
        for s in web.sites:
            upsert_site(
                session, SiteInfo(s.key, s.name, s.level, s.province, s.city, s.county, s.federation), T0
            )
        return start_run(session, "sample-county", "manual", T0).id

    run_id = write_transaction(engine, begin)
    jobs = feed()
    for start in range(0, len(jobs), BATCH):
        batch = jobs[start : start + BATCH]
        write_transaction(engine, lambda session, batch=batch: record_pages(session, batch, run_id))


def normalised(engine: Engine) -> dict[str, Any]:
    """The dump as JSON would give it back (tuples as lists)."""
    return json.loads(json.dumps(dump(engine), ensure_ascii=False))


def test_batched_writes_archive_exactly_what_the_page_at_a_time_writer_did(engine: Engine) -> None:
    build(engine)
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    got = normalised(engine)
    for table in expected:
        assert got[table] == expected[table], f"table {table} differs from the golden dump"


if __name__ == "__main__":
    target = create_archive_engine(sys.argv[1])
    upgrade(target)
    build(target)
    GOLDEN.write_text(json.dumps(normalised(target), ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}")
