"""TRS WCM lists: `index.shtml`, then `index_1.shtml` ... with the page count in `createPageHTML(...)`."""

from __future__ import annotations

import re

from crawler.sites import Site
from spiders.strategies.base import Listing, ListPage, ListRequest, article_links, start_requests

# createPageHTML(<total pages>, <current page>, "index", "shtml")
PAGE_COUNT = re.compile(
    r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"']([\w-]+)[\"']\s*,\s*[\"'](\w+)[\"']"
)


class TrsIndex:
    name = "trs_index"

    def first_requests(self, site: Site) -> list[ListRequest]:
        return start_requests(site)

    def parse(self, site: Site, page: ListPage) -> Listing:
        articles = article_links(site, page.url, page.text)
        if page.state.get("page", 0) != 0:
            return Listing(articles)  # the first page already scheduled every other page
        match = PAGE_COUNT.search(page.text)
        if not match:
            return Listing(articles)
        total, stem, extension = int(match.group(1)), match.group(3), match.group(4)
        directory = page.url.rsplit("/", 1)[0]
        pages = min(total, site.max_list_pages)
        following = tuple(
            ListRequest(f"{directory}/{stem}_{n}.{extension}", state={"page": n}) for n in range(1, pages)
        )
        return Listing(articles, following)
