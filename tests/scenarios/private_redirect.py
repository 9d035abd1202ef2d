"""Run inside a loopback-only network namespace (see test_guard_netns.py): a site on 127.0.0.1 whose list
links to an article that redirects to the cloud metadata address and to a 10.x page. Only the guard stands
between the crawler and those addresses; the namespace makes sure a broken guard cannot send anything
anywhere (the connection fails with "network unreachable" instead, and the test sees the exception).
"""

from __future__ import annotations

import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PAGES = {
    "/robots.txt": (200, "text/plain", "User-agent: *\nAllow: /\n"),
    "/list.html": (
        200,
        "text/html; charset=utf-8",
        '<a href="/art/1.html">一</a> <a href="http://10.20.30.40/art/2.html">二</a>',
    ),
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/art/1.html":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/art/latest.html")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status, content_type, text = PAGES.get(self.path, (404, "text/plain", "no"))
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def main(database_url: str, workdir: Path) -> int:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    sites = workdir / "sites.toml"
    sites.write_text(
        f"""[[site]]
key = "netns-site"
name = "guard test"
level = "news"
start_urls = ["{base}/list.html"]
article_patterns = ['/art/[^/]+\\.html$']
list_strategy = "html_links"
allow_private_network = true
""",
        encoding="utf-8",
    )
    command = [
        sys.executable,
        "-m",
        "crawler.cli",
        "--database",
        database_url,
        "--sites",
        str(sites),
        "crawl",
        "netns-site",
        "-s",
        "DOWNLOAD_DELAY=0",
        "-s",
        "CANLIAN_EXTRACT_WORKERS=0",
        "-s",
        "RETRY_ENABLED=False",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    server.shutdown()
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], Path(sys.argv[2])))
