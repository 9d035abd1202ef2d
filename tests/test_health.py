"""Site health rules: each run judged against the site's own history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from crawler.health import FAILING, OK, WARNING, Cause, RunFacts, assess, facts_from_run
from storage.models import CrawlRun

T0 = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)


def run(run_id: int = 10, **fields: Any) -> RunFacts:
    values: dict[str, Any] = {"status": "finished", "pages": 20, "responses": 25, "no_article": 1}
    values.update(fields)
    return RunFacts(run_id=run_id, site_key="alpha", started_at=T0 + timedelta(days=run_id), **values)


HISTORY = [
    run(i, no_article=1 + i % 2) for i in range(9, 0, -1)
]  # newest first, 5-10 % failures, median 10 %


def causes(health: Any) -> dict[str, str]:
    return {str(f.cause): f.level for f in health.findings}


def test_a_normal_run_is_ok() -> None:
    health = assess(run(), HISTORY)
    assert (health.state, health.findings, health.run_id) == (OK, (), 10)


def test_empty_run_fails_when_the_site_usually_yields_pages() -> None:
    health = assess(run(pages=0, no_article=0, responses=3), HISTORY)
    assert causes(health) == {"empty": FAILING}
    assert "usually 20" in health.findings[0].message
    assert causes(assess(run(pages=0, no_article=0), [])) == {"empty": WARNING}  # nothing to compare with


def test_a_quiet_incremental_night_is_healthy() -> None:
    """Nothing new on an unchanged site: the lists answered 304, or showed only known articles."""
    unchanged = run(pages=0, no_article=0, responses=2, lists_unchanged=2)
    all_known = run(pages=0, no_article=0, responses=3, known_skipped=40)
    for quiet in (unchanged, all_known):
        assert (assess(quiet, HISTORY).state, assess(quiet, HISTORY).findings) == (OK, ())


def test_extraction_failures_jumping_mean_the_layout_changed() -> None:
    health = assess(run(no_article=15), HISTORY)
    assert causes(health) == {"layout_changed": FAILING}
    assert "75%" in health.findings[0].message and "usually 10%" in health.findings[0].message
    # A site whose pages usually fail as much is not news; nor is a tiny run.
    noisy = [run(i, no_article=14) for i in range(9, 0, -1)]
    assert assess(run(no_article=15), noisy).state == OK
    assert assess(run(pages=3, no_article=3), HISTORY).state == OK


def test_anti_bot_challenges_explain_an_empty_run() -> None:
    blocked = run(pages=0, no_article=0, blocked=5, blocked_by_status={"412": 5}, responses=6)
    health = assess(blocked, HISTORY)
    assert causes(health) == {"blocked": FAILING}  # not also "empty": the specific cause wins
    assert "HTTP 412 ×5" in health.findings[0].message
    assert causes(assess(run(blocked=2), HISTORY)) == {"blocked": WARNING}


def test_robots_txt_forbidding_the_crawl() -> None:
    health = assess(run(pages=0, no_article=0, robots_forbidden=3, responses=1), HISTORY)
    assert causes(health) == {"robots_forbidden": FAILING}


def test_unreachable_site() -> None:
    errors = {"TimeoutError": 6, "DNSLookupError": 1}
    health = assess(run(pages=0, no_article=0, responses=0, download_errors=errors), HISTORY)
    assert causes(health) == {"unreachable": FAILING}
    assert "TimeoutError ×6, DNSLookupError ×1" in health.findings[0].message


def test_crawl_status_findings() -> None:
    assert causes(assess(run(status="failed", pages=0, note="exit status 1"), HISTORY)) == {
        "crawl_failed": FAILING
    }
    timed_out = assess(run(status="timed_out", note="wall-clock limit of 60 s reached"), HISTORY)
    assert causes(timed_out) == {"timed_out": WARNING}
    missed = assess(run(status="missed", pages=0), HISTORY)
    assert causes(missed) == {"missed": WARNING}
    assert assess(run(status="interrupted", pages=2), HISTORY).state == OK  # an operator's stop


def test_facts_from_a_recorded_run() -> None:
    row = CrawlRun(
        id=3,
        site_key="alpha",
        trigger="scheduled",
        started_at=T0,
        status="finished",
        pages_fetched=4,
        no_article=1,
        blocked=2,
        errors_by_kind={"download/TimeoutError": 2, "blocked/412": 2, "http/503": 1},
        stats={
            "downloader/response_count": 7,
            "robotstxt/forbidden": 1,
            "incremental/list_not_modified": 2,
            "incremental/skipped_known": 5,
        },
    )
    facts = facts_from_run(row)
    assert (facts.pages, facts.no_article, facts.responses, facts.robots_forbidden) == (4, 1, 7, 1)
    assert (facts.lists_unchanged, facts.known_skipped) == (2, 5)
    assert facts.download_errors == {"TimeoutError": 2}
    assert facts.blocked_by_status == {"412": 2}
    assert Cause.BLOCKED in {f.cause for f in assess(facts, []).findings}
