"""robots.txt, decided deliberately for the answers Scrapy would read as "allow everything".

- 2xx plain text: obeyed as written.
- 404 / 410 or another plain 4xx: no robots.txt, everything allowed (RFC 9309).
- An anti-bot challenge (412, 521 ...), 401/403 or 5xx: the site cannot tell us its rules, so we assume the
  most restrictive ones (disallow all) and report it, rather than crawl a site that may be refusing us.
- An HTML page served as robots.txt (a soft 404): no rules, everything allowed, reported.
Each case is counted under `robotstxt/policy/<case>`.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Response

from crawler.middlewares.challenges import is_challenge

DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


def robots_policy(status: int, content_type: str, body: bytes) -> tuple[str, bytes]:
    """(case, the robots.txt text to obey) for one robots.txt response."""
    if is_challenge(status, body) or status in (401, 403) or status >= 500:
        return "unavailable_disallow_all", DISALLOW_ALL
    if status >= 400:
        return "missing_allow_all", b""
    if "html" in content_type.lower() or body.lstrip()[:15].lower().startswith((b"<!doctype", b"<html")):
        return "html_allow_all", b""
    return "obeyed", body


class RobotsPolicyMiddleware(RobotsTxtMiddleware):
    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
        case, text = robots_policy(response.status, content_type, response.body)
        self._stats.inc_value(f"robotstxt/policy/{case}")
        if case != "obeyed" and self.crawler.spider is not None:
            self.crawler.spider.logger.warning(
                "robots.txt of %s: %s (HTTP %d)", netloc, case, response.status
            )
        await super()._parse_robots(response.replace(body=text), netloc, request)
