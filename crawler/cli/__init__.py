"""`canlian`: crawl, inspect and query the archive. Exit codes: 0 ok, 1 a crawl or extraction failed,
2 usage or configuration error.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from crawler.cli.parser import parse_args
from crawler.sites import SiteDefinitionError
from storage.errors import ArchiveUnavailable


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return int(args.handler(args))
    except SiteDefinitionError as error:
        print(f"canlian: bad site definition: {error}", file=sys.stderr)
        return 2
    except ArchiveUnavailable as error:
        print(f"canlian: {error}", file=sys.stderr)
        return 2
    except (KeyError, ValueError) as error:
        print(f"canlian: {error.args[0] if error.args else error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
