"""`python -m bench [NAME...]`: run the named benchmarks (all by default) as `python -m bench.bench_NAME`.

Results are printed as markdown; docs/benchmarks.md records them with the command, the data size and the
machine.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCHMARKS = sorted(p.stem.removeprefix("bench_") for p in Path(__file__).parent.glob("bench_*.py"))


def main(argv: list[str]) -> int:
    names = argv or BENCHMARKS
    unknown = sorted(set(names) - set(BENCHMARKS))
    if unknown:
        print(f"unknown benchmark(s) {unknown}; available: {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    status = 0
    for name in names:
        print(f"\n## {name}\n", flush=True)
        status |= subprocess.run([sys.executable, "-m", f"bench.bench_{name}"], check=False).returncode
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
