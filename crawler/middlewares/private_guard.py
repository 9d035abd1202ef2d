"""No request or redirect hop to a private, loopback, link-local or otherwise non-public address, unless the
site itself is declared on one (the bundled sample web on 127.0.0.1).

Every request passes here, redirects included (Scrapy re-schedules a redirect as a new request), so a page
that links or redirects to 169.254.169.254 or 10.x is dropped before any connection is made. Host names are
resolved through the reactor's caching resolver, the same one the download then uses.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable
from typing import Any, Self, cast
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future

Resolver = Callable[[str], Awaitable[list[str]]]


class PrivateAddressBlocked(IgnoreRequest):
    pass


async def reactor_resolve(host: str) -> list[str]:
    from twisted.internet import reactor

    address = await maybe_deferred_to_future(cast(Any, reactor).resolve(host))
    return [str(address)]


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class PrivateAddressGuard:
    def __init__(self, crawler: Crawler, resolve: Resolver = reactor_resolve) -> None:
        self.crawler = crawler
        self.resolve = resolve

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("CANLIAN_PRIVATE_ADDRESS_GUARD", True):
            raise NotConfigured("CANLIAN_PRIVATE_ADDRESS_GUARD is off")
        return cls(crawler)

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        parts = urlsplit(request.url)
        host = parts.hostname or ""
        if not host or self._declared_private(parts.netloc.lower()):
            return
        addresses = [host] if _is_ip_literal(host) else await self._addresses(host, request)
        for address in addresses:
            if not is_public(address):
                self._count("guard/blocked_private_address")
                raise PrivateAddressBlocked(f"{request.url}: {host} is a non-public address ({address})")

    async def _addresses(self, host: str, request: Request) -> list[str]:
        try:
            return await self.resolve(host)
        except Exception as error:  # DNS failure: let the download fail and be counted as unreachable
            self._count("guard/resolve_failed")
            if self.crawler.spider is not None:
                self.crawler.spider.logger.debug("resolve %s failed: %s", host, error)
            return []

    def _declared_private(self, netloc: str) -> bool:
        site = getattr(self.crawler.spider, "site", None)
        return bool(site and site.allow_private_network and netloc in site.hosts)

    def _count(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
