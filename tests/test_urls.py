from __future__ import annotations

import pytest

from storage.urls import canonical_url, url_key, without_session


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTP://WWW.CDPF.ORG.CN:80/xwzx/clyw2/ab.htm#top", "http://www.cdpf.org.cn/xwzx/clyw2/ab.htm"),
        ("https://www.cdpf.org.cn:443/xwzx/clyw2/ab_mobile.htm", "https://www.cdpf.org.cn/xwzx/clyw2/ab.htm"),
        ("https://a.gov.cn/col/col1/index.html", "https://a.gov.cn/col/col1/"),
        ("https://a.gov.cn/jsyw/index.shtml", "https://a.gov.cn/jsyw/"),
        ("https://a.gov.cn/x.html?utm_source=wx&b=2&a=1&spm=abc", "https://a.gov.cn/x.html?a=1&b=2"),
        (
            "http://127.0.0.1:18700/art/2019/1/25/art_1_2.html",
            "http://127.0.0.1:18700/art/2019/1/25/art_1_2.html",
        ),
        ("https://a.gov.cn/info.jsp?id=5&wbtreeid=12", "https://a.gov.cn/info.jsp?id=5&wbtreeid=12"),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


def test_http_and_https_of_one_host_share_a_key() -> None:
    assert url_key("http://www.cdpf.org.cn/a.htm") == url_key("https://www.cdpf.org.cn/a.htm")
    assert url_key("http://www.cdpf.org.cn/a.htm") != url_key("http://www.cdpf.org.cn/b.htm")
    assert url_key("http://127.0.0.1:1/a") != url_key("http://127.0.0.1:2/a"), "ports are different sites"


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("http://www.gov.cn./a.htm", "http://www.gov.cn/a.htm"),
        ("http://www.gov.cn", "http://www.gov.cn/"),
        ("http://a.gov.cn/col//art/./x/../a.html", "http://a.gov.cn/col/art/a.html"),
        ("http://a.gov.cn/%7euser/%e6%ae%8b.htm", "http://a.gov.cn/~user/%E6%AE%8B.htm"),
        ("http://a.gov.cn/残联/a.htm", "http://a.gov.cn/%E6%AE%8B%E8%81%94/a.htm"),
        ("http://残联.中国/a.htm", "http://xn--7mw865b.xn--fiqs8s/a.htm"),
        ("http://a.gov.cn/s.jsp?q=%D6%D0&page=2", "http://a.gov.cn/s.jsp?page=2&q=%D6%D0"),
        ("http://a.gov.cn/s.jsp?q=残联", "http://a.gov.cn/s.jsp?q=%E6%AE%8B%E8%81%94"),
        ("http://a.gov.cn/a.htm?fbclid=x&wxfrom=5&id=3", "http://a.gov.cn/a.htm?id=3"),
        ("http://a.gov.cn/a.htm?", "http://a.gov.cn/a.htm"),
    ],
)
def test_canonical_url_normalises_what_sites_write_differently(variant: str, canonical: str) -> None:
    assert canonical_url(variant) == canonical


def test_gbk_query_values_stay_distinct() -> None:
    """Decoding %D6%D0 as UTF-8 would turn every GBK value into U+FFFD and merge different pages."""
    assert url_key("http://a.gov.cn/s.jsp?q=%D6%D0") != url_key("http://a.gov.cn/s.jsp?q=%CE%C4")


def test_canonical_url_is_idempotent() -> None:
    for url in ("http://a.gov.cn/残联/a_mobile.htm?q=%d6%d0&b=1#x", "HTTPS://A.gov.cn:443//x/../index.html"):
        once = canonical_url(url)
        assert canonical_url(once) == once


@pytest.mark.parametrize(
    ("variant", "requested"),
    [
        ("http://a.gov.cn/art/5.html?sid=1", "http://a.gov.cn/art/5.html"),
        ("http://a.gov.cn/art/5.html;jsessionid=0A1B2C3D", "http://a.gov.cn/art/5.html"),
        ("http://a.gov.cn/a.jsp;JSESSIONID=X?id=5&utm_source=wx", "http://a.gov.cn/a.jsp?id=5"),
        ("http://a.gov.cn/a.asp?ASPSESSIONIDQQCT=AB&docid=7", "http://a.gov.cn/a.asp?docid=7"),
        ("http://a.gov.cn/a.php?PHPSESSID=zz&articleId=9&_=1701", "http://a.gov.cn/a.php?articleId=9"),
        ("http://a.gov.cn/a.php?sessionid=1&b=2&a=1", "http://a.gov.cn/a.php?b=2&a=1"),
    ],
)
def test_session_ids_and_tracking_are_dropped_but_content_parameters_kept(
    variant: str, requested: str
) -> None:
    assert without_session(variant) == requested, "requested as found, minus the session"
    assert url_key(variant) == url_key(requested), "one page in the archive"
