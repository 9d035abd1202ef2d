"""Decoding: header, meta, BOM and detection order; gb18030 for gb2312/gbk; UTF-8 over stale meta."""

from __future__ import annotations

import codecs

import pytest

from crawler.extraction import decode_html
from crawler.extraction.decoding import declared_codecs, decode_counting, normalize_codec

TEXT = "<html><body><p>秀洲区残联工作亮点纷呈，镕（gb18030 独有字：䶮）</p></body></html>"
GBK_TEXT = "<html><body><p>秀洲区残联工作亮点纷呈，两项补贴共计1064.62万元。</p></body></html>"


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("gb2312", "gb18030"),
        ("GBK", "gb18030"),
        ("x-gbk", "gb18030"),
        ("UTF-8", "utf-8"),
        ("big5", "big5hkscs"),
    ],
)
def test_normalize_codec(label: str, codec: str) -> None:
    assert normalize_codec(label) == codec


def test_unknown_label_is_ignored() -> None:
    assert normalize_codec("no-such-charset") is None


def test_header_beats_meta_and_keys_ignore_case() -> None:
    raw = b'<meta charset="utf-8">' + GBK_TEXT.encode("gbk")
    assert declared_codecs(raw, {"content-TYPE": "text/html; charset=GBK"}) == ["gb18030", "utf-8"]


def test_gbk_with_meta_only_is_read_as_gb18030() -> None:
    raw = ('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">' + GBK_TEXT).encode("gbk")
    page = decode_html(raw, {"Content-Type": "text/html"})
    assert (page.encoding, page.errors) == ("gb18030", 0)
    assert "两项补贴" in page.text


def test_gb18030_only_characters_survive_a_gb2312_label() -> None:
    raw = ('<meta charset="gb2312">' + TEXT).encode("gb18030")
    assert "䶮" in decode_html(raw).text


def test_valid_utf8_wins_over_stale_gb2312_meta() -> None:
    raw = ('<meta charset="gb2312">' + TEXT).encode("utf-8")
    page = decode_html(raw, {})
    assert page.encoding == "utf-8"
    assert "秀洲区" in page.text


def test_gbk_bytes_declared_utf8_are_still_read() -> None:
    raw = ('<meta charset="utf-8">' + GBK_TEXT * 3).encode("gbk")
    page = decode_html(raw, {"Content-Type": "text/html; charset=utf-8"})
    assert page.encoding == "gb18030"
    assert "两项补贴共计" in page.text


def test_undeclared_gbk_is_detected() -> None:
    page = decode_html((GBK_TEXT * 3).encode("gbk"))
    assert page.encoding == "gb18030"


def test_a_few_bad_bytes_are_counted_not_fatal() -> None:
    raw = TEXT.encode("utf-8")
    raw = raw[:12] + b"\xff" + raw[12:]  # between two tags, not inside a character
    page = decode_html(raw, {"Content-Type": "text/html; charset=utf-8"})
    assert (page.encoding, page.errors) == ("utf-8", 1)
    assert "\ufffd" in page.text


def test_bom_decides_utf16() -> None:
    raw = codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le")
    assert decode_html(raw).text == TEXT


def test_latin1_header_default_is_not_trusted() -> None:
    page = decode_html(GBK_TEXT.encode("gbk"), {"Content-Type": "text/html; charset=ISO-8859-1"})
    assert page.encoding == "gb18030"


def test_decode_counting_gives_up_past_the_limit() -> None:
    assert decode_counting(GBK_TEXT.encode("gbk"), "utf-8", limit=3) is None


def test_many_bad_bytes_in_a_big_input_are_each_counted_once() -> None:
    # Two megabytes with a bad byte every 16: the old decoder re-decoded the rest after each one.
    chunk = "残联补贴ab".encode() + b"\xff"
    raw = chunk * (2_000_000 // len(chunk))
    page = decode_counting(raw, "utf-8", limit=len(raw))
    assert page is not None
    assert page.errors == raw.count(b"\xff")
    assert page.text == ("残联补贴ab" + "\ufffd") * (2_000_000 // len(chunk))


def test_random_bytes_decode_leniently_with_every_bad_byte_counted() -> None:
    raw = bytes((i * 7919 + i // 3) % 256 for i in range(300_000))
    page = decode_html(raw)
    assert page.errors > 0 and len(page.text) > 0
    assert page.text.count("\ufffd") <= page.errors
