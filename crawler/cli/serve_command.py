"""`canlian serve`: the read-only web app over the archive (see docs/web.md). Exit codes: 0 stopped,
2 the archive cannot be served (missing, or at an older schema: the app never migrates it)."""

from __future__ import annotations

import argparse
import sys

from sqlalchemy.engine import make_url

from crawler.sites import extra_files_from_env, load_registry
from storage.engine import database_url_from_env

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve_parser = commands.add_parser("serve", help="browse and search the archive in a web browser")
    serve_parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve_parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve_parser.set_defaults(handler=serve)


def serve(args: argparse.Namespace) -> int:
    import uvicorn  # the web stack is loaded only by this command

    from web import ArchiveNotReady, create_app, open_archive

    url = args.database or database_url_from_env()
    shown = make_url(url).render_as_string(hide_password=True)
    try:
        engine = open_archive(url)
    except (ArchiveNotReady, ValueError) as error:
        print(f"canlian: cannot serve the archive: {error}", file=sys.stderr)
        return 2
    registry = load_registry([*extra_files_from_env(), *args.sites])
    if args.host not in LOOPBACK:
        print(
            f"canlian: warning: listening on {args.host}: other machines can read the archive",
            file=sys.stderr,
        )
    print(f"Serving {shown} read-only at http://{_url_host(args.host)}:{args.port}/ (Ctrl-C stops)")
    try:
        uvicorn.run(create_app(engine, registry), host=args.host, port=args.port, server_header=False)
    finally:
        engine.dispose()
    return 0


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
