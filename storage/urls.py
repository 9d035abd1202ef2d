"""URL identity: the canonical form under which a page is stored once.

Rules, each from something the target sites do:
- scheme and host lower-cased, default ports dropped, fragments dropped;
- tracking parameters (utm_*, spm, from, ...) dropped and the remaining query sorted;
- a trailing `index.html` / `index.htm` / `index.shtml` is the directory itself;
- cdpf-style `<id>_mobile.htm` twins are the same article as `<id>.htm`;
- `http` and `https` of the same host are one page: `url_key` carries no scheme.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING_PARAMETERS = frozenset(
    {"spm", "from", "isappinstalled", "share_token", "scene", "clicktime", "enterid"}
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_INDEX_FILE = re.compile(r"/index\.s?html?$")
_MOBILE_TWIN = re.compile(r"_mobile(\.s?html?)$")


def canonical_url(url: str) -> str:
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    netloc = host if parts.port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{parts.port}"
    path = _MOBILE_TWIN.sub(r"\1", parts.path or "/")
    path = _INDEX_FILE.sub("/", path)
    query = urlencode(sorted(_kept_parameters(parts.query)))
    return urlunsplit((scheme, netloc, path, query, ""))


def url_key(url: str) -> str:
    """The scheme-less identity of a page: `//host[:port]/path?query`."""
    canonical = canonical_url(url)
    return canonical[canonical.index("//") :]


def _kept_parameters(query: str) -> list[tuple[str, str]]:
    return [
        (name, value)
        for name, value in parse_qsl(query, keep_blank_values=True)
        if not name.lower().startswith("utm_") and name.lower() not in TRACKING_PARAMETERS
    ]
