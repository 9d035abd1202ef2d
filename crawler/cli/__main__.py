"""`python -m crawler.cli` is `canlian` (for child processes and wherever the script is not on PATH)."""

import sys

from crawler.cli import main

sys.exit(main())
