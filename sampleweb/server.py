"""Serve a `SampleWeb` over HTTP on loopback: one ThreadingHTTPServer (and port) per site."""

from __future__ import annotations

import hashlib
import socketserver
import sys
import threading
from collections import Counter
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

from sampleweb.sitedefs import site_definitions, write_sites_toml
from sampleweb.web import SampleWeb

KINDS = ("list", "article", "robots", "private", "attachment", "other")


class Counters:
    """Requests per site and kind, per site and path, and per site, kind and method; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kinds: Counter[tuple[str, str]] = Counter()
        self._paths: Counter[tuple[str, str]] = Counter()
        self._methods: Counter[tuple[str, str, str]] = Counter()

    def add(self, site: str, kind: str, path: str, method: str = "GET") -> None:
        with self._lock:
            self._kinds[site, kind] += 1
            self._paths[site, path] += 1
            self._methods[site, kind, method] += 1

    def get(self, site: str, kind: str) -> int:
        with self._lock:
            return self._kinds[site, kind]

    def total(self, kind: str) -> int:
        """Requests of ``kind`` across all sites."""
        with self._lock:
            return sum(n for (_, k), n in self._kinds.items() if k == kind)

    def snapshot(self) -> dict[str, dict[str, int]]:
        """{site: {kind: count}} with every kind present."""
        with self._lock:
            sites = sorted({site for site, _ in self._kinds})
            return {s: {k: self._kinds[s, k] for k in KINDS} for s in sites}

    def methods(self, kind: str) -> dict[str, int]:
        """Requests of ``kind`` across all sites by HTTP method, e.g. {"HEAD": 12}."""
        with self._lock:
            found: Counter[str] = Counter()
            for (_, k, method), n in self._methods.items():
                if k == kind:
                    found[method] += n
            return dict(found)

    def paths(self, site: str) -> dict[str, int]:
        """How often each path (with query) of ``site`` was requested."""
        with self._lock:
            return {path: n for (s, path), n in self._paths.items() if s == site}

    def reset(self) -> None:
        with self._lock:
            self._kinds.clear()
            self._paths.clear()
            self._methods.clear()


def _address(server: socketserver.BaseServer) -> str:
    """host:port of a bound server (socketserver types its address loosely)."""
    address = server.server_address
    assert isinstance(address, tuple)  # AF_INET servers always have (host, port)
    return f"{address[0]}:{address[1]}"


def _handler(web: SampleWeb, site: str, counters: Counters) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: benchmarks fetch many pages per connection
        server_version = "SampleWeb/1.0"

        def do_GET(self) -> None:
            self._serve("GET")

        def do_HEAD(self) -> None:
            self._serve("HEAD")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self._serve("POST", self.rfile.read(length) if length else b"")

        def _serve(self, method: str, body: bytes | None = None) -> None:
            counters.add(site, web.classify(site, self.path), self.path, method)
            host = self.headers.get("Host") or _address(self.server)
            status, headers, payload = web.respond(site, method, self.path, body, f"http://{host}")
            if status == 200 and method in ("GET", "HEAD"):
                # Like a static web server: an ETag per content, and 304 when the client already has it.
                headers = {**headers, "ETag": '"' + hashlib.sha1(payload).hexdigest()[:20] + '"'}
                if self.headers.get("If-None-Match") == headers["ETag"]:
                    status, payload = 304, b""
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if method != "HEAD":
                self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:
            """Silence per-request logging: a benchmark makes hundreds of thousands of requests."""

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that went away mid-request (a killed crawl) is ordinary here: no traceback."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class RunningSampleWeb:
    """The started servers. Use as a context manager or call ``stop()``."""

    def __init__(self, web: SampleWeb, servers: dict[str, ThreadingHTTPServer], counters: Counters) -> None:
        self.web = web
        self.counters = counters
        self._servers = servers
        self._threads = [
            # A short poll interval keeps stop() quick: shutdown() waits for the next poll.
            threading.Thread(target=s.serve_forever, args=(0.05,), name=f"sampleweb-{key}", daemon=True)
            for key, s in servers.items()
        ]
        for thread in self._threads:
            thread.start()
        self.base_urls: dict[str, str] = {key: f"http://{_address(s)}" for key, s in servers.items()}

    def stop(self) -> None:
        for server in self._servers.values():
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> RunningSampleWeb:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def start(
    web: SampleWeb, host: str = "127.0.0.1", ports: Mapping[str, int] | None = None
) -> RunningSampleWeb:
    """Start one server per site. ``ports`` maps site keys to ports; missing or 0 means a free port."""
    counters = Counters()
    servers: dict[str, ThreadingHTTPServer] = {}
    try:
        for site in web.sites:
            port = (ports or {}).get(site.key, 0)
            servers[site.key] = _Server((host, port), _handler(web, site.key, counters))
    except OSError:
        for server in servers.values():
            server.server_close()
        raise
    return RunningSampleWeb(web, servers, counters)


__all__ = ["Counters", "RunningSampleWeb", "site_definitions", "start", "write_sites_toml"]
