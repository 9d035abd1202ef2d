"""`extract`: raw bytes of a fetched page to an `Article`, or a `NoArticle` naming why there is none."""

from __future__ import annotations

import re
from collections.abc import Mapping

from lxml.html import HtmlElement

from crawler.extraction import fields, gate
from crawler.extraction.body import find_body
from crawler.extraction.bylines import Byline, closing_byline, dateline_byline
from crawler.extraction.chrome import Stripped, strip_chrome
from crawler.extraction.context import Context, read_context
from crawler.extraction.decoding import DecodedPage, decode_html
from crawler.extraction.dom import check_limits, parse_html, read_meta
from crawler.extraction.media import find_attachments, split_images
from crawler.extraction.model import Article, Attachment, Image, NoArticle, NoArticleReason
from crawler.extraction.render import render_page
from crawler.extraction.titles import pick_title, title_from_first_line

# Bump whenever a change alters output for the same input: `canlian reextract` keys on it.
# 1.1: attachment sizes, dates in Chinese numerals. 1.2: the ensemble body finder (densest block, prose run,
# trafilatura on disagreement, the title as anchor), titles without a title tag, more date, byline and
# chrome shapes of real pages, UTC meta dates shown in Beijing time, huge_tree with our own limits.
EXTRACTOR_VERSION = "canlian-extract/1.2"
_MAX_BAD_SHARE = 0.05
MAX_TEXT_CHARS = 20_000_000  # decoded characters; the crawl's download limit is 32 MB
_CJK = re.compile(r"[\u3400-\u9fff]")


def extract(raw: bytes, url: str, headers: Mapping[str, str] | None = None) -> Article | NoArticle:
    """Extract one article. Never raises on bad input: a broken page yields a `NoArticle`."""
    refused = gate.check_raw(raw, headers)
    if refused is not None:
        return refused
    page = decode_html(raw, headers)
    if page.errors > max(16, len(raw) * _MAX_BAD_SHARE):
        return NoArticle(NoArticleReason.UNDECODABLE, f"{page.errors} bad bytes as {page.encoding}")
    refused = gate.check_text(page.text)
    if refused is not None:
        return refused
    if len(page.text) > MAX_TEXT_CHARS:
        return NoArticle(NoArticleReason.TOO_LARGE, f"{len(page.text)} characters (limit {MAX_TEXT_CHARS})")
    tree = parse_html(page.text)
    if tree is None:
        return NoArticle(NoArticleReason.NOT_HTML, "no HTML document")
    beyond = check_limits(tree)
    if beyond is not None:
        reason = NoArticleReason.TOO_DEEP if "deep" in beyond else NoArticleReason.TOO_LARGE
        return NoArticle(reason, beyond)
    return gate.check_challenge(tree, page.text, headers) or _extract_tree(tree, page, url)


def _extract_tree(tree: HtmlElement, page: DecodedPage, url: str) -> Article | NoArticle:
    base_url = _base_url(tree, url)
    meta = read_meta(tree, page.text)
    title = pick_title(tree, meta)
    body_element = tree.find("body")
    page_blocks, elements = render_page(body_element if body_element is not None else tree, base_url)
    source = find_body(tree, base_url, page_blocks, elements, title)
    lines, images = split_images(source.blocks)
    attachments = find_attachments(source.container, tree, base_url)
    refused = gate.check_list_page(source.blocks) if not images else None
    if refused is not None and not attachments:
        return refused
    stripped = strip_chrome(lines, title)
    if not stripped.lines and not images and not attachments:
        return NoArticle(NoArticleReason.NO_MAIN_CONTENT, f"nothing left after chrome ({source.method})")
    if not title:
        title, stripped.lines = title_from_first_line(stripped.lines)
    if not title:
        return NoArticle(NoArticleReason.NO_TITLE, "no ArticleTitle, heading, <title> or text line")
    context = read_context(page_blocks, title, stripped.lines)
    return _assemble(tree, page, url, meta, title, stripped, context, images, attachments)


def _assemble(
    tree: HtmlElement,
    page: DecodedPage,
    url: str,
    meta: dict[str, str],
    title: str,
    stripped: Stripped,
    context: Context,
    images: list[Image],
    attachments: list[Attachment],
) -> Article:
    bylines = _bylines(stripped, context)
    site_text = (tree.findtext(".//title") or "").replace(title, " ")
    people = fields.collect_people(bylines, meta, site_text)
    date = fields.choose_date(meta, bylines, url, tree, context.visible_text or page.text, page.text)
    body = "\n".join(stripped.lines)
    return Article(
        url=url,
        title=title,
        body=body,
        published_at=date.value if date else None,
        published_raw=date.raw if date else None,
        source=fields.choose_source(meta, bylines),
        authors=tuple(people.authors),
        editors=tuple(people.editors),
        correspondents=tuple(people.correspondents),
        tags=tuple(people.tags),
        images=tuple(images),
        attachments=tuple(attachments),
        language=_language(tree, body or title),
        encoding=page.encoding,
        decode_errors=page.errors,
        extractor_version=EXTRACTOR_VERSION,
        extra=fields.extra_fields(meta, bylines),
    )


def _bylines(stripped: Stripped, context: Context) -> list[Byline]:
    """Every byline in page order: above the body, removed from it, below it, and credits inside it."""
    datelines = [b for line in stripped.lines[:2] if (b := dateline_byline(line)) is not None]
    closing = closing_byline(stripped.lines[-1]) if stripped.lines else None
    return context.head + stripped.bylines + context.tail + datelines + ([closing] if closing else [])


def _base_url(tree: HtmlElement, url: str) -> str:
    base = tree.find(".//base")
    href = base.get("href") if base is not None else None
    return href.strip() if href and href.strip().startswith(("http://", "https://")) else url


def _language(tree: HtmlElement, text: str) -> str:
    sample = text[:2000]
    if sample and len(_CJK.findall(sample)) >= 0.1 * len(sample):
        return "zh"
    declared = (tree.get("lang") or "").split("-")[0].lower()
    return declared or "zh"
