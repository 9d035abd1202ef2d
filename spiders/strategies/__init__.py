"""List strategies by name, as site definitions refer to them (`list_strategy`)."""

from __future__ import annotations

from spiders.strategies.base import Listing, ListPage, ListRequest, ListStrategy
from spiders.strategies.cdpf_index import CdpfIndex
from spiders.strategies.feeds import Feed, Sitemap
from spiders.strategies.hanweb_datastore import HanwebDatastore
from spiders.strategies.hanweb_jpaas import HanwebJpaas
from spiders.strategies.html_links import HtmlLinks
from spiders.strategies.iframe_shell import IframeShell
from spiders.strategies.json_api import JsonApi
from spiders.strategies.trs_index import TrsIndex

STRATEGIES: dict[str, ListStrategy] = {
    strategy.name: strategy
    for strategy in (
        HtmlLinks(),
        TrsIndex(),
        CdpfIndex(),
        HanwebDatastore(),
        Sitemap(),
        Feed(),
        HanwebJpaas(),
        JsonApi(),
        IframeShell(),
    )
}

__all__ = ["STRATEGIES", "ListPage", "ListRequest", "ListStrategy", "Listing"]
