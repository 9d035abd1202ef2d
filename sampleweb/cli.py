"""`python -m sampleweb serve | truth`: run the sample web, or dump its ground truth as JSON lines."""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
import threading
from collections.abc import Sequence

from sampleweb.server import site_definitions, start, write_sites_toml
from sampleweb.web import SampleWeb


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Pure: no side effects, so tests can check the parsing alone."""
    parser = argparse.ArgumentParser(prog="python -m sampleweb", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the sample sites until Ctrl-C")
    truth = commands.add_parser("truth", help="write the ground truth as JSON lines")
    for sub in (serve, truth):
        sub.add_argument("--seed", type=int, default=2026)
        sub.add_argument("--articles", type=int, default=30, help="articles per site")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port-base", type=int, default=0, help="0: free ports; else P, P+1, ...")
    serve.add_argument("--sites-out", help="also write the crawler site registry (TOML) here")
    truth.add_argument("--out", required=True, help="JSON-lines file to write")
    return parser.parse_args(argv)


def serve(args: argparse.Namespace, stop: threading.Event | None = None) -> int:
    web = SampleWeb(args.seed, args.articles)
    ports = {site.key: args.port_base + n if args.port_base else 0 for n, site in enumerate(web.sites)}
    with start(web, args.host, ports) as running:
        for key, url in running.base_urls.items():
            print(f"{key}\t{url}", flush=True)
        if args.sites_out:
            write_sites_toml(site_definitions(running.base_urls, args.articles), args.sites_out)
            print(f"site registry written to {args.sites_out}", flush=True)
        stop = stop or threading.Event()
        if threading.current_thread() is threading.main_thread():
            # Supervisors (and `kill`) send SIGTERM; stop as cleanly as on Ctrl-C.
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is the normal way out
            stop.wait()
        print("stopping", file=sys.stderr)
    return 0


def write_truth(args: argparse.Namespace) -> int:
    web = SampleWeb(args.seed, args.articles)
    count = 0
    with open(args.out, "w", encoding="utf-8") as out:
        for record in web.truth():
            out.write(json.dumps(record.to_json(), ensure_ascii=False) + "\n")
            count += 1
    print(f"{count} truth records written to {args.out}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    return serve(args) if args.command == "serve" else write_truth(args)
