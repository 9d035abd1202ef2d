"""URL identity: the canonical form under which a page is stored once.

Rules, each from something the target sites do:
- scheme and host lower-cased, a trailing dot on the host and default ports dropped, fragments dropped,
  non-ASCII hosts in their IDNA (punycode) form;
- the path: `.` / `..` segments resolved, repeated slashes collapsed (CMS templates print `//`),
  percent-escapes normalised (upper-case hex, unreserved characters decoded, raw non-ASCII encoded as
  UTF-8) so one path written three ways is one page;
- tracking parameters (utm_*, spm, from, ...) and session ids (`;jsessionid=` in the path, `JSESSIONID`,
  `PHPSESSID`, `sid`, `sessionid`, `ASPSESSIONID*` ...) dropped and the remaining query sorted; parameters
  that select content (`id`, `articleId`, `docid` ...) are kept; query bytes are kept as they are (a
  GBK-encoded `%D6%D0` must not be decoded as UTF-8 and collapse with other values);
- a trailing `index.html` / `index.htm` / `index.shtml` is the directory itself;
- cdpf-style `<id>_mobile.htm` twins are the same article as `<id>.htm`;
- `http` and `https` of the same host are one page: `url_key` carries no scheme.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

TRACKING_PARAMETERS = frozenset(
    {
        "spm",
        "from",
        "isappinstalled",
        "share_token",
        "scene",
        "clicktime",
        "enterid",
        "fbclid",
        "gclid",
        "wxfrom",
        "share_from",
        "sharer_shareinfo",
        "sharer_shareinfo_first",
        "_",  # jQuery's cache buster
    }
)
# Session ids: a crawler without cookies gets a new one on every page, so one article shows up under many.
SESSION_PARAMETERS = frozenset(
    {"jsessionid", "phpsessid", "sid", "sessionid", "session_id", "cfid", "cftoken", "zjsessionid"}
)
_SESSION_PREFIXES = ("aspsessionid",)
_PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sessionid)=[^/?#]*", re.IGNORECASE)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_INDEX_FILE = re.compile(r"/index\.s?html?$")
_MOBILE_TWIN = re.compile(r"_mobile(\.s?html?)$")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PATH_SAFE = "/%:@!$&'()*+,;=~"
_QUERY_SAFE = "%:@!$&'()*+,;=~/?"


def canonical_url(url: str) -> str:
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = _host(parts.hostname or "")
    netloc = host if parts.port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{parts.port}"
    path = _MOBILE_TWIN.sub(r"\1", _path(parts.path))
    path = _INDEX_FILE.sub("/", path)
    query = urlencode(sorted(_kept_parameters(parts.query)), encoding="latin-1")
    return urlunsplit((scheme, netloc, path, query, ""))


def without_session(url: str) -> str:
    """`url` as it should be requested: session ids and tracking parameters removed, nothing else changed
    (so one article linked with three session ids is fetched once)."""
    parts = urlsplit(url.strip())
    path = _PATH_SESSION.sub("", parts.path)
    if not parts.query:
        return urlunsplit((parts.scheme, parts.netloc, path, "", parts.fragment))
    pairs = [pair for pair in parts.query.split("&") if not _dropped(pair.split("=", 1)[0])]
    return urlunsplit((parts.scheme, parts.netloc, path, "&".join(pairs), parts.fragment))


def url_key(url: str) -> str:
    """The scheme-less identity of a page: `//host[:port]/path?query`."""
    canonical = canonical_url(url)
    return canonical[canonical.index("//") :]


def _host(hostname: str) -> str:
    host = hostname.lower().rstrip(".")
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:  # not a valid IDN: keep it as written rather than refuse the page
        return host


def _path(path: str) -> str:
    path = _normalise_escapes(quote(_PATH_SESSION.sub("", path) or "/", safe=_PATH_SAFE))
    path = re.sub(r"/{2,}", "/", path)
    return _remove_dot_segments(path)


def _normalise_escapes(text: str) -> str:
    def fix(match: re.Match[str]) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED else f"%{match.group(1).upper()}"

    return _ESCAPE.sub(fix, text)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4, for absolute paths."""
    output: list[str] = []
    segments = path.split("/")[1:]
    for segment in segments:
        if segment == "..":
            if output:
                output.pop()
        elif segment != ".":
            output.append(segment)
    trailing = segments[-1] in (".", "..")
    return "/" + "/".join(output) + ("/" if trailing and output else "")


def _kept_parameters(query: str) -> list[tuple[str, str]]:
    # Raw non-ASCII becomes UTF-8 escapes; then latin-1 maps every escaped byte to one character and back,
    # so whatever encoding the site used survives the round trip unchanged.
    escaped = quote(query, safe=_QUERY_SAFE)
    return [
        (name, value)
        for name, value in parse_qsl(escaped, keep_blank_values=True, encoding="latin-1")
        if not _dropped(name)
    ]


def _dropped(name: str) -> bool:
    """A query parameter that never selects content: tracking, cache busting, session ids."""
    lowered = name.lower()
    return (
        lowered.startswith(("utm_", *_SESSION_PREFIXES))
        or lowered in TRACKING_PARAMETERS
        or lowered in SESSION_PARAMETERS
    )
