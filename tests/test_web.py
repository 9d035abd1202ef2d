"""The web app's routes through its test client, on an archive crawled from the sample web (SQLite and
PostgreSQL): the pages and the API show what the CLI's storage queries return, archived text is always
escaped, raw pages are sandboxed, bad parameters are clear 400s, and nothing can write the archive."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterator

import pytest
from conftest import BACKENDS
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from web_support import (
    EDIT,
    EXTRA_RUNS,
    HOSTILE_RAW,
    HOSTILE_TITLE,
    SampleArchive,
    app_for,
    postgres_archive,
    sqlite_archive,
)

from crawler.cli import main
from storage.archive import archived_response
from storage.queries import Filters, archive_totals, search
from web import schemas

PAGES = ["/", "/?q=残联", "/sites", "/runs", "/stats", "/stories/1"]
HOSTILE_MARKUP = ["<script>alert", "<img src=x", "<svg onload", 'href="javascript:', "onerror=alert(1)>"]


@pytest.fixture(scope="module", params=BACKENDS)
def archive(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> SampleArchive:
    if request.param == "sqlite":
        return sqlite_archive(tmp_path_factory)
    return postgres_archive(request, tmp_path_factory)


@pytest.fixture(scope="module")
def client(archive: SampleArchive) -> Iterator[TestClient]:
    app = app_for(archive)
    with TestClient(app) as test_client:
        yield test_client
    app.state.engine.dispose()


@pytest.fixture
def session(client: TestClient) -> Iterator[Session]:
    with Session(client.app.state.engine) as reading:  # type: ignore[attr-defined]
        yield reading


def hit_titles(page: str) -> list[str]:
    return [
        html.unescape(t)
        for t in re.findall(r'<li class="hit">\s*<h3>(?:<a [^>]*>)?(.*?)(?:</a>)?</h3>', page)
    ]


def test_search_page_lists_what_storage_search_finds(client: TestClient, session: Session) -> None:
    response = client.get("/", params={"q": "残联", "region": "江苏"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    expected = search(session, "残联", Filters(region="江苏"), limit=20)
    assert expected, "the sample web has Jiangsu reports"
    assert hit_titles(response.text) == [hit.title for hit in expected]
    assert "<mark>残联</mark>" in response.text, "the term is highlighted in the snippets"
    assert 'value="江苏"' in response.text, "the form shows the query it answered"


def test_search_pages_keep_the_whole_query_in_their_links(client: TestClient, session: Session) -> None:
    first = client.get("/", params={"q": "残疾人", "copies": "1", "sort": "best", "per_page": "5"})
    link = re.search(r'<a href="([^"]+)" rel="next">', first.text)
    assert link is not None, "more than five copies mention 残疾人"
    following = html.unescape(link.group(1))
    assert all(part in following for part in ("q=", "copies=1", "sort=best", "per_page=5", "page=2"))
    second = client.get(following)
    expected = search(session, "残疾人", copies=True, sort="best", limit=10)[5:10]
    assert hit_titles(second.text) == [hit.title for hit in expected]
    assert 'rel="prev"' in second.text


def test_api_search_has_the_fields_of_canlian_search(
    client: TestClient, archive: SampleArchive, capsys: pytest.CaptureFixture[str]
) -> None:
    answer = client.get("/api/search", params={"q": "两项补贴", "copies": "1"}).json()
    schemas.SearchOut.model_validate(answer)
    assert main(["--database", archive.url, "search", "两项补贴", "--copies", "--format", "json"]) == 0
    assert answer["results"] == json.loads(capsys.readouterr().out)
    assert answer["results"], "the sample web reports on 两项补贴"


def test_api_export_streams_what_canlian_export_writes(
    client: TestClient, archive: SampleArchive, capsys: pytest.CaptureFixture[str]
) -> None:
    for fmt in ("jsonl", "csv"):
        with client.stream("GET", "/api/export", params={"q": "残联", "format": fmt}) as response:
            assert response.status_code == 200
            streamed = "".join(response.iter_text())
        assert main(["--database", archive.url, "export", "残联", "--format", fmt, "--out", "-"]) == 0
        assert streamed == capsys.readouterr().out
    rows = list(csv.DictReader(io.StringIO(streamed)))
    assert rows and set(rows[0]) == set(schemas.RecordOut.model_fields)
    everything = client.get("/api/export", params={"copies": "1"}).text.splitlines()
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        assert len(everything) == sum(t.articles for t in archive_totals(session)), "no query: every copy"


def test_story_page_shows_every_copy_fields_versions_and_a_side_by_side_diff(
    client: TestClient, archive: SampleArchive
) -> None:
    page = client.get(f"/stories/{archive.edited_story}")
    assert page.status_code == 200
    story = client.get(f"/api/stories/{archive.edited_story}").json()
    schemas.StoryOut.model_validate(story)
    for copy in story["copies"]:
        assert html.escape(copy["url"]) in page.text and html.escape(copy["site_name"]) in page.text
        assert f'href="/raw/{copy["fetch_id"]}"' in page.text
    assert page.text.count("<strong>是</strong>") == 1, "one canonical copy, marked"
    edited = next(c for c in story["copies"] if c["article_id"] == archive.edited_article)
    assert [v["number"] for v in edited["versions"]] == [1, 2]
    assert edited["diffs"][0].startswith("---") and EDIT in edited["diffs"][0]
    diff = page.text[page.text.index('<table class="diff">') :]
    assert f'<ins><span class="visually-hidden">[新增]</span>{EDIT}</ins>' in diff
    assert "<del>" in diff, "the corrected figure is marked in the older sentence"
    assert not re.search(r'href="https?://', page.text), "no link to the live site"


def test_raw_page_is_the_archived_bytes_sandboxed_in_their_own_charset(
    client: TestClient, archive: SampleArchive, session: Session
) -> None:
    hostile = client.get(f"/raw/{archive.hostile_fetch}")
    assert hostile.content == HOSTILE_RAW
    assert hostile.headers["content-type"] == "text/html; charset=utf-8"
    policy = hostile.headers["content-security-policy"]
    assert policy.startswith("sandbox;") and "allow-scripts" not in policy and "default-src 'none'" in policy
    gbk = client.get(f"/raw/{archive.gbk_fetch}")
    stored = archived_response(session, archive.gbk_fetch)
    assert stored is not None and gbk.content == stored.body
    assert gbk.headers["content-type"] == "text/html", "no charset added: the page declares GBK itself"
    assert b"charset=gb2312" in gbk.content[:2000] and "秀洲" in gbk.content.decode("gb18030")
    assert client.get("/raw/999999").status_code == 404


def test_hostile_archived_text_is_escaped_everywhere(client: TestClient, archive: SampleArchive) -> None:
    pages = [
        client.get(f"/stories/{archive.hostile_story}"),
        client.get("/", params={"q": "残联发布"}),
        client.get("/", params={"q": "残联发布", "copies": "1"}),
        client.get("/sites"),
        client.get("/stats", params={"site": "hostile-site"}),
    ]
    for page in pages:
        assert page.status_code == 200
        found = [marker for marker in HOSTILE_MARKUP if marker in page.text]
        assert not found, f"{page.url}: {found}"
    story = pages[0].text
    assert str(escape(HOSTILE_TITLE)) in story
    assert "javascript:alert(4)" in story, "the attachment URL is shown as text, not as a link"
    assert str(escape(HOSTILE_TITLE)) in pages[1].text
    api = client.get(f"/api/stories/{archive.hostile_story}").json()
    assert api["copies"][0]["title"] == HOSTILE_TITLE, "the API returns the text as archived (JSON-escaped)"


def test_sites_page_and_api_join_registry_runs_health_and_months(
    client: TestClient, session: Session
) -> None:
    rows = client.get("/api/sites").json()
    for row in rows:
        schemas.SiteOut.model_validate(row)
    by_key = {row["key"]: row for row in rows}
    totals = {t.site: t.articles for t in archive_totals(session)}
    sample = [key for key in by_key if key.startswith("sample-")]
    assert len(sample) == 7
    for key in sample:
        row = by_key[key]
        assert row["articles"] == totals[key] == sum(row["articles_per_month"].values())
        assert row["in_registry"] and row["verified"] is True and row["last_run_status"] is not None
        assert row["health"] in ("ok", "warning", "failing")
    assert by_key["hostile-site"]["in_registry"] is False and by_key["hostile-site"]["verified"] is None
    assert "cdpf-clyw" in by_key, "the built-in registry's sites are listed too"
    page = client.get("/sites").text
    assert page.count('role="img"') == sum(1 for row in rows if row["articles_per_month"])
    assert "每月文章数柱状图" in page, "every chart has a text alternative"


def test_runs_are_filtered_by_site_and_status_and_paged(client: TestClient) -> None:
    first = client.get("/api/runs", params={"site": "sample-portal"}).json()
    schemas.RunsOut.model_validate(first)
    assert len(first["runs"]) == 50 and first["next"]
    second = client.get(first["next"]).json()
    assert len(first["runs"]) + len(second["runs"]) == EXTRA_RUNS + 1 and second["next"] is None
    assert {run["site"] for run in first["runs"] + second["runs"]} == {"sample-portal"}
    failed = client.get("/api/runs", params={"status": "failed"}).json()["runs"]
    assert failed and {run["status"] for run in failed} == {"failed"}
    crawled = client.get("/api/runs", params={"site": "sample-cdpf"}).json()["runs"][0]
    assert crawled["status"] == "finished" and crawled["responses"] > crawled["pages"] > 0
    page = client.get("/runs", params={"site": "sample-portal", "status": "timed_out"})
    assert page.status_code == 200 and page.text.count('<td class="nowrap">超时</td>') == EXTRA_RUNS // 4
    assert '<th scope="col">已知跳过</th>' in page.text, "every count of the crawl summary"
    assert 'rel="next"' in client.get("/runs").text


def test_stats_are_what_canlian_stats_prints(
    client: TestClient, archive: SampleArchive, capsys: pytest.CaptureFixture[str]
) -> None:
    answer = client.get("/api/stats").json()
    schemas.StatsOut.model_validate(answer)
    assert main(["--database", archive.url, "stats", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert answer["articles_per_month"] == printed["articles_per_month"]
    assert answer["size"]["articles"] == printed["size"]["articles"]
    assert [r["runs"] for r in answer["runs"]] == [r["runs"] for r in printed["runs"]]
    page = client.get("/stats", params={"region": "江苏"}).text
    assert 'role="img" aria-labelledby="months-summary"' in page and 'id="months-summary"' in page
    detail = page[page.index('id="detail-heading"') :]
    assert "<td>sample-portal</td>" in detail and "<td>sample-cdpf</td>" not in detail


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/?q=a&since=2024-13-01", "since"),
        ("/?q=a&since=2024-02-01&until=2024-01-01", "until"),
        ("/?q=a&level=village", "level"),
        ("/?q=a&sort=random", "sort"),
        ("/?q=a&page=0", "page"),
        ("/?q=a&page=51", "page"),
        ("/?q=a&page=two", "page"),
        ("/?q=a&copies=maybe", "copies"),
        ("/?q=" + "残" * 201, "q"),
        ("/api/search?q=a&per_page=1000", "per_page"),
        ("/api/export?format=xml", "format"),
        ("/runs?status=done", "status"),
        ("/api/runs?page=-1", "page"),
        ("/stories/abc", "story_id"),
    ],
)
def test_bad_parameters_get_a_clear_400(client: TestClient, path: str, parameter: str) -> None:
    response = client.get(path)
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert parameter in response.json()["message"]
    else:
        assert response.headers["content-type"].startswith("text/html") and parameter in response.text
        assert "Traceback" not in response.text


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    for path in [*PAGES, "/api/search?q=残联", "/api/openapi.json", "/nowhere", "/static/style.css"]:
        response = client.get(path)
        assert "default-src 'none'" in response.headers["content-security-policy"], path
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
    assert "script-src" not in client.get("/").headers["content-security-policy"], "no script may run"


def test_pages_are_zh_cn_and_unknown_things_are_404(client: TestClient) -> None:
    for path in PAGES:
        assert '<html lang="zh-CN">' in client.get(path).text
    assert client.get("/stories/999999").status_code == 404
    missing = client.get("/api/stories/999999")
    assert missing.status_code == 404 and missing.json()["message"] == "no story 999999"


def test_the_app_cannot_write_the_archive(client: TestClient) -> None:
    assert client.post("/", data={"q": "x"}).status_code == 405
    assert client.delete("/stories/1").status_code == 405
    with Session(client.app.state.engine) as session, pytest.raises(DBAPIError):  # type: ignore[attr-defined]
        session.execute(text("UPDATE articles SET title = 'changed'"))


def test_openapi_schema_describes_the_api_only(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    assert set(schema["paths"]) == {
        "/api/search",
        "/api/export",
        "/api/stories/{story_id}",
        "/api/sites",
        "/api/runs",
        "/api/stats",
    }
    names = {p["name"] for p in schema["paths"]["/api/search"]["get"]["parameters"]}
    assert {"q", "since", "until", "site", "region", "level", "source", "copies", "sort", "page"} <= names
