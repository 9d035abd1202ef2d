"""Named reasons for an item not becoming an archived article.

Scrapy counts drops per exception class (`item_dropped_reasons_count/<Class>`), so each reason is a class.
They are raised only after the archive pipeline has stored the fetch: a dropped item is never a lost page.
Each carries the log level its case deserves: most pages of a county portal are simply not about
disability work, which is routine, while a challenge page is something an operator must see.
"""

from __future__ import annotations

from scrapy.exceptions import DropItem


class _Drop(DropItem):
    level = "INFO"

    def __init__(self, message: str) -> None:
        super().__init__(message, log_level=self.level)


class NotRelevant(_Drop):
    level = "DEBUG"


class NoMainContent(_Drop):
    level = "INFO"


class ChallengePage(_Drop):
    level = "WARNING"


class ArchiveRefused(_Drop):
    """The archive could not take the page (disk full, read-only ...): the crawl is stopping, and the page
    stays in the frontier for the next crawl. The cause is logged once, at ERROR, by the archive pipeline."""

    level = "DEBUG"
