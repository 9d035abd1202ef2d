"""TRS WCM lists: `index.shtml`, then `index_1.shtml` ... with the page count in `createPageHTML(...)`.

Pages are requested one after another (each page names the next) rather than all at once, so that an
incremental crawl can stop at the first page holding only known articles.
"""

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
        match = PAGE_COUNT.search(page.text)
        number = int(page.state.get("page", 0))
        if not match:
            return Listing(articles)
        total, stem, extension = int(match.group(1)), match.group(3), match.group(4)
        following = number + 1
        if following >= min(total, site.max_list_pages):
            return Listing(articles)
        directory = page.url.rsplit("/", 1)[0]
        next_page = ListRequest(f"{directory}/{stem}_{following}.{extension}", state={"page": following})
        return Listing(articles, (next_page,))
