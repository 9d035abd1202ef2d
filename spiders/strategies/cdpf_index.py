"""cdpf-style lists: `index.htm`, `index1.htm`, `index2.htm` ... (no underscore), with no page count:
go on while a page holds articles; a 404 or an empty page ends the list.
"""

from __future__ import annotations

import re

from crawler.sites import Site
from spiders.strategies.base import Listing, ListPage, ListRequest, article_links, start_requests

INDEX_FILE = re.compile(r"/index(\d*)\.htm$")


class CdpfIndex:
    name = "cdpf_index"

    def first_requests(self, site: Site) -> list[ListRequest]:
        return start_requests(site)

    def parse(self, site: Site, page: ListPage) -> Listing:
        articles = article_links(site, page.url, page.text)
        number = int(page.state.get("page", 0))
        if not articles or number + 1 >= site.max_list_pages:
            return Listing(articles)
        base = page.url if INDEX_FILE.search(page.url) else page.url.rstrip("/") + "/index.htm"
        next_url = INDEX_FILE.sub(f"/index{number + 1}.htm", base, count=1)
        return Listing(articles, (ListRequest(next_url, state={"page": number + 1}, guessed=True),))
