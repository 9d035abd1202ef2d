from __future__ import annotations

from pathlib import Path

import pytest

from crawler.sites import SiteDefinitionError, load_file, load_registry
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


# Invariants of every built-in (real) registry entry: tests/test_registry_real.py.

# --- option tables ([site.list_api] for json_api) ---------------------------------------------------------

JSON_SITE = """
[[site]]
key = "my-api"
name = "某平台"
level = "national"
start_urls = ["https://www.example.org.cn/"]
article_patterns = ['^https://www\\.example\\.org\\.cn/news/newDetail\\?id=\\d+$']
list_strategy = "json_api"
[site.list_api]
url = "/api/list?pageNum={page}&pageSize={size}"
records = "data.records"
detail_url = "https://www.example.org.cn/news/newDetail?id={id}"
page_size = 20
total = "data.total"
"""


def test_json_api_site_with_its_options_table(tmp_path: Path) -> None:
    (site,) = load_file(write(tmp_path, JSON_SITE))
    assert site.list_api is not None
    assert (site.list_api.records, site.list_api.page_size, site.list_api.first_page) == (
        "data.records",
        20,
        1,
    )
    assert site.list_api.total == "data.total" and site.list_api.url_field is None
    request = STRATEGIES["json_api"].first_requests(site)[0]
    assert request.url == "https://www.example.org.cn/api/list?pageNum=1&pageSize=20"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (('url = "/api/list?pageNum={page}&', 'url = "/api/list?'), "list_api.url", "{page}"),
        (("pageNum={page}", "pageNum={page}{x}"), "list_api.url", "only"),
        (('records = "data.records"', 'records = "data..records"'), "list_api.records", "dotted"),
        (("page_size = 20", "page_size = 0"), "list_api.page_size", ">= 1"),
        (("detail_url = ", 'url_field = "link"\ndetail_url = '), "list_api", "exactly one"),
        (('newDetail?id={id}"', 'newDetail"'), "list_api.detail_url", "record field"),
        (("total = ", 'colour = "red"\ntotal = '), "list_api", "unknown keys"),
    ],
)
def test_list_api_errors_name_file_site_and_field(
    tmp_path: Path, change: tuple[str, str], field: str, message: str
) -> None:
    text = JSON_SITE.replace(*change)
    assert text != JSON_SITE
    path = write(tmp_path, text)
    with pytest.raises(SiteDefinitionError) as caught:
        load_file(path)
    assert (caught.value.site, caught.value.field_name) == ("my-api", field)
    assert str(path) in str(caught.value) and message in str(caught.value)


def test_list_api_table_required_by_and_only_with_json_api(tmp_path: Path) -> None:
    with pytest.raises(SiteDefinitionError, match=r"field 'list_api'.*needs a \[site.list_api\] table"):
        load_file(write(tmp_path, JSON_SITE.split("[site.list_api]")[0]))
    text = VALID + '[site.list_api]\nurl = "/x?p={page}"\nrecords = "data"\nurl_field = "url"\n'
    with pytest.raises(SiteDefinitionError, match="only used with list_strategy = 'json_api'"):
        load_file(write(tmp_path, text))


def test_schedule_is_a_checked_cron_expression(tmp_path: Path) -> None:
    site = load_registry(
        [
            write(
                tmp_path,
                VALID.replace(
                    'list_strategy = "hanweb_datastore"',
                    'list_strategy = "hanweb_datastore"\nschedule = "30 2 * * *"',
                ),
            )
        ]
    ).get("my-county")
    assert site.schedule == "30 2 * * *"
    bad = VALID.replace(
        'list_strategy = "hanweb_datastore"', 'list_strategy = "hanweb_datastore"\nschedule = "every night"'
    )
    with pytest.raises(SiteDefinitionError, match=r"'schedule'.*not a cron expression"):
        load_file(write(tmp_path, bad))
