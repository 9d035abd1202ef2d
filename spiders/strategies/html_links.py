"""Plain HTML lists: article links by pattern, further list pages by `list_patterns` or a 下一页 link."""

from __future__ import annotations

from crawler.sites import Site
from spiders.strategies.base import Listing, ListPage, ListRequest, links, start_requests, unique

NEXT_LINK_TEXTS = ("下一页", "下页", "后一页", "next")


class HtmlLinks:
    name = "html_links"

    def first_requests(self, site: Site) -> list[ListRequest]:
        return start_requests(site)

    def parse(self, site: Site, page: ListPage) -> Listing:
        found = links(page.url, page.text)
        articles = unique(url for url, _ in found if site.is_article_url(url))
        depth = int(page.state.get("page", 0))
        if depth + 1 >= site.max_list_pages:
            return Listing(articles)
        following = unique(
            url
            for url, text in found
            if url != page.url
            and not site.is_article_url(url)
            and (site.is_list_url(url) or text.lower() in NEXT_LINK_TEXTS)
        )
        return Listing(articles, tuple(ListRequest(url, state={"page": depth + 1}) for url in following))
