"""The site registry: every watched site is a typed, validated record loaded from TOML.

Built-in entries live in `crawler/site_registry/*.toml`; users add their own files with `--sites FILE` or
the `CANLIAN_SITES_FILES` setting / environment variable (paths separated by os.pathsep). A later file may
not redefine a key. Errors name the file, the site and the field.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.site_options import ListApi, parse_list_api

BUILTIN_REGISTRY = Path(__file__).with_name("site_registry")
LEVELS = ("national", "province", "city", "county", "news")
LIST_STRATEGIES = (
    "html_links",
    "trs_index",
    "cdpf_index",
    "hanweb_datastore",
    "sitemap",
    "rss",
    "hanweb_jpaas",
    "json_api",
    "iframe_shell",
)
_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{1,62}$")


class SiteDefinitionError(ValueError):
    def __init__(self, source: str, site: str | None, field_name: str | None, message: str) -> None:
        where = (
            source + (f": site {site!r}" if site else "") + (f", field {field_name!r}" if field_name else "")
        )
        super().__init__(f"{where}: {message}")
        self.source, self.site, self.field_name = source, site, field_name


@dataclass(frozen=True, slots=True)
class Politeness:
    """Per-site overrides of the global politeness settings (None = use the global one)."""

    download_delay: float | None = None
    concurrent_requests_per_domain: int | None = None
    proxy: str | None = None  # e.g. http://user:pass@proxy.example:3128 (mainland exit for geo-blocked sites)


@dataclass(frozen=True, slots=True)
class Site:
    key: str
    name: str
    level: str
    province: str | None
    start_urls: tuple[str, ...]
    article_patterns: tuple[re.Pattern[str], ...]
    list_strategy: str
    city: str | None = None
    county: str | None = None
    federation: bool = False  # a disability federation's own site: every article is on topic
    cms: str = ""
    list_patterns: tuple[re.Pattern[str], ...] = ()
    max_list_pages: int = 200
    allow_private_network: bool = False  # the site itself lives on a private/loopback address
    verified: bool = False  # list URLs seen working, not inferred
    enabled: bool = True
    notes: str = ""
    schedule: str | None = (
        None  # cron for the nightly scheduler ("30 2 * * *"); default: spread over the night
    )
    politeness: Politeness = field(default_factory=Politeness)
    list_api: ListApi | None = None  # [site.list_api]: required by (and only allowed with) json_api
    source_file: str = ""

    @property
    def hosts(self) -> frozenset[str]:
        return frozenset(urlsplit(url).netloc.lower() for url in self.start_urls)

    def is_article_url(self, url: str) -> bool:
        return any(pattern.search(url) for pattern in self.article_patterns)

    def is_list_url(self, url: str) -> bool:
        return any(pattern.search(url) for pattern in self.list_patterns)


@dataclass(frozen=True)
class Registry:
    sites: Mapping[str, Site]

    def __iter__(self) -> Iterator[Site]:
        return iter(self.sites.values())

    def __len__(self) -> int:
        return len(self.sites)

    def get(self, key: str) -> Site:
        try:
            return self.sites[key]
        except KeyError:
            raise KeyError(f"no site {key!r} in the registry (see `canlian sites`)") from None

    def enabled(self) -> list[Site]:
        return [site for site in self if site.enabled]


def registry_files(extra: Iterable[str | Path] = ()) -> list[Path]:
    builtin = sorted(BUILTIN_REGISTRY.glob("*.toml"))
    return builtin + [Path(p) for p in extra]


def extra_files_from_env(environ: Mapping[str, str] | None = None) -> list[str]:
    value = (os.environ if environ is None else environ).get("CANLIAN_SITES_FILES", "")
    return [part for part in value.split(os.pathsep) if part]


def load_registry(extra_files: Iterable[str | Path] = (), include_builtin: bool = True) -> Registry:
    files = registry_files(extra_files) if include_builtin else [Path(p) for p in extra_files]
    sites: dict[str, Site] = {}
    for path in files:
        for site in load_file(path):
            if site.key in sites:
                raise SiteDefinitionError(
                    str(path), site.key, "key", f"already defined in {sites[site.key].source_file}"
                )
            sites[site.key] = site
    return Registry(sites)


def load_file(path: str | Path) -> list[Site]:
    source = str(path)
    try:
        with open(path, "rb") as handle:
            document = tomllib.load(handle)
    except OSError as error:
        raise SiteDefinitionError(source, None, None, f"cannot read: {error.strerror}") from error
    except tomllib.TOMLDecodeError as error:
        raise SiteDefinitionError(source, None, None, f"not valid TOML: {error}") from error
    entries = document.get("site", [])
    if not isinstance(entries, list):
        raise SiteDefinitionError(source, None, "site", "use [[site]] tables")
    return [parse_site(entry, source) for entry in entries]


_REQUIRED = ("key", "name", "level", "start_urls", "article_patterns", "list_strategy")
_KNOWN = {f.name for f in fields(Site)} - {"source_file"}
# Strategies that cannot work without their options table.
_OPTIONS_TABLE = {"json_api": "list_api"}


def parse_site(entry: Mapping[str, Any], source: str) -> Site:
    key = entry.get("key") if isinstance(entry.get("key"), str) else None
    checker = _Checker(source, key)
    for name in _REQUIRED:
        if name not in entry:
            raise checker.error(name, "is required")
    for name in entry:
        if name not in _KNOWN:
            raise checker.error(name, f"unknown field (known: {', '.join(sorted(_KNOWN))})")
    strategy = checker.choice(entry, "list_strategy", LIST_STRATEGIES)
    table = _OPTIONS_TABLE.get(strategy)
    if table and table not in entry:
        raise checker.error(table, f"list_strategy {strategy!r} needs a [site.{table}] table")
    if "list_api" in entry and strategy != "json_api":
        raise checker.error("list_api", "only used with list_strategy = 'json_api'")
    return Site(
        key=checker.key(entry["key"]),
        name=checker.text(entry, "name"),
        level=checker.choice(entry, "level", LEVELS),
        province=checker.optional_text(entry, "province"),
        city=checker.optional_text(entry, "city"),
        county=checker.optional_text(entry, "county"),
        start_urls=checker.urls(entry, "start_urls"),
        article_patterns=checker.patterns(entry, "article_patterns", required=True),
        list_strategy=strategy,
        list_patterns=checker.patterns(entry, "list_patterns", required=False),
        max_list_pages=checker.positive_int(entry, "max_list_pages", 200),
        federation=checker.flag(entry, "federation", False),
        allow_private_network=checker.flag(entry, "allow_private_network", False),
        verified=checker.flag(entry, "verified", False),
        enabled=checker.flag(entry, "enabled", True),
        cms=checker.optional_text(entry, "cms") or "",
        notes=checker.optional_text(entry, "notes") or "",
        schedule=checker.schedule(entry),
        politeness=checker.politeness(entry.get("politeness", {})),
        list_api=parse_list_api(entry["list_api"], checker.error) if "list_api" in entry else None,
        source_file=source,
    )


@dataclass(frozen=True)
class _Checker:
    source: str
    site: str | None

    def error(self, field_name: str, message: str) -> SiteDefinitionError:  # also the ErrorFactory
        return SiteDefinitionError(self.source, self.site, field_name, message)

    def key(self, value: Any) -> str:
        if not isinstance(value, str) or not _KEY.match(value):
            raise self.error("key", "must be 2-63 characters of a-z, 0-9, '-' or '_', starting alphanumeric")
        return value

    def text(self, entry: Mapping[str, Any], name: str) -> str:
        value = entry.get(name)
        if not isinstance(value, str) or not value.strip():
            raise self.error(name, "must be a non-empty string")
        return value.strip()

    def optional_text(self, entry: Mapping[str, Any], name: str) -> str | None:
        return self.text(entry, name) if entry.get(name) not in (None, "") else None

    def choice(self, entry: Mapping[str, Any], name: str, allowed: Sequence[str]) -> str:
        value = self.text(entry, name)
        if value not in allowed:
            raise self.error(name, f"{value!r} is not one of {', '.join(allowed)}")
        return value

    def flag(self, entry: Mapping[str, Any], name: str, default: bool) -> bool:
        value = entry.get(name, default)
        if not isinstance(value, bool):
            raise self.error(name, "must be true or false")
        return value

    def positive_int(self, entry: Mapping[str, Any], name: str, default: int) -> int:
        value = entry.get(name, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise self.error(name, "must be a positive integer")
        return value

    def strings(self, entry: Mapping[str, Any], name: str) -> list[str]:
        value = entry.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.error(name, "must be a list of non-empty strings")
        return value

    def urls(self, entry: Mapping[str, Any], name: str) -> tuple[str, ...]:
        values = self.strings(entry, name)
        if not values:
            raise self.error(name, "needs at least one URL")
        for url in values:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise self.error(name, f"{url!r} is not an absolute http(s) URL")
        return tuple(values)

    def patterns(self, entry: Mapping[str, Any], name: str, required: bool) -> tuple[re.Pattern[str], ...]:
        values = self.strings(entry, name)
        if required and not values:
            raise self.error(name, "needs at least one regular expression")
        compiled = []
        for pattern in values:
            try:
                compiled.append(re.compile(pattern))
            except re.error as error:
                raise self.error(name, f"bad regular expression {pattern!r}: {error}") from error
        return tuple(compiled)

    def schedule(self, entry: Mapping[str, Any]) -> str | None:
        expression = self.optional_text(entry, "schedule")
        if expression is None:
            return None
        from crawler.schedules import cron_trigger  # the scheduler's own parser, so both agree

        try:
            cron_trigger(expression)
        except ValueError as error:
            raise self.error("schedule", f"{expression!r} is not a cron expression: {error}") from error
        return expression

    def politeness(self, value: Any) -> Politeness:
        if not isinstance(value, dict):
            raise self.error("politeness", "must be a table")
        unknown = set(value) - {f.name for f in fields(Politeness)}
        if unknown:
            raise self.error("politeness", f"unknown keys {sorted(unknown)}")
        delay = value.get("download_delay")
        if delay is not None and (not isinstance(delay, int | float) or delay < 0):
            raise self.error("politeness", "download_delay must be a number >= 0")
        concurrency = value.get("concurrent_requests_per_domain")
        if concurrency is not None and (not isinstance(concurrency, int) or concurrency < 1):
            raise self.error("politeness", "concurrent_requests_per_domain must be an integer >= 1")
        proxy = value.get("proxy")
        if proxy is not None and not isinstance(proxy, str):
            raise self.error("politeness", "proxy must be a URL string")
        return Politeness(float(delay) if delay is not None else None, concurrency, proxy)
