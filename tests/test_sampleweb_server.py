"""The sample web over real loopback HTTP, its site registry TOML and its CLI."""

from __future__ import annotations

import contextlib
import http.client
import json
import threading
import time
import tomllib
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest

from sampleweb import SampleWeb, site_definitions, start, write_sites_toml
from sampleweb.cli import main, parse_args, serve
from sampleweb.sitedefs import dumps_sites, toml_value

N = 30


@pytest.fixture(scope="module")
def running():
    with start(SampleWeb(2026, N)) as server:
        yield server


def fetch(url: str, data: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(url, data=data, timeout=5) as response:
        return response.status, dict(response.headers), response.read()


def test_servers_bind_loopback_and_serve_the_same_bytes(running):
    web = running.web
    assert set(running.base_urls) == {site.key for site in web.sites}
    assert len({urlsplit(url).port for url in running.base_urls.values()}) == len(web.sites)
    for key, base in running.base_urls.items():
        assert urlsplit(base).hostname == "127.0.0.1"
        record = next(r for r in web.truth() if r.site == key)
        status, headers, body = fetch(base + record.path)
        assert status == 200
        assert body == web.respond(key, "GET", record.path)[2]
        assert headers["Content-Length"] == str(len(body))
    county = running.base_urls["sample-county"]
    assert fetch(county + "/col/col1229410724/index.html")[1]["Content-Type"] == "text/html"


def test_dataproxy_post_and_404_over_http(running):
    base = running.base_urls["sample-county"]
    form = b"col=1&appid=1&webid=3391&path=/&columnid=1229410724&unitid=7650715"
    form += b"&startrecord=16&endrecord=30&perpage=15"
    status, _, body = fetch(base + "/module/web/jpage/dataproxy.jsp", form)
    assert status == 200 and body.count(b"<record>") == 15
    with pytest.raises(urllib.error.HTTPError) as missing:
        fetch(base + "/nothing-here.html")
    assert missing.value.code == 404
    missing.value.close()


def test_counters_count_kinds_and_paths(running):
    counters = running.counters
    counters.reset()
    base = running.base_urls["sample-citynews"]
    article = next(r.path for r in running.web.truth() if r.site == "sample-citynews")
    fetch(base + "/robots.txt")
    fetch(base + "/news/list_1.html")
    fetch(base + article)
    fetch(base + article)
    assert counters.get("sample-citynews", "robots") == 1
    assert counters.get("sample-citynews", "list") == 1
    assert counters.get("sample-citynews", "article") == 2
    assert counters.paths("sample-citynews")[article] == 2
    assert counters.total("private") == 0
    fetch(base + "/private/draft_10.html")
    assert counters.snapshot()["sample-citynews"]["private"] == 1


def test_keep_alive_connection_serves_many_requests(running):
    parts = urlsplit(running.base_urls["sample-portal"])
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        for path in ("/jsyw/index.shtml", "/jsyw/index_1.shtml", "/rss.xml", "/robots.txt"):
            connection.request("GET", path)
            response = connection.getresponse()
            assert response.status == 200 and response.read()
    finally:
        connection.close()


def test_fixed_ports_and_stop_frees_them():
    first = start(SampleWeb(1, 5))
    ports = {key: urlsplit(url).port or 0 for key, url in first.base_urls.items()}
    first.stop()
    with start(SampleWeb(1, 5), ports=ports) as second:
        assert second.base_urls == first.base_urls
        assert fetch(second.base_urls["sample-cdpf"] + "/sitemap.xml")[0] == 200


def test_site_definitions_round_trip_through_tomllib(running, tmp_path):
    definitions = site_definitions(running.base_urls)
    assert [d["key"] for d in definitions] == [site.key for site in running.web.sites]
    path = tmp_path / "sites.toml"
    write_sites_toml(definitions, path)
    loaded = tomllib.loads(path.read_text(encoding="utf-8"))["site"]
    expected = [{k: v for k, v in d.items() if v is not None} for d in definitions]
    assert loaded == expected
    county = loaded[0]
    assert county["list_strategy"] == "hanweb_datastore" and county["federation"] is False
    assert county["start_urls"] == [running.base_urls["sample-county"] + "/col/col1229410724/index.html"]
    assert loaded[2]["federation"] is True and "province" not in loaded[2]


def test_toml_strings_are_escaped():
    tricky = 'quote " back \\ tab \t newline \n bell \x07 中文'
    assert tomllib.loads("v = " + toml_value(tricky))["v"] == tricky
    assert tomllib.loads(dumps_sites([{"key": "x", "flags": [True, False], "n": 3}]))["site"] == [
        {"key": "x", "flags": [True, False], "n": 3}
    ]
    with pytest.raises(TypeError):
        toml_value({"nested": "dict"})


def test_cli_parses_and_writes_truth(tmp_path):
    args = parse_args(["serve", "--seed", "5", "--articles", "100", "--port-base", "18000"])
    assert (args.command, args.seed, args.articles) == ("serve", 5, 100)
    assert (args.port_base, args.host, args.sites_out) == (18000, "127.0.0.1", None)
    out = tmp_path / "truth.jsonl"
    assert main(["truth", "--articles", "8", "--out", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    sites = len(SampleWeb().sites)
    assert len(rows) == 8 * (sites + 1)  # every site, plus a mobile twin per cdpf article
    assert rows[0]["site"] == "sample-county" and isinstance(rows[0]["body"], list)
    assert {"story_id", "republishes", "relevant", "images", "published_at"} <= set(rows[0])


def test_cli_serve_writes_the_registry_and_stops(tmp_path):
    registry = tmp_path / "sites.toml"
    args = parse_args(["serve", "--articles", "5", "--sites-out", str(registry)])
    stop = threading.Event()
    worker = threading.Thread(target=serve, args=(args, stop))
    worker.start()
    try:
        deadline = time.monotonic() + 5
        sites: list[dict] = []
        while len(sites) < 4 and time.monotonic() < deadline:  # the file may be half written
            time.sleep(0.02)
            with contextlib.suppress(OSError, tomllib.TOMLDecodeError):
                sites = tomllib.loads(registry.read_text(encoding="utf-8")).get("site", [])
        assert [s["key"] for s in sites] == [site.key for site in SampleWeb().sites]
        assert fetch(sites[2]["start_urls"][0])[0] == 200
    finally:
        stop.set()
        worker.join(timeout=5)
    assert not worker.is_alive()
