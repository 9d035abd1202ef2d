"""`canlian`: crawl, inspect and query the archive. Exit codes: 0 ok, 1 a crawl or extraction failed,
2 usage or configuration error.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from crawler.cli import commands, crawling
from crawler.cli.parser import parse_args
from crawler.sites import SiteDefinitionError

HANDLERS: dict[str, Callable[..., int]] = {
    "crawl": crawling.crawl,
    "demo": crawling.demo,
    "sites": commands.sites,
    "search": commands.search,
    "extract": commands.extract_pages,
    "runs": commands.runs,
    "db": commands.db,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return HANDLERS[args.command](args)
    except SiteDefinitionError as error:
        print(f"canlian: bad site definition: {error}", file=sys.stderr)
        return 2
    except KeyError as error:
        print(f"canlian: {error.args[0]}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
