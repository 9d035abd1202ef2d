"""The web app in a real browser (headless Debian Chromium via Selenium) on the sample-web archive:
search with the keyboard alone, open a story and its version diff, page through runs, and axe-core on
every page with no WCAG 2.1 A/AA violation. Screenshots of each page go to tests/artifacts/browser/."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from browser_support import axe_source, axe_violations, chromium, screenshot, serving
from web_support import EDIT, SampleArchive, app_for, sqlite_archive

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> SampleArchive:
    return sqlite_archive(tmp_path_factory)


@pytest.fixture(scope="module")
def base_url(archive: SampleArchive) -> Iterator[str]:
    app = app_for(archive)
    with serving(app) as url:
        yield url
    app.state.engine.dispose()


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def axe() -> str:
    return axe_source()


def accessible(driver: Any, axe: str, name: str) -> None:
    screenshot(driver, name)
    violations = axe_violations(driver, axe)
    assert not violations, f"{name} ({driver.current_url}):\n" + "\n".join(violations)


def focused(driver: Any) -> Any:
    return driver.switch_to.active_element


def tab(driver: Any, times: int = 1) -> Any:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    for _ in range(times):
        ActionChains(driver).send_keys(Keys.TAB).perform()
    return focused(driver)


def outline_width(driver: Any, element: Any) -> float:
    width = driver.execute_script("return getComputedStyle(arguments[0]).outlineWidth", element)
    style = driver.execute_script("return getComputedStyle(arguments[0]).outlineStyle", element)
    return 0.0 if style == "none" else float(width.removesuffix("px"))


def test_search_form_works_by_keyboard_alone(driver: Any, base_url: str, axe: str) -> None:
    from selenium.webdriver.common.keys import Keys

    driver.get(base_url + "/")
    accessible(driver, axe, "search-empty")
    skip = tab(driver)
    assert skip.text == "跳到主要内容" and outline_width(driver, skip) >= 2, "focus is visible"
    skip.send_keys(Keys.ENTER)
    field = tab(driver)  # from the top of <main>: the query field comes first
    assert field.get_attribute("id") == "q"
    field.send_keys("两项补贴")
    visited = [field.get_attribute("id")]
    for _ in range(30):  # on through the filters (a date field has a stop per part: one entry each)
        current = tab(driver).get_attribute("id")
        if current != visited[-1]:
            visited.append(current)
        if current == "copies":
            break
    assert visited == ["q", "since", "until", "site", "region", "level", "source", "copies"]
    focused(driver).send_keys(Keys.SPACE)  # tick "every copy"
    sort, button = tab(driver), tab(driver)
    assert sort.get_attribute("id") == "sort" and button.tag_name == "button"
    assert outline_width(driver, button) >= 2
    button.send_keys(Keys.ENTER)
    query = parse_qs(urlsplit(driver.current_url).query)
    assert query["q"] == ["两项补贴"] and query["copies"] == ["1"], "the URL holds the whole query"
    hits = driver.find_elements("css selector", "li.hit")
    assert hits and all("两项补贴" in hit.text for hit in hits)
    accessible(driver, axe, "search-results")


def test_open_a_story_and_read_its_version_diff(
    driver: Any, base_url: str, axe: str, archive: SampleArchive
) -> None:
    from selenium.webdriver.common.keys import Keys

    driver.get(f"{base_url}/?q={EDIT[:8]}")
    link = driver.find_element("css selector", "li.hit h3 a")
    link.send_keys(Keys.ENTER)  # a keyboard user's click
    assert urlsplit(driver.current_url).path == f"/stories/{archive.edited_story}"
    added = driver.find_elements("css selector", "table.diff ins")
    assert any(EDIT in ins.text for ins in added)
    assert driver.find_elements("css selector", "table.diff del"), "the corrected figure shows as removed"
    accessible(driver, axe, "story")
    canonical = driver.find_elements("css selector", "tr.canonical")
    assert len(canonical) == 1


def test_page_through_the_runs(driver: Any, base_url: str, axe: str) -> None:
    driver.get(base_url + "/runs")
    accessible(driver, axe, "runs")
    first_page = [row.text for row in driver.find_elements("css selector", "table.runs tbody th")]
    driver.find_element("css selector", 'a[rel="next"]').click()
    assert parse_qs(urlsplit(driver.current_url).query)["page"] == ["2"]
    second_page = [row.text for row in driver.find_elements("css selector", "table.runs tbody th")]
    assert second_page and not set(first_page) & set(second_page)
    assert int(first_page[-1]) > int(second_page[0]), "newest first, on across pages"
    accessible(driver, axe, "runs-page-2")
    driver.find_element("css selector", 'a[rel="prev"]').click()
    assert [row.text for row in driver.find_elements("css selector", "table.runs tbody th")] == first_page


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("sites", "/sites"),
        ("stats", "/stats"),
        ("stats-region", "/stats?region=江苏"),
        ("not-found", "/stories/0"),
    ],
)
def test_every_other_page_passes_axe(driver: Any, base_url: str, axe: str, name: str, path: str) -> None:
    driver.get(base_url + path)
    assert driver.find_element("tag name", "html").get_attribute("lang") == "zh-CN"
    accessible(driver, axe, name)


def test_raw_page_runs_no_script(driver: Any, base_url: str, archive: SampleArchive) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    driver.get(f"{base_url}/raw/{archive.hostile_fetch}")
    assert "残联" in driver.find_element("tag name", "body").text
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.accept()  # the archived page's alert() never ran
    screenshot(driver, "raw-page")


def test_axe_does_find_violations(driver: Any, axe: str) -> None:
    """The check above is only as good as axe's injection: a page with known faults must fail it."""
    from urllib.parse import quote

    driver.get(
        "data:text/html;charset=utf-8,"
        + quote('<html><body><input type="text"><img src="x.png"></body></html>')
    )
    found = {line.split(" ", 1)[0] for line in axe_violations(driver, axe)}
    assert {"html-has-lang", "image-alt", "label"} <= found
