"""The sample web's pages and ground truth (no network: `SampleWeb.respond` is called directly)."""

from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ET
from html import escape
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest

from crawler.sites import load_registry
from sampleweb import CHROME_MARKERS, SampleWeb, site_definitions, write_sites_toml
from sampleweb.catalog import COPY_PREFIXES
from spiders.strategies import STRATEGIES

N = 30
BASE = "http://127.0.0.1:8000"
PROXY = "/module/web/jpage/dataproxy.jsp"
COUNTY, PORTAL, CDPF, CITY = "sample-county", "sample-portal", "sample-cdpf", "sample-citynews"


@pytest.fixture(scope="module")
def web() -> SampleWeb:
    return SampleWeb(2026, N)


@pytest.fixture(scope="module")
def truth(web):
    return list(web.truth())


def get(web: SampleWeb, site: str, path: str, method: str = "GET", body: bytes | None = None):
    return web.respond(site, method, path, body, BASE)


def desktop_paths(truth, site: str) -> set[str]:
    return {r.path for r in truth if r.site == site and r.kind == "article"}


def grams(text: str, n: int = 5) -> set[str]:
    return {text[i : i + n] for i in range(len(text) - n + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b)


def test_same_seed_gives_same_bytes_and_other_seed_differs(web, truth):
    again = SampleWeb(2026, N)
    samples = [(COUNTY, "/col/col1229410724/index.html"), (PORTAL, "/jsyw/index_1.shtml")]
    samples += [(r.site, r.path) for r in truth[::7]]
    for site, path in samples:
        assert get(web, site, path) == get(again, site, path)
    assert [r.to_json() for r in again.truth()] == [r.to_json() for r in truth]
    other = [r.to_json() for r in SampleWeb(7, N).truth()]
    assert other != [r.to_json() for r in truth]


def test_truth_counts_and_every_record_is_served(web, truth):
    for site in (COUNTY, PORTAL, CDPF, CITY):
        assert len(desktop_paths(truth, site)) == N
    assert sum(r.kind == "mobile_twin" for r in truth) == N
    for record in truth:
        status, _, body = get(web, record.site, record.path)
        assert status == 200, record.path
        page = body.decode("gb18030" if record.site == COUNTY else "utf-8")
        assert escape(record.title) in page
        for paragraph in record.body:
            assert escape(paragraph) in page
        for image in record.images:
            assert escape(image.caption) in page
            assert image.caption not in record.body
            assert get(web, record.site, image.src)[0] == 200
        assert web.truth_by_path(record.site, record.path) == record


def test_article_urls_match_site_definition_patterns(truth):
    defs = {d["key"]: d for d in site_definitions(dict.fromkeys((s.key for s in SampleWeb().sites), BASE))}
    for record in truth:
        url = BASE + record.path
        assert any(re.match(p, url) for p in defs[record.site]["article_patterns"]), url
        assert not any(re.match(p, url) for p in defs[record.site]["list_patterns"]), url
    lists = {PORTAL: "/jsyw/index_1.shtml", CDPF: "/xwzx/clyw2/index1.htm", CITY: "/news/list_2.html"}
    for site, path in lists.items():
        assert any(re.match(p, BASE + path) for p in defs[site]["list_patterns"])
    for definition in defs.values():
        assert definition["start_urls"][0].startswith(BASE)
        assert definition["list_strategy"] in STRATEGIES
    county_article = next(r.path for r in truth if r.site == COUNTY)
    assert re.fullmatch(r"/art/\d{4}/[1-9]\d?/[1-9]\d?/art_1229410724_\d+\.html", county_article)


def test_county_pages_are_gbk_with_meta_charset_only(web, truth):
    record = next(r for r in truth if r.site == COUNTY and r.relevant)
    status, headers, body = get(web, COUNTY, record.path)
    assert status == 200
    assert headers["Content-Type"] == "text/html"
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    page = body.decode("gb18030")
    assert 'content="text/html; charset=gb2312"' in page[:400]
    published = record.published_at.replace("T", " ")[:16]
    assert f'<meta name="PubDate" content="{published}">' in page
    for chrome in ("您当前的位置", "【字体：", "分享到", "打印本页", "关闭窗口", "无障碍浏览", "长者模式"):
        assert chrome in page
    assert "区残联</a>" in page and "网站标识码" in page and "浙ICP备" in page
    assert f"责任编辑：{record.editors[0]}" in page


def _records(xml: str) -> list[str]:
    return re.findall(r"<record><!\[CDATA\[<li><a href='([^']+)'", xml)


def test_hanweb_datastore_and_dataproxy_cover_every_article_once(web, truth):
    page = get(web, COUNTY, "/col/col1229410724/index.html")[2].decode("gb18030")
    store = re.search(r'<script type="text/xml">(.*?)</script>', page, re.S)
    assert store is not None
    seen = _records(store.group(1))
    assert len(seen) == 15
    assert f"<totalrecord>{N}</totalrecord>" in page
    assert f"<totalpage>{math.ceil(N / 15)}</totalpage>" in page
    nextgroup = re.search(r'<nextgroup><!\[CDATA\[<a href="([^"]+)">', page).group(1)
    query = parse_qs(urlsplit(nextgroup).query)
    assert query["columnid"] == ["1229410724"] and query["unitid"] == ["7650715"]
    start = 16
    while start <= N:  # alternate GET and POST the way different Hanweb clients do
        params = f"startrecord={start}&endrecord={start + 14}&perpage=15&columnid=1229410724&unitid=7650715"
        if start % 2:
            status, _, body = get(web, COUNTY, PROXY + "?" + params)
        else:
            status, _, body = get(web, COUNTY, PROXY, "POST", params.encode())
        assert status == 200
        ET.fromstring(body)  # well-formed XML
        seen += _records(body.decode())
        start += 15
    assert len(seen) == len(set(seen)) == N
    assert set(seen) == desktop_paths(truth, COUNTY)
    by_page = get(web, COUNTY, "/module/web/jpage/dataproxy.jsp?page=2&perpage=15")[2].decode()
    assert _records(by_page) == seen[15:30]


def test_trs_lists_page_count_and_relative_links(web, truth):
    pages = math.ceil(N / 20)
    seen: list[str] = []
    for page in range(pages):
        path = "/jsyw/index.shtml" if page == 0 else f"/jsyw/index_{page}.shtml"
        html = get(web, PORTAL, path)[2].decode()
        assert f'createPageHTML({pages}, {page}, "index", "shtml")' in html
        hrefs = re.findall(r'<li><a href="([^"]+)"', html)
        assert all(h.startswith("./") for h in hrefs)
        seen += [urlsplit(urljoin(BASE + path, h)).path for h in hrefs]
    assert get(web, PORTAL, f"/jsyw/index_{pages}.shtml")[0] == 404
    assert len(seen) == len(set(seen)) == N and set(seen) == desktop_paths(truth, PORTAL)


def test_trs_article_chrome_and_metadata_lines(web, truth):
    record = next(r for r in truth if r.site == PORTAL and r.images and r.correspondents)
    html = get(web, PORTAL, record.path)[2].decode()
    assert 'alt="未标题-1.jpg"' in html and "听新闻" in html and "上一篇" in html and "相关新闻" in html
    assert f"通讯员：{record.correspondents[0]}" in html and f"编辑：{record.editors[0]}" in html
    assert "标签：</div>" in html and f"责编：{record.editors[-1]}" in html
    assert record.published_at.endswith("+08:00") and len(record.published_at) == 25
    assert record.published_at.replace("T", " ")[:19] in html
    assert "./W0" in html and 'class="TRS_Editor"' in html


def test_cdpf_lists_end_with_404_and_mobile_twins(web, truth):
    seen: list[str] = []
    page = 0
    while True:
        status, _, body = get(
            web, CDPF, "/xwzx/clyw2/index.htm" if page == 0 else f"/xwzx/clyw2/index{page}.htm"
        )
        if status == 404:
            break
        items = re.findall(
            r'<li><span>\d{4}-\d{2}-\d{2}</span><a href="\./([0-9a-f]{32}\.htm)"', body.decode()
        )
        seen += ["/xwzx/clyw2/" + name for name in items]
        page += 1
    assert page == math.ceil(N / 20)
    assert len(seen) == len(set(seen)) == N and set(seen) == desktop_paths(truth, CDPF)
    twin = next(r for r in truth if r.kind == "mobile_twin")
    assert twin.canonical and twin.path == twin.canonical.replace(".htm", "_mobile.htm")
    desktop = get(web, CDPF, twin.canonical)[2].decode()
    assert f'href="./{twin.path.rsplit("/", 1)[1]}">手机版</a>' in desktop
    mobile = get(web, CDPF, twin.path)[2].decode()
    assert f'<link rel="canonical" href="{twin.canonical}">' in mobile
    original = web.truth_by_path(CDPF, twin.canonical)
    assert (twin.title, twin.body, twin.story_id) == (original.title, original.body, original.story_id)
    assert all(r.relevant for r in truth if r.site == CDPF)


def test_citynews_next_links_private_pages_and_header_only_charset(web, truth):
    seen: list[str] = []
    path: str | None = "/news/list_1.html"
    private: list[str] = []
    while path:
        html = get(web, CITY, path)[2].decode()
        seen += re.findall(r'<li><a href="(/news/[^"]+)">', html)
        private += re.findall(r'href="(/private/[^"]+)"', html)
        following = re.search(r'<a href="([^"]+)">下一页</a>', html)
        path = urljoin(BASE + path, following.group(1))[len(BASE) :] if following else None
    assert len(seen) == len(set(seen)) == N and set(seen) == desktop_paths(truth, CITY)
    assert private and get(web, CITY, private[0])[0] == 200
    assert get(web, CITY, f"/news/list_{math.ceil(N / 20) + 1}.html")[0] == 404
    metas = [b"charset=" in get(web, CITY, p)[2] for p in sorted(seen)]
    assert True in metas and False in metas
    assert all(get(web, CITY, p)[1]["Content-Type"] == "text/html; charset=utf-8" for p in seen)
    page = get(web, CITY, seen[0])[2].decode()
    assert "无障碍浏览" in page and "区残联</a>" in page and "中国残联</a>" in page


def test_robots_sitemap_and_rss(web, truth):
    robots = {site: get(web, site, "/robots.txt")[2].decode() for site in (COUNTY, PORTAL, CDPF, CITY)}
    assert "Disallow: /private/" in robots[CITY]
    assert all("User-agent: *" in text for text in robots.values())
    assert all("/private/" not in robots[s] for s in (COUNTY, PORTAL, CDPF))
    assert f"Sitemap: {BASE}/sitemap.xml" in robots[CDPF]
    ns = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    sitemap = ET.fromstring(get(web, CDPF, "/sitemap.xml")[2])
    locs = [urlsplit(loc.text or "").path for loc in sitemap.findall("sm:url/sm:loc", ns)]
    assert set(locs) == desktop_paths(truth, CDPF)
    assert all(
        re.fullmatch(r"\d{4}-\d{2}-\d{2}", m.text or "") for m in sitemap.findall("sm:url/sm:lastmod", ns)
    )
    bigger = SampleWeb(2026, 60)
    channel = ET.fromstring(bigger.respond(PORTAL, "GET", "/rss.xml", None, BASE)[2]).find("channel")
    items = channel.findall("item")
    assert len(items) == 50
    for item in items:
        link = item.findtext("link") or ""
        assert link.startswith(BASE)
        record = bigger.truth_by_path(PORTAL, link[len(BASE) :])
        assert record is not None and record.title == item.findtext("title")


def test_unknown_paths_and_past_the_end_are_404(web):
    for site in (COUNTY, PORTAL, CDPF, CITY):
        assert get(web, site, "/no/such/page.html")[0] == 404
    assert get(web, COUNTY, "/col/col1229410724/index_1.html")[0] == 404  # Hanweb: no static paging
    assert get(web, COUNTY, "/art/2019/1/25/art_1229410724_99999999.html")[0] == 404
    assert get(web, CDPF, "/xwzx/clyw2/" + "0" * 32 + ".htm")[0] == 404


@pytest.mark.parametrize("seed", [2026, 1, 7])
def test_originals_are_not_near_duplicates_and_copies_are(seed):
    articles = [r for r in SampleWeb(seed, N).truth() if r.kind == "article"]
    shingles = {(r.site, r.path): grams("".join(r.body)) for r in articles}
    originals = [r for r in articles if r.republishes is None]
    assert len({r.story_id for r in originals}) == len(originals)
    for a, b in itertools.combinations(originals, 2):
        assert jaccard(shingles[a.site, a.path], shingles[b.site, b.path]) < 0.3, (a.title, b.title)
    copies = [r for r in articles if r.republishes]
    assert {r.site for r in copies} == {PORTAL, CITY}
    by_key = {f"{r.site}:{r.path}": r for r in articles}
    for copy in copies:
        original = by_key[copy.republishes]
        assert original.republishes is None and original.story_id == copy.story_id
        assert jaccard(shingles[copy.site, copy.path], shingles[original.site, original.path]) >= 0.5
        assert copy.published_at > original.published_at
        assert copy.relevant == original.relevant
        if copy.site == CITY:
            assert copy.title.startswith(COPY_PREFIXES) and copy.title.endswith(original.title)
            assert len(copy.body) == len(original.body) - 1


def test_truth_bodies_are_free_of_chrome_and_well_formed(truth):
    for record in truth:
        for text in (record.title, *record.body):
            assert not [m for m in CHROME_MARKERS if m in text], (record.path, text)
        assert 4 <= len(record.body) <= 12 or record.republishes, record.path
        assert re.fullmatch(r"20(1[89]|2[0-6])-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?\+08:00", record.published_at)
        assert all(" " not in name for name in record.authors + record.editors + record.correspondents)


def test_relevance_mix_traps_and_successor_reports(truth):
    city = [r for r in truth if r.site == CITY]
    traps = ("农药残留", "残骸", "伤残军人", "伤残", "康复", "通关无障碍")
    trap_items = [r for r in city if not r.relevant and any(t in r.title for t in traps)]
    assert len(trap_items) >= 6
    assert all("残联" not in "".join(r.body) for r in trap_items)
    county = {r.relevant for r in truth if r.site == COUNTY}
    assert county == {True, False}
    annual = [r for r in truth if r.site == COUNTY and r.title.startswith("用行动温暖")]
    assert len(annual) >= 2 and len({r.story_id for r in annual}) == len(annual)
    assert len({r.title for r in annual}) == len(annual)
    assert any(p.startswith("亮点一：") for r in annual for p in r.body)


def test_large_sample_web_is_generated_lazily():
    big = SampleWeb(2026, 30000)
    entry = big.entry(CDPF, 29999)
    assert get(big, CDPF, entry.path)[0] == 200
    assert big.truth_by_path(CDPF, entry.path).path == entry.path
    page = get(big, COUNTY, "/module/web/jpage/dataproxy.jsp?startrecord=29986&endrecord=30000&perpage=15")
    assert len(_records(page[2].decode())) == 15
    assert "<totalrecord>30000</totalrecord>" in page[2].decode()


def test_large_sample_webs_page_their_lists_to_the_end(tmp_path: Path) -> None:
    bases = {"sample-cdpf": "http://127.0.0.1:9", "sample-portal": "http://127.0.0.1:10"}
    path = tmp_path / "sites.toml"
    write_sites_toml(site_definitions(bases, articles_per_site=25_000), path)
    registry = load_registry([path], include_builtin=False)
    # 20 articles per list page: 25,000 articles need 1,250 pages, more than the registry default of 200.
    assert all(site.max_list_pages >= 1_250 for site in registry)
    write_sites_toml(site_definitions(bases), path)
    assert all(site.max_list_pages == 200 for site in load_registry([path], include_builtin=False))
