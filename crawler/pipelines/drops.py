"""Named reasons for an item not becoming an archived article.

Scrapy counts drops per exception class (`item_dropped_reasons_count/<Class>`), so each reason is a class.
They are raised only after the archive pipeline has stored the fetch: a dropped item is never a lost page.
"""

from __future__ import annotations

from scrapy.exceptions import DropItem


class NotRelevant(DropItem):
    pass


class NoMainContent(DropItem):
    pass


class ChallengePage(DropItem):
    pass
