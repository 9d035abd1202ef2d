"""Bad input: decoding and extracting random bytes, time per MB (issue 15: it was quadratic).

`python -m bench.bench_decode [--sizes 2,50] [--seed S]`

Random bytes are the worst case for the lenient decoder (a bad byte every ten or so); the old decoder
re-decoded the rest of the page after each one (2 MB: 83 s). Prints CPU seconds for `decode_html` and
for the whole `extract` (which refuses the page as undecodable) per size, and seconds per MB.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from functools import partial

from crawler.extraction import decode_html, extract


def _cpu_seconds(function: Callable[[], object]) -> tuple[float, object]:
    start = time.process_time()
    result = function()
    return time.process_time() - start, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="2,50", help="megabytes, comma-separated")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    print("| MB | bad bytes | decode_html CPU-s | s/MB | extract CPU-s | s/MB | extract result |")
    print("|---|---|---|---|---|---|---|")
    for megabytes in (int(size) for size in args.sizes.split(",")):
        raw = rng.randbytes(megabytes * 1024 * 1024)
        decode_seconds, page = _cpu_seconds(partial(decode_html, raw))
        extract_seconds, result = _cpu_seconds(partial(extract, raw, "http://bench.invalid/random.html"))
        errors, reason = getattr(page, "errors", 0), getattr(result, "reason", "article")
        print(
            f"| {megabytes} | {errors} | {decode_seconds:.2f} | {decode_seconds / megabytes:.3f} "
            f"| {extract_seconds:.2f} | {extract_seconds / megabytes:.3f} | {reason} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
