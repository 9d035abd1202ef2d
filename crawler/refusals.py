"""Requests that failed on purpose, told apart from errors: each refusal class has its own stats key
(`refused/<kind>`), its own line in the crawl summary and in the run record, and is never logged or counted
as an error.
"""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest, NotSupported

from crawler.middlewares.challenges import ChallengeBlocked
from crawler.middlewares.dry_run import WouldFetch
from crawler.middlewares.incremental import ListNotModified
from crawler.middlewares.private_guard import PrivateAddressBlocked
from crawler.middlewares.soft_not_found import SoftNotFound

# kind -> what the summary says about it
REFUSAL_KINDS = {
    "private_address": "to a private or loopback address (the private-address guard)",
    "robots": "forbidden by robots.txt",
    "soft_404": "a 'page not found' page served with HTTP 200",
    "too_large": "larger than DOWNLOAD_MAXSIZE (or a compression bomb)",
    "redirect_loop": "too many redirects",
    "unsupported_scheme": "not a web address (file:, data:, ftp: ...)",
    "ignored": "ignored by a downloader middleware",
}
_SIZE_MARKERS = ("larger than download max size", "exceeded DOWNLOAD_MAXSIZE")


def refusal_kind(error: BaseException | None) -> str | None:
    """The `refused/<kind>` of a failure that was a deliberate refusal, or None: a real error, or a failure
    that is no refusal at all (a 304 that ends a list, a dry run, an anti-bot challenge, counted as
    `blocked/*`)."""
    if error is None or isinstance(error, ListNotModified | WouldFetch | ChallengeBlocked):
        return None
    if any(marker in str(error) for marker in _SIZE_MARKERS):
        return "too_large"
    if isinstance(error, PrivateAddressBlocked):
        return "private_address"
    if isinstance(error, SoftNotFound):
        return "soft_404"
    if isinstance(error, NotSupported):
        return "unsupported_scheme"
    if isinstance(error, IgnoreRequest):
        return _ignored_kind(str(error))
    return None


def _ignored_kind(message: str) -> str:
    if "robots.txt" in message:
        return "robots"
    if "redirections" in message:
        return "redirect_loop"
    return "ignored"


def describe(error: BaseException | None) -> str:
    """One line on why a request failed: the refusal, the HTTP status, or the exception."""
    if error is None:
        return "failed"
    kind = refusal_kind(error)
    if kind is not None:
        return REFUSAL_KINDS[kind]
    response = getattr(error, "response", None)
    if response is not None:
        return f"HTTP {response.status}"
    return f"{type(error).__name__}: {error}"[:300]
