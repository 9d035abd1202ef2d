"""Invariants of every built-in (real) registry entry, and golden article URLs from docs/sites.md.

The golden URLs are the examples the evidence cites (hex ids the notes abbreviate are padded to length).
Each must match its own site's patterns and no other site's, so a page is attributed to one site.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from crawler.sites import LEVELS, Site, load_registry
from spiders.strategies import STRATEGIES

REGISTRY = load_registry()
SITES = list(REGISTRY)
_HOST_PART = re.compile(r"^\^https\?://(.+?)/")
EVIDENCE = re.compile(r"3rd-party|seen")


def test_registry_loads_with_unique_keys_and_a_useful_size() -> None:
    keys = [site.key for site in SITES]
    assert len(keys) == len(set(keys))
    levels = {site.level for site in REGISTRY.enabled()}
    assert {"national", "province", "city", "county", "news"} <= levels
    assert len([s for s in SITES if s.level == "province"]) >= 10


@pytest.mark.parametrize("site", SITES, ids=lambda s: s.key)
def test_entry_invariants(site: Site) -> None:
    assert site.level in LEVELS and site.list_strategy in STRATEGIES
    assert not site.allow_private_network, "real sites are never on private addresses"
    for pattern in (*site.article_patterns, *site.list_patterns):
        assert pattern.pattern.startswith("^https?://") and pattern.pattern.endswith("$"), pattern.pattern
    hosts = [_HOST_PART.match(p.pattern) for p in site.article_patterns]
    assert all(hosts), "article patterns name their host"
    for url in site.start_urls:
        host = urlsplit(url).netloc
        assert any(re.fullmatch(m.group(1), host) for m in hosts if m), f"{host} is not an article host"
    if site.level in ("province", "city", "county"):
        assert site.province, "local sites need their province"
    if site.level in ("city", "county"):
        assert site.city or site.province in ("北京市", "天津市", "上海市", "重庆市")
    if site.level == "county":
        assert site.county
    if site.level == "national":
        assert not (site.province or site.city or site.county)
    if site.verified:
        assert EVIDENCE.search(site.notes), "a verified entry cites its (seen / 3rd-party) evidence"
    else:
        assert site.notes, "an unverified entry says what is inferred"
    if site.list_strategy == "hanweb_jpaas":
        assert (site.politeness.download_delay or 0) >= 0.5, "JPaaS gateways rate-limit bursts"
    if site.list_strategy == "json_api":
        assert site.list_api is not None


GOLDEN = [
    ("cdpf-clyw", "https://www.cdpf.org.cn/xwzx/clyw2/5536a8ea0c8b4b2c9d1e2f3a4b5c6d7e.htm"),
    ("cdpf-clyw", "https://www.cdpf.org.cn/xwzx/clyw2/5536a8ea0c8b4b2c9d1e2f3a4b5c6d7e_mobile.htm"),
    ("cdpf-clyw", "http://www.cdpf.org.cn/yw/201605/t20160516_552297.shtml"),
    ("cdpf-dfdt", "https://www.cdpf.org.cn/xwzx/dfdt1/2fc60d430a1b2c3d4e5f60718293a4b5.htm"),
    ("cdpf-zcwj", "https://www.cdpf.org.cn/zwgk/zcwj/wjfb/0c1d2e3f40516273849a5b6c7d8e9f00.htm"),
    ("cdpf-ggtz", "https://www.cdpf.org.cn/zwgk/ggtz1/b31d0a1b2c3d4e5f60718293a4b5c6d7.htm"),
    ("cdpf-jyjy", "https://www.cdpf.org.cn/ywpd/jyjy/jyjygzdt/9a8b7c6d5e4f30211a2b3c4d5e6f7081.htm"),
    ("cdpee-news", "https://www.cdpee.org.cn/news/newDetail?id=1790012345678901234"),
    ("chinadp", "https://www.chinadp.net.cn/magazine/article/zhuce/31964.html"),
    (
        "xiuzhou-news",
        "https://www.xiuzhou.gov.cn/col/col1229410724/art/2026/art_0b39bb56a1c24f7e9d3e2f1a0b9c8d7e.html",
    ),
    ("xiuzhou-news", "http://www.xiuzhou.gov.cn/art/2019/1/25/art_1229410724_29837555.html"),
    ("jschina-jsyw", "https://jsnews.jschina.com.cn/jsyw/202607/t20260718_s6a5a0b1c2d3e4f5a6b7c8d9e.shtml"),
    ("jschina-jsyw", "http://jsnews.jschina.com.cn/jsyw/202106/t20210621_7112345.shtml"),
    ("jschina-nj", "http://jsnews.jschina.com.cn/nj/a/201807/t20180716_1761701.shtml"),
    (
        "jschina-huaian",
        "https://zgjssw.jschina.com.cn/shixianchuanzhen/huaian/202609/t20260908_8592431.shtml",
    ),
    ("sxdpf", "https://www.sxdpf.org.cn/xwzx/jcdt/art/2025/art_70a5b1c2d3e4f5a6b7c8d9e0f1a2b3c4.html"),
    ("scdpf", "https://www.scdpf.org.cn/zwgk/tzgg/202602/t20260227_32409.html"),
    ("qhcl", "https://www.qhcl.org.cn/xwzx/tzgg/202603/t20260305_394132.html"),
    ("ndpf", "https://www.ndpf.org.cn/zcjd/202311/t20231121_797812.html"),
    ("gddpf", "https://www.gddpf.org.cn/ywzc/jyjy/jy/content/post_595450.html"),
    ("tjdpf", "https://www.tjdpf.org.cn/system/2026/05/06/030098685.shtml"),
    ("ahdpf", "https://www.ahdpf.org.cn/ztzl/jyxcn/150424631.html"),
    ("henancjr", "https://www.henancjr.org.cn/info/70594"),
    ("hbdpf", "https://www.hbdpf.org.cn/gk/gfwj/flfg/161202.htm"),
    ("gxdpf", "https://www.gxdpf.org.cn/contents/646/44458.html"),
    ("xjdpf", "https://www.xjdpf.org.cn/info/1106/34332.htm"),
    ("nbcl", "https://www.nbcl.org.cn/art/2026/5/7/art_6636_640885.html"),
    ("lishui-cl", "https://www.lishui.gov.cn/art/2025/9/3/art_1229820306_57380528.html"),
    ("hefei-scl", "https://scl.hefei.gov.cn/ztzl/msgc/18913565.html"),
    ("sydpf", "https://www.sydpf.cn/zwgk/gsgg/202602/t20260227_4992107.html"),
    ("jqscl", "http://www.jqscl.org.cn/a/yewugongzuo/wei___/153.html"),
    ("cdwlcl", "http://www.cdwlcl.com/zhdt/gzdt/content_290256"),
    ("btcl", "https://www.btcl.gov.cn/nd.jsp?fromColId=2&id=2859"),
    ("jiangyin-cl", "https://cl.jiangyin.gov.cn/doc/2025/04/03/1329874.shtml"),
]


@pytest.mark.parametrize(("key", "url"), GOLDEN, ids=[f"{k}:{u[-24:]}" for k, u in GOLDEN])
def test_golden_article_url_belongs_to_exactly_its_site(key: str, url: str) -> None:
    owners = [site.key for site in SITES if site.is_article_url(url)]
    assert owners == [key]


@pytest.mark.parametrize(
    "url",
    [
        "https://www.cdpf.org.cn/xwzx/clyw2/index.htm",
        "https://www.cdpf.org.cn/xwzx/clyw2/index3.htm",
        "https://www.xiuzhou.gov.cn/col/col1229410724/index.html",
        "https://jsnews.jschina.com.cn/jsyw/index_1.shtml",
        "https://www.lishui.gov.cn/col/col1229820300/index.html",
        "https://www.cdpee.org.cn/api/app-jycy-consultation/getHomeInformationList?pageNum=1&pageSize=20",
    ],
)
def test_list_pages_are_no_articles(url: str) -> None:
    assert not [site.key for site in SITES if site.is_article_url(url)]


def test_mislabelled_domains_are_attributed_correctly() -> None:
    assert REGISTRY.get("sxdpf").province == "山西省", "sxdpf.org.cn is 山西, not 陕西"
    assert REGISTRY.get("xzcl").province == "江苏省", "xzcl.gov.cn is 徐州, not 西藏 (xzcl.org.cn)"
