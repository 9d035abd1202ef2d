"""Sitemaps (urlset and sitemapindex) and RSS 2.0 / Atom feeds."""

from __future__ import annotations

from lxml import etree

from crawler.sites import Site
from spiders.strategies.base import Listing, ListPage, ListRequest, start_requests, unique

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)


def _xml_texts(text: str, local_names: set[str]) -> list[str]:
    try:
        root = etree.fromstring(text.encode("utf-8"), parser=_PARSER)
    except etree.XMLSyntaxError:
        return []
    if root is None:
        return []
    found = []
    for element in root.iter():
        if isinstance(element.tag, str) and etree.QName(element).localname in local_names:
            value = (element.text or element.get("href") or "").strip()
            if value:
                found.append(value)
    return found


class Sitemap:
    name = "sitemap"

    def first_requests(self, site: Site) -> list[ListRequest]:
        return start_requests(site)

    def parse(self, site: Site, page: ListPage) -> Listing:
        locations = _xml_texts(page.text, {"loc"})
        articles = unique(url for url in locations if site.is_article_url(url))
        depth = int(page.state.get("page", 0))
        nested = [url for url in locations if url.endswith(".xml") and not site.is_article_url(url)]
        if depth + 1 >= site.max_list_pages:
            nested = []
        return Listing(articles, tuple(ListRequest(url, state={"page": depth + 1}) for url in nested))


class Feed:
    name = "rss"

    def first_requests(self, site: Site) -> list[ListRequest]:
        return start_requests(site)

    def parse(self, site: Site, page: ListPage) -> Listing:
        return Listing(unique(url for url in _xml_texts(page.text, {"link"}) if site.is_article_url(url)))
