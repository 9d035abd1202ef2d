from __future__ import annotations

import pytest

from storage.urls import canonical_url, url_key


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
