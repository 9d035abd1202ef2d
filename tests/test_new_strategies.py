"""The JPaaS, JSON-API and iframe-shell list strategies on saved list pages: pure, no network, no Scrapy."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

from conftest import FIXTURES

from crawler.sites import Site, parse_site
from spiders.strategies import STRATEGIES, ListPage, ListRequest

LISTINGS = FIXTURES / "listings"
HOST = "http://127.0.0.1:9"
JPAAS_ARTICLES = [
    r"^http://127\.0\.0\.1:9/col/col\d+/art/\d{4}/art_[0-9a-f]{32}\.html$",
    r"^http://127\.0\.0\.1:9/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$",
]


def make_site(**fields: Any) -> Site:
    entry: dict[str, Any] = {"key": "test-site", "name": "t", "level": "county", "start_urls": [HOST + "/"]}
    entry.update(fields)
    return parse_site(entry, "test")


def fixture(name: str) -> str:
    return (LISTINGS / name).read_text(encoding="utf-8")


def answer(request: ListRequest, name: str) -> ListPage:
    return ListPage(request.url, fixture(name), request.state)


# --- hanweb_jpaas ---------------------------------------------------------------------------------------


def jpaas_site(**fields: Any) -> Site:
    return make_site(list_strategy="hanweb_jpaas", article_patterns=JPAAS_ARTICLES, **fields)


def test_jpaas_column_page_yields_one_unit_request_per_complete_unit_script() -> None:
    column = f"{HOST}/col/col1229000123/index.html"
    listing = STRATEGIES["hanweb_jpaas"].parse(jpaas_site(), ListPage(column, fixture("jpaas_column.html")))
    assert listing.article_urls == (), "the nav's article link would stop an incremental crawl's paging"
    assert len(listing.next_pages) == 2, "the unit without tplSetId / tagId is skipped"
    main, side = listing.next_pages
    parts = urlsplit(main.url)
    assert parts.path == "/api-gateway/jpaas-publish-server/front/page/build/unit"
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    assert query == {
        "parseType": "bulidstatic",
        "pageType": "column",
        "editType": "null",
        "webId": "3365",
        "pageId": "1229000123",
        "tplSetId": "5b1f0c6a8e2d4e7f",
        "tagId": "信息列表",
        "paramJson": '{"pageNo":1,"pageSize":15}',
    }
    side_query = parse_qs(urlsplit(side.url).query)
    assert side_query["pageId"] == ["1229000123"], "pageId falls back to the column id in the URL"
    assert side_query["paramJson"] == ['{"pageNo":1,"pageSize":5}']


def test_jpaas_unit_pages_page_through_param_json_until_an_empty_page() -> None:
    site, strategy = jpaas_site(), STRATEGIES["hanweb_jpaas"]
    column = f"{HOST}/col/col1229000123/index.html"
    request = strategy.parse(site, ListPage(column, fixture("jpaas_column.html"))).next_pages[0]
    first = strategy.parse(site, answer(request, "jpaas_unit.json"))
    assert first.article_urls == (
        f"{HOST}/col/col1229000123/art/2026/art_0b39bb56a1c24f7e9d3e2f1a0b9c8d7e.html",
        f"{HOST}/art/2019/1/25/art_1229000123_29837555.html",
    ), "both layouts; the other host's link is no article of this site"
    (following,) = first.next_pages
    assert parse_qs(urlsplit(following.url).query)["paramJson"] == ['{"pageNo":2,"pageSize":15}']
    assert following.state["page"] == request.state["page"] + 1
    empty = strategy.parse(site, answer(following, "jpaas_unit_empty.json"))
    assert empty == type(empty)(), "an empty page ends the list"


def test_jpaas_stops_when_the_gateway_ignores_the_page_number_and_at_max_list_pages() -> None:
    site, strategy = jpaas_site(), STRATEGIES["hanweb_jpaas"]
    column = f"{HOST}/col/col1229000123/index.html"
    request = strategy.parse(site, ListPage(column, fixture("jpaas_column.html"))).next_pages[0]
    second = strategy.parse(site, answer(request, "jpaas_unit.json")).next_pages[0]
    repeated = strategy.parse(site, answer(second, "jpaas_unit.json"))
    assert repeated.next_pages == (), "page 2 answered like page 1: stop instead of looping"
    short = jpaas_site(max_list_pages=2)
    assert strategy.parse(short, answer(request, "jpaas_unit.json")).next_pages == ()


def test_jpaas_without_unit_script_reads_datastore_or_follows_column_links() -> None:
    strategy = STRATEGIES["hanweb_jpaas"]
    site = make_site(
        list_strategy="hanweb_jpaas",
        article_patterns=[r"^http://127\.0\.0\.1:9/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$"],
    )
    column = f"{HOST}/col/col1229410724/index.html"
    jpage = strategy.parse(site, ListPage(column, fixture("hanweb_column.html"), {"page": 0}))
    assert len(jpage.article_urls) == 3
    assert urlsplit(jpage.next_pages[0].url).path == "/module/web/jpage/dataproxy.jsp"
    proxy = strategy.parse(site, answer(jpage.next_pages[0], "hanweb_dataproxy.xml"))
    assert len(proxy.article_urls) == 2, "dataproxy pages come back to this strategy and are read as jpage"
    home = '<a href="/col/col1229000123/index.html">部门动态</a><a href="/art/2019/1/2/art_1_3.html">x</a>'
    with_columns = make_site(
        list_strategy="hanweb_jpaas",
        article_patterns=[r"^http://127\.0\.0\.1:9/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$"],
        list_patterns=[r"^http://127\.0\.0\.1:9/col/col\d+/index\.html$"],
    )
    found = strategy.parse(with_columns, ListPage(HOST + "/", home, {"page": 0}))
    assert found.article_urls == (f"{HOST}/art/2019/1/2/art_1_3.html",)
    assert [r.url for r in found.next_pages] == [column.replace("1229410724", "1229000123")]


# --- json_api -------------------------------------------------------------------------------------------

LIST_API = {
    "url": "/api/app-jycy-consultation/getHomeInformationList?pageNum={page}&pageSize={size}",
    "records": "data.records",
    "detail_url": HOST + "/news/newDetail?id={id}",
    "page_size": 3,
}


def json_site(**options: Any) -> Site:
    return make_site(
        list_strategy="json_api",
        level="national",
        article_patterns=[r"^http://127\.0\.0\.1:9/news/newDetail\?id=\d+$"],
        list_api={**LIST_API, **options},
    )


def test_json_api_first_request_and_field_mapping() -> None:
    site, strategy = json_site(), STRATEGIES["json_api"]
    (first,) = strategy.first_requests(site)
    assert first.url == f"{HOST}/api/app-jycy-consultation/getHomeInformationList?pageNum=1&pageSize=3"
    listing = strategy.parse(site, answer(first, "jsonapi_page.json"))
    assert listing.article_urls == (
        f"{HOST}/news/newDetail?id=1790012345678901234",
        f"{HOST}/news/newDetail?id=1790012345678900001",
    ), "string and numeric ids; records without an id and non-records are skipped"
    (following,) = listing.next_pages
    assert following.url.endswith("pageNum=2&pageSize=3") and following.state["page"] == 1


def test_json_api_stops_at_a_short_page_the_total_or_a_repeated_page() -> None:
    strategy = STRATEGIES["json_api"]
    full = strategy.first_requests(json_site())[0]
    # four records fill a page of 4: a short page is what ends the list, not this one
    assert strategy.parse(json_site(page_size=4), answer(full, "jsonapi_page.json")).next_pages
    assert strategy.parse(json_site(page_size=5), answer(full, "jsonapi_page.json")).next_pages == ()
    last = ListRequest(full.url, state={"page": 14, "number": 15})
    assert strategy.parse(json_site(total="data.total"), answer(last, "jsonapi_page.json")).next_pages == ()
    again = ListRequest(
        full.url,
        state={"page": 1, "number": 2, "previous": [HOST + "/news/newDetail?id=1790012345678901234"]},
    )
    assert strategy.parse(json_site(), answer(again, "jsonapi_page.json")).next_pages == ()


def test_json_api_url_field_and_nested_records() -> None:
    site = make_site(
        list_strategy="json_api",
        article_patterns=[r"^http://127\.0\.0\.1:9/a/\d+\.html$"],
        list_api={"url": HOST + "/list?p={page}", "records": "result.items", "url_field": "link.href"},
    )
    text = json.dumps({"result": {"items": [{"link": {"href": "/a/1.html"}}, {"link": {}}, {}]}})
    listing = STRATEGIES["json_api"].parse(site, ListPage(HOST + "/list?p=1", text, {"page": 0}))
    assert listing.article_urls == (f"{HOST}/a/1.html",)
    assert listing.next_pages == (), "3 records < page_size 20: the last page"
    broken = STRATEGIES["json_api"].parse(site, ListPage(HOST + "/list?p=1", "<html>502</html>", {}))
    assert broken.article_urls == () and broken.next_pages == ()


# --- iframe_shell ---------------------------------------------------------------------------------------


def iframe_site(**fields: Any) -> Site:
    return make_site(
        list_strategy="iframe_shell",
        article_patterns=[r"^http://127\.0\.0\.1:9/doc/\d{4}/\d{2}/\d{2}/\d+\.shtml$"],
        **fields,
    )


def test_iframe_shell_follows_same_host_frames_only() -> None:
    shell = ListPage(f"{HOST}/xwzx/bmdt/index.html", fixture("iframe_shell.html"), {"page": 0})
    listing = STRATEGIES["iframe_shell"].parse(iframe_site(), shell)
    assert listing.article_urls == ()
    assert [(r.url, r.state) for r in listing.next_pages] == [
        (f"{HOST}/xwzx/bmdt/list_1.html", {"page": 1, "frame": True})
    ]


def test_iframe_frame_pages_stay_in_the_column() -> None:
    frame = ListPage(f"{HOST}/xwzx/bmdt/list_2.html", fixture("iframe_list.html"), {"page": 1, "frame": True})
    listing = STRATEGIES["iframe_shell"].parse(iframe_site(), frame)
    assert listing.article_urls == (
        f"{HOST}/doc/2026/05/06/1402017.shtml",
        f"{HOST}/doc/2026/05/01/1401988.shtml",
    )
    assert [r.url for r in listing.next_pages] == [f"{HOST}/xwzx/bmdt/list_3.html"], (
        "the notice box's 下一页 leads into another column"
    )
    broad = iframe_site(list_patterns=[r"^http://127\.0\.0\.1:9/xwzx/\w+/list_\d+\.html$"])
    following = {r.url for r in STRATEGIES["iframe_shell"].parse(broad, frame).next_pages}
    assert following == {f"{HOST}/xwzx/bmdt/list_{n}.html" for n in (1, 3, 9)}


def test_page_without_a_frame_is_read_as_a_plain_list() -> None:
    page = ListPage(f"{HOST}/xwzx/bmdt/list_2.html", fixture("iframe_list.html"), {"page": 0})
    listing = STRATEGIES["iframe_shell"].parse(iframe_site(), page)
    assert len(listing.article_urls) == 2 and len(listing.next_pages) == 1
