"""`python -m crawler.cli` is `canlian` (used where the console script is not on PATH, e.g. child processes)."""

import sys

from crawler.cli import main

sys.exit(main())
