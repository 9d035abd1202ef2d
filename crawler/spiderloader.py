"""Scrapy spider loader over the site registry: `scrapy list` shows every registry key and
`scrapy crawl KEY` runs the generic `SiteSpider` bound to that site. A spider class in `SPIDER_MODULES`
whose `name` is a site key replaces the generic one for that site (the rare site that needs code).
"""

from __future__ import annotations

import builtins
from typing import Any, Self

from scrapy.http import Request
from scrapy.settings import BaseSettings
from scrapy.spiderloader import SpiderLoader

from crawler.sites import Registry, Site, extra_files_from_env, load_registry
from spiders.site import SiteSpider


def registry_from_settings(settings: BaseSettings) -> Registry:
    extra = settings.getlist("CANLIAN_SITES_FILES") or extra_files_from_env()
    return load_registry(extra)


def spider_class_for(site: Site, base: type[SiteSpider] = SiteSpider) -> type[SiteSpider]:
    attributes: dict[str, Any] = {
        "name": site.key,
        "site": site,
        "custom_settings": {**(base.custom_settings or {}), **politeness_settings(site)},
        "__module__": base.__module__,
    }
    return type(f"SiteSpider_{site.key.replace('-', '_')}", (base,), attributes)


def politeness_settings(site: Site) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    if site.politeness.download_delay is not None:
        settings["DOWNLOAD_DELAY"] = site.politeness.download_delay
    if site.politeness.concurrent_requests_per_domain is not None:
        settings["CONCURRENT_REQUESTS_PER_DOMAIN"] = site.politeness.concurrent_requests_per_domain
    return settings


class SiteSpiderLoader:
    def __init__(self, settings: BaseSettings) -> None:
        self.registry = registry_from_settings(settings)
        self.custom = SpiderLoader(settings)

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Self:
        return cls(settings)

    def load(self, spider_name: str) -> type[SiteSpider]:
        site = self.registry.get(spider_name)
        if spider_name in self.custom.list():
            custom = self.custom.load(spider_name)
            if not issubclass(custom, SiteSpider):
                raise TypeError(f"{custom.__name__} must subclass spiders.site.SiteSpider")
            return spider_class_for(site, custom)
        return spider_class_for(site)

    def list(self) -> list[str]:
        return sorted(self.registry.sites)

    def find_by_request(self, request: Request) -> builtins.list[str]:
        return [site.key for site in self.registry if site.is_article_url(request.url)]
