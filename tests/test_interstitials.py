"""Captcha interstitials and soft 404s, told apart from real (short) articles that mention the same words."""

from __future__ import annotations

import pytest

from crawler.interstitials import Interstitial, classify

ARTICLE = (
    "<html><head><title>区残联开展助残日活动</title></head><body><h1>区残联开展助残日活动</h1>"
    "<p>5月19日，区残联在市民广场开展第三十三次全国助残日宣传活动，全区共有404名残疾人及家属参加，"
    "现场为残疾人办理证件，工作人员提醒：在线申领时请输入手机收到的验证码，验证码五分钟内有效。</p>"
    "<p>活动还提供辅助器具适配咨询、康复评估和就业岗位推介。</p></body></html>"
)


@pytest.mark.parametrize(
    "page",
    [
        "<html><head><title>安全验证</title></head><body><form><p>请输入验证码</p><input name=c></form>"
        "</body></html>",
        "<html><head><title>访问验证 - 某某县人民政府</title></head><body><div>为确保正常访问，请完成安全验证"
        "</div><input type=button value=验证></body></html>",
        "<html><head><title>提示</title></head><body><p>访问过于频繁，请输入图片验证码后继续</p>"
        "<form><input name=code><img src=/code.jpg></form></body></html>",
    ],
    ids=["title-and-form", "title-and-button", "text-and-form"],
)
def test_captcha_pages(page: str) -> None:
    assert classify(page.encode(), "utf-8") is Interstitial.CAPTCHA


@pytest.mark.parametrize(
    ("page", "encoding"),
    [
        ("<html><head><title>页面不存在</title></head><body><p>返回首页</p></body></html>", "utf-8"),
        ("<html><head><title>提示信息</title></head><body><p>对不起，您访问的页面不存在或已被删除。</p>"
         "<a href=/>返回首页</a></body></html>", "gbk"),
        ("<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>", "utf-8"),
        ("<html><head><title>某某市残联</title></head><body><div>404</div><p>抱歉，找不到该页面</p></body></html>",
         "utf-8"),
    ],
    ids=["title", "gbk-text", "english", "number-and-text"],
)  # fmt: skip
def test_soft_404_pages(page: str, encoding: str) -> None:
    assert classify(page.encode(encoding), encoding) is Interstitial.SOFT_404


def test_a_short_article_mentioning_404_people_and_a_verification_code_is_an_article() -> None:
    assert classify(ARTICLE.encode(), "utf-8") is None


def test_big_pages_are_never_interstitials() -> None:
    big = ARTICLE.replace("</body>", "<p>" + "残疾人康复服务。" * 9000 + "</p></body>")
    assert (
        classify(big.replace("区残联开展助残日活动</title>", "页面不存在</title>").encode(), "utf-8") is None
    )
