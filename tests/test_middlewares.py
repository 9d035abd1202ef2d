"""Safety middlewares through Scrapy's own test helpers. The guard tests fake the resolver and never
download: a broken guard fails the assertion instead of sending a packet anywhere.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import scrapy
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from crawler.middlewares.challenges import ChallengeBlocked, ChallengeDetector, is_challenge
from crawler.middlewares.private_guard import PrivateAddressBlocked, PrivateAddressGuard, is_public
from crawler.middlewares.robots import DISALLOW_ALL, robots_policy
from crawler.request_kinds import ATTACHMENT, KIND
from crawler.sites import parse_site
from crawler.spiderloader import spider_class_for


def crawler_for(allow_private: bool = False, start: str = "http://127.0.0.1:8701/col/index.html") -> Any:
    site = parse_site(
        {
            "key": "guarded",
            "name": "g",
            "level": "news",
            "start_urls": [start],
            "article_patterns": ["x"],
            "list_strategy": "html_links",
            "allow_private_network": allow_private,
        },
        "test",
    )
    cls = spider_class_for(site)
    crawler = get_crawler(cls)
    crawler.spider = cls.from_crawler(crawler)
    return crawler


def fake_resolver(table: dict[str, str]):
    asked: list[str] = []

    async def resolve(host: str) -> list[str]:
        asked.append(host)
        return [table[host]]

    return resolve, asked


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.1.2.3/",
        "http://192.168.0.1:8080/admin",
        "http://127.0.0.1:8702/other-port",  # loopback, but not the site's declared host:port
        "http://[::1]/",
        "http://[::ffff:10.0.0.1]/",
        "http://0.0.0.0/",
    ],
)
def test_literal_private_addresses_are_blocked_without_resolving(url: str) -> None:
    resolve, asked = fake_resolver({})
    guard = PrivateAddressGuard(crawler_for(allow_private=True), resolve)
    with pytest.raises(PrivateAddressBlocked):
        run(guard.process_request(scrapy.Request(url)))
    assert asked == []


def test_names_resolving_to_private_addresses_are_blocked() -> None:
    resolve, asked = fake_resolver({"intranet.example.cn": "10.9.8.7", "www.cdpf.org.cn": "203.0.113.5"})
    crawler = crawler_for(start="https://www.cdpf.org.cn/")
    guard = PrivateAddressGuard(crawler, resolve)
    with pytest.raises(PrivateAddressBlocked, match=r"10\.9\.8\.7"):
        run(guard.process_request(scrapy.Request("http://intranet.example.cn/secret")))
    assert crawler.stats.get_value("guard/blocked_private_address") == 1
    # 203.0.113.0/24 is documentation space, not global: a real public address passes
    resolve_public, _ = fake_resolver({"www.cdpf.org.cn": "120.52.51.100"})
    assert (
        run(
            PrivateAddressGuard(crawler, resolve_public).process_request(
                scrapy.Request("https://www.cdpf.org.cn/a")
            )
        )
        is None
    )
    assert asked == ["intranet.example.cn"]


def test_declared_loopback_site_may_use_its_own_host_only() -> None:
    resolve, _ = fake_resolver({})
    guard = PrivateAddressGuard(crawler_for(allow_private=True), resolve)
    assert run(guard.process_request(scrapy.Request("http://127.0.0.1:8701/art/1.html"))) is None
    undeclared = PrivateAddressGuard(crawler_for(allow_private=False), resolve)
    with pytest.raises(PrivateAddressBlocked):
        run(undeclared.process_request(scrapy.Request("http://127.0.0.1:8701/art/1.html")))


def test_is_public() -> None:
    assert is_public("120.52.51.100")
    assert not any(
        is_public(a)
        for a in ("127.0.0.1", "10.0.0.1", "172.16.5.4", "169.254.169.254", "::1", "fc00::1", "224.0.0.1")
    )


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (412, b"<html><script>$_ts=window['$_ts'];</script></html>", True),
        (521, b"<script>document.cookie='__jsl_clearance=1'</script>", True),
        (200, b"<html><script>var EO_Bot_Ssid=1;</script></html>", True),
        (200, b"<html><body>" + "残联".encode() * 20000 + b"$_ts</body></html>", False),  # a big real page
        (200, "<html><body>正常文章</body></html>".encode(), False),
        (404, b"not found", False),
    ],
)
def test_is_challenge(status: int, body: bytes, expected: bool) -> None:
    assert is_challenge(status, body) is expected


def test_challenges_are_counted_never_passed_on_and_close_the_crawl_at_the_limit() -> None:
    crawler = crawler_for(start="https://www.example.gov.cn/")
    closed: list[str] = []

    class Engine:
        def close_spider(self, spider: Any, reason: str) -> None:
            closed.append(reason)

    crawler.engine = Engine()
    detector = ChallengeDetector(crawler, limit=2)
    for n in range(3):
        request = scrapy.Request(f"https://www.example.gov.cn/art/{n}.html")
        response = HtmlResponse(request.url, status=412, body=b"<script>$_ts</script>", request=request)
        with pytest.raises(ChallengeBlocked):
            detector.process_response(request, response)
    assert crawler.stats.get_value("blocked/412") == 3
    assert closed == ["blocked"], "closed once, at the limit"
    ok_request = scrapy.Request("https://www.example.gov.cn/ok.html")
    ok = HtmlResponse(ok_request.url, body="<p>文章</p>".encode(), request=ok_request, encoding="utf-8")
    assert detector.process_response(ok_request, ok) is ok


def test_a_refused_attachment_head_is_not_a_challenge() -> None:
    crawler = crawler_for(start="https://www.example.gov.cn/")
    detector = ChallengeDetector(crawler, limit=1)
    request = scrapy.Request("https://www.example.gov.cn/files/a.pdf", method="HEAD", meta={KIND: ATTACHMENT})
    response = Response(request.url, status=403, request=request)
    assert detector.process_response(request, response) is response, "left to the attachment pipeline"
    assert crawler.stats.get_value("blocked/total") is None


@pytest.mark.parametrize(
    ("status", "content_type", "body", "case"),
    [
        (200, "text/plain", b"User-agent: *\nDisallow: /private/\n", "obeyed"),
        (404, "text/html", b"<html>404</html>", "missing_allow_all"),
        (200, "text/html", b"<!DOCTYPE html><html><body>home</body></html>", "html_allow_all"),
        (412, "text/html", b"<script>$_ts</script>", "unavailable_disallow_all"),
        (403, "text/html", b"forbidden", "unavailable_disallow_all"),
        (503, "text/html", b"busy", "unavailable_disallow_all"),
    ],
)
def test_robots_policy(status: int, content_type: str, body: bytes, case: str) -> None:
    decided, text = robots_policy(status, content_type, body)
    assert decided == case
    if case == "obeyed":
        assert text == body
    elif case == "unavailable_disallow_all":
        assert text == DISALLOW_ALL
    else:
        assert text == b""
