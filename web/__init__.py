"""`canlian serve`: a read-only web app over the archive (pages for people, a JSON API for machines).

It reads through the same `storage/` queries as the CLI; it never writes, and cannot: see `web.archive`.
"""

from web.app import create_app
from web.archive import ArchiveNotReady, open_archive

__all__ = ["ArchiveNotReady", "create_app", "open_archive"]
