"""What a user would otherwise write in an afternoon, for `bench_crawl` to run beside canlian on the same
pages: a plain Scrapy spider over a list of article URLs that either drops every response (fetch only) or
extracts it with `trafilatura.bare_extraction(with_metadata=True)` and stores it with the SQLAlchemy ORM,
committing every N items.

    python -m bench.crawl_peers --urls FILE --mode fetch|store [--commit-every 100] [--database URL]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import scrapy
import trafilatura
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response
from sqlalchemy import String, Text, create_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

SETTINGS = {
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "DOWNLOAD_DELAY": 0,
    "ROBOTSTXT_OBEY": False,
    "TELNETCONSOLE_ENABLED": False,
    "LOG_LEVEL": "WARNING",
}


class Base(DeclarativeBase):
    pass


class Page(Base):
    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    date: Mapped[str | None] = mapped_column(String(32))
    author: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)


class StorePipeline:
    def __init__(self, database: str, every: int) -> None:
        self.engine = create_engine(database)
        Base.metadata.create_all(self.engine)
        self.session = Session(self.engine)
        self.every, self.pending = every, 0

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        return cls(crawler.settings.get("PEER_DATABASE"), crawler.settings.getint("PEER_COMMIT_EVERY"))

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        self.session.add(Page(**item))
        self.pending += 1
        if self.pending >= self.every:
            self.session.commit()
            self.pending = 0
        return item

    def close_spider(self) -> None:
        self.session.commit()
        self.session.close()
        self.engine.dispose()


class PeerSpider(scrapy.Spider):
    name = "peer"

    def __init__(self, urls: list[str], store: bool, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls, self.store = urls, store

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse)

    def parse(self, response: Response) -> Iterator[dict[str, Any]]:
        if not self.store:
            return
        found: Any = trafilatura.bare_extraction(response.body, url=response.url, with_metadata=True)
        if found is None:
            return
        yield {
            "url": response.url,
            "title": found.title,
            "date": found.date,
            "author": found.author,
            "text": found.text,
        }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--urls", type=Path, required=True)
    parser.add_argument("--mode", choices=["fetch", "store"], required=True)
    parser.add_argument("--commit-every", type=int, default=100)
    parser.add_argument("--database", default="sqlite:///peer.db")
    args = parser.parse_args()
    settings = dict(SETTINGS, PEER_DATABASE=args.database, PEER_COMMIT_EVERY=args.commit_every)
    if args.mode == "store":
        settings["ITEM_PIPELINES"] = {f"{__name__}.StorePipeline": 300}
    process = CrawlerProcess(settings)
    urls = args.urls.read_text().split()
    process.crawl(PeerSpider, urls=urls, store=args.mode == "store")
    process.start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
