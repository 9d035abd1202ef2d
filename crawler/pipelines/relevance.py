"""Relevance on the extracted title and body only (never the page chrome), plus region tags."""

from __future__ import annotations

from dataclasses import asdict
from typing import Self

from scrapy.crawler import Crawler

from crawler.extraction.model import Article
from crawler.gazetteer import find_regions
from crawler.items import PageItem
from crawler.relevance import assess


class RelevancePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: PageItem) -> PageItem:
        article = item.extraction
        if not isinstance(article, Article):
            return item
        federation = bool(getattr(getattr(self.crawler.spider, "site", None), "federation", False))
        item.relevance = assess(article.title, article.body, federation_site=federation)
        item.regions = tuple(asdict(region) for region in find_regions(f"{article.title}\n{article.body}"))
        return item
