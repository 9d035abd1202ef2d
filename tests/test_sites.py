from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crawler.sites import LEVELS, SiteDefinitionError, load_file, load_registry
from spiders.strategies import STRATEGIES

VALID = """
[[site]]
key = "my-county"
name = "某县残联"
level = "county"
province = "浙江省"
start_urls = ["https://www.example.gov.cn/col/col1/index.html"]
article_patterns = ['^https://www\\.example\\.gov\\.cn/art/\\d{4}/\\d{1,2}/\\d{1,2}/art_\\d+_\\d+\\.html$']
list_strategy = "hanweb_datastore"
[site.politeness]
download_delay = 3
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "my-sites.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_user_file_adds_a_site(tmp_path: Path) -> None:
    registry = load_registry([write(tmp_path, VALID)])
    site = registry.get("my-county")
    assert site.politeness.download_delay == 3.0
    assert site.is_article_url("https://www.example.gov.cn/art/2019/1/25/art_1_2.html")
    assert not site.is_article_url("https://www.example.gov.cn/col/col1/index.html")
    assert site.enabled and not site.verified and not site.allow_private_network


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (('level = "county"', 'level = "village"'), "level", "not one of"),
        (('list_strategy = "hanweb_datastore"', 'list_strategy = "magic"'), "list_strategy", "not one of"),
        (("art_\\d+_", "art_(\\d+_"), "article_patterns", "bad regular expression"),
        (('key = "my-county"', 'key = "My County"'), "key", "a-z"),
        (("https://www.example.gov.cn/col", "ftp://www.example.gov.cn/col"), "start_urls", "absolute http"),
        (("download_delay = 3", "download_delay = -1"), "politeness", ">= 0"),
        (('name = "某县残联"', 'name = "某县残联"\nfavourite = true'), "favourite", "unknown field"),
    ],
)
def test_errors_name_file_site_and_field(
    tmp_path: Path, change: tuple[str, str], field: str, message: str
) -> None:
    path = write(tmp_path, VALID.replace(*change))
    with pytest.raises(SiteDefinitionError) as caught:
        load_file(path)
    assert caught.value.field_name == field
    assert str(path) in str(caught.value)
    assert message in str(caught.value)
    if field != "key":
        assert caught.value.site == "my-county"


def test_missing_required_field(tmp_path: Path) -> None:
    with pytest.raises(SiteDefinitionError, match=r"'start_urls'.*is required"):
        load_file(
            write(
                tmp_path, VALID.replace('start_urls = ["https://www.example.gov.cn/col/col1/index.html"]', "")
            )
        )


def test_bad_toml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SiteDefinitionError, match="not valid TOML"):
        load_file(write(tmp_path, "[[site]\nkey="))
    with pytest.raises(SiteDefinitionError, match="cannot read"):
        load_file(tmp_path / "absent.toml")


def test_duplicate_key_across_files(tmp_path: Path) -> None:
    first = write(tmp_path, VALID)
    second = tmp_path / "again.toml"
    second.write_text(VALID, encoding="utf-8")
    with pytest.raises(SiteDefinitionError, match="already defined"):
        load_registry([first, second])


def test_unknown_site_key_is_a_clear_error() -> None:
    with pytest.raises(KeyError, match="no site 'nope'"):
        load_registry().get("nope")


# --- invariants of every built-in (real) registry entry -------------------------------------------------

BUILTIN = list(load_registry())


def test_builtin_registry_is_not_empty_and_keys_unique() -> None:
    keys = [site.key for site in BUILTIN]
    assert len(keys) >= 5
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("site", BUILTIN, ids=lambda s: s.key)
def test_builtin_entry_is_consistent(site) -> None:
    assert site.level in LEVELS
    assert site.list_strategy in STRATEGIES
    assert not site.allow_private_network, "real sites are never on private addresses"
    for url in site.start_urls:
        host = urlsplit(url).hostname or ""
        assert any(host.replace(".", r"\.") in p.pattern for p in site.article_patterns), (
            f"start URL host {host} does not match the site's article patterns"
        )
    for pattern in site.article_patterns:
        assert pattern.pattern.startswith("^") and pattern.pattern.endswith("$"), "anchor article patterns"
        assert isinstance(pattern, re.Pattern)
    if site.level in ("province", "city", "county"):
        assert site.province, "local sites need their province"
