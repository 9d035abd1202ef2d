"""Extraction quality and speed: our extractor against trafilatura, readability-lxml and gne, same pages.

`python -m bench.bench_extract [--per-site N] [--seed S] [--repeat R]`

Pages: every article page of the sample web (`--per-site` articles on each of its four sites, plus the cdpf
mobile twins) and the article pages of tests/extraction_corpus. Truth comes from the generator and the
golden JSON files. Measures: body character-F1 (bag of characters after NFKC, whitespace removed), exact
title, same-day date (Beijing time; "no date" is right when the truth has none), author / source / editor
hit rates (exact, on pages whose truth has the field), pages with chrome in the body and markers per page,
and pages per CPU-second (best of `--repeat` passes). trafilatura gets the raw bytes, as its API invites;
readability-lxml and gne take text only and get the page decoded by our decoder (so their GBK pages are not
garbled, and their time includes our decoding). Needs requirements-bench.txt.
"""

from __future__ import annotations

import argparse
import json
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import trafilatura
from lxml.html import fromstring
from trafilatura.metadata import Document as TrafilaturaDocument

from crawler.extraction import decode_html, extract
from crawler.extraction.dates import SHANGHAI, parse_date
from crawler.extraction.model import Article
from crawler.extraction.render import render_blocks
from sampleweb import CHROME_MARKERS, SampleWeb

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "extraction_corpus"
# The sample web's own markers plus the chrome strings named in the extraction issue; any marker that
# occurs in a true body is dropped at run time, so a hit is always a leak.
_ISSUE_MARKERS = "当前位置 扫一扫 返回顶部 相关新闻 相关阅读 公网安备 免责声明 网站地图"
MARKERS = (*CHROME_MARKERS, *_ISSUE_MARKERS.split())
_NAME_SPLIT = re.compile(r"[;；,，、\s]+")


@dataclass(frozen=True, slots=True)
class Truth:
    body: tuple[str, ...]
    title: str | None = None
    has_date: bool = False
    day: date | None = None
    source: str | None = None
    authors: tuple[str, ...] = ()
    editors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Page:
    url: str
    raw: bytes
    headers: dict[str, str]
    truth: Truth


@dataclass(frozen=True, slots=True)
class Output:
    body: str = ""
    title: str = ""
    day: date | None = None
    source: str = ""
    authors: tuple[str, ...] = ()
    editors: tuple[str, ...] = ()


@dataclass(slots=True)
class Score:
    supported: frozenset[str]
    pages: int = 0
    f1: float = 0.0
    fields: dict[str, Counter[bool]] = field(default_factory=dict)
    leak_pages: int = 0
    leaks: int = 0
    seconds: float = 0.0


def _day(value: str | None) -> date | None:
    found = parse_date(value) if value else None
    return found.value.astimezone(SHANGHAI).date() if found else None


def sample_pages(per_site: int, seed: int) -> list[Page]:
    web = SampleWeb(seed=seed, articles_per_site=per_site)
    pages = []
    for record in web.truth():
        _status, headers, raw = web.respond(record.site, "GET", record.path)
        day = _day(record.published_at)
        truth = Truth(record.body, record.title, True, day, record.source, record.authors, record.editors)
        pages.append(Page(f"http://{record.site}.invalid{record.path}", raw, headers, truth))
    return pages


def corpus_pages() -> list[Page]:
    pages = []
    for expected_path in sorted(CORPUS.glob("*/*.json")):
        if expected_path.name.endswith(".meta.json"):
            continue
        expected: dict[str, Any] = json.loads(expected_path.read_text())
        if "error" in expected:
            continue
        stem = expected_path.name.removesuffix(".json")
        meta = json.loads(expected_path.with_name(f"{stem}.meta.json").read_text())
        raw = next(expected_path.parent.glob(f"{stem}.htm*")).read_bytes()
        pages.append(Page(meta["url"], raw, meta.get("headers", {}), _corpus_truth(expected)))
    return pages


def _corpus_truth(expected: dict[str, Any]) -> Truth:
    return Truth(
        body=tuple(expected["body"]),
        title=expected.get("title"),
        has_date="published_at" in expected,
        day=_day(expected.get("published_at")),
        source=expected.get("source"),
        authors=tuple(expected.get("authors", ())),
        editors=tuple(expected.get("editors", ())),
    )


def ours(page: Page) -> Output:
    result = extract(page.raw, page.url, page.headers)
    if not isinstance(result, Article):
        return Output()
    day = result.published_at.astimezone(SHANGHAI).date() if result.published_at else None
    return Output(result.body, result.title, day, result.source or "", result.authors, result.editors)


def _names(value: str | None) -> tuple[str, ...]:
    return tuple(name for name in _NAME_SPLIT.split(value or "") if name)


def trafilatura_with(precision: bool) -> Callable[[Page], Output]:
    def run(page: Page) -> Output:
        doc = trafilatura.bare_extraction(
            page.raw, url=page.url, favor_precision=precision, with_metadata=True, include_comments=False
        )
        if not isinstance(doc, TrafilaturaDocument):
            return Output()
        return Output(doc.text or "", doc.title or "", _day(doc.date), authors=_names(doc.author))

    return run


def trafilatura_plain(page: Page) -> Output:
    """The speed reference: `trafilatura.extract` on the raw bytes, text only, default settings."""
    return Output(trafilatura.extract(page.raw, url=page.url, include_comments=False) or "")


def readability_lxml(page: Page) -> Output:
    from readability import Document  # optional: requirements-bench.txt

    # readability-lxml 0.8.4.1 cannot take bytes (its charset sniffing applies str patterns to them)
    document = Document(decode_html(page.raw, page.headers).text, url=page.url)
    summary = fromstring(document.summary(html_partial=True))
    # The same neutral block renderer for everyone: one line per paragraph, nested text counted once.
    lines = [block.text for block in render_blocks(summary, page.url) if block.image is None]
    return Output("\n".join(lines), document.short_title())


def gne_extractor(page: Page) -> Output:
    from gne import GeneralNewsExtractor  # optional: requirements-bench.txt

    text = decode_html(page.raw, page.headers).text
    try:
        result = GeneralNewsExtractor().extract(text, host=page.url)
    except Exception:  # gne raises on pages it cannot score; count them as empty
        return Output()
    content, title, published = result.get("content", ""), result.get("title", ""), result.get("publish_time")
    return Output(content, title, _day(published), authors=_names(result.get("author")))


ALL = frozenset(("title", "date", "authors", "source", "editors"))
# Each tool with the fields it has at all; the others show as "—". trafilatura's `sitename` names the
# site, not the 来源 of a republished report, so it is not scored as a source.
EXTRACTORS: dict[str, tuple[Callable[[Page], Output], frozenset[str]]] = {
    "canlian (ours)": (ours, ALL),
    "trafilatura 2.3 extract(), text only": (trafilatura_plain, frozenset()),
    "trafilatura 2.3 default + metadata": (
        trafilatura_with(precision=False),
        frozenset(("title", "date", "authors")),
    ),
    "trafilatura favor_precision + metadata": (
        trafilatura_with(precision=True),
        frozenset(("title", "date", "authors")),
    ),
    "readability-lxml": (readability_lxml, frozenset(("title",))),
    "gne": (gne_extractor, frozenset(("title", "date", "authors"))),
}


def _bag(text: str) -> Counter[str]:
    return Counter("".join(unicodedata.normalize("NFKC", text).split()))


def char_f1(predicted: str, truth: str) -> float:
    got, want = _bag(predicted), _bag(truth)
    overlap = sum((got & want).values())
    if not overlap:
        return 1.0 if not got and not want else 0.0
    precision, recall = overlap / sum(got.values()), overlap / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def _squash(text: str | None) -> str:
    return "".join((text or "").split())


def _same(got: tuple[str, ...] | str, want: tuple[str, ...] | str) -> bool:
    if isinstance(got, str) or isinstance(want, str):
        return _squash(str(got)) == _squash(str(want))
    return {_squash(name) for name in got} == set(want)


def grade(score: Score, output: Output, truth: Truth, markers: tuple[str, ...]) -> None:
    score.pages += 1
    score.f1 += char_f1(output.body, "\n".join(truth.body))
    checks: dict[str, tuple[bool, bool]] = {  # field: (truth has it, tool got it right)
        "title": (truth.title is not None, _same(output.title, truth.title or "")),
        "date": (truth.has_date, output.day == truth.day),
        "authors": (bool(truth.authors), _same(output.authors, truth.authors)),
        "source": (bool(truth.source), _same(output.source, truth.source or "")),
        "editors": (bool(truth.editors), _same(output.editors, truth.editors)),
    }
    for name, (known, right) in checks.items():
        if known and name in score.supported:
            score.fields.setdefault(name, Counter())[right] += 1
    found = sum(output.body.count(marker) for marker in markers)
    score.leaks += found
    score.leak_pages += found > 0


def measure(
    tool: tuple[Callable[[Page], Output], frozenset[str]],
    pages: list[Page],
    markers: tuple[str, ...],
    repeat: int,
) -> Score:
    run, supported = tool
    score = Score(supported)
    outputs: list[Output] = []
    best = float("inf")
    for _ in range(repeat):
        # CPU time of this process: the machine is shared, wall time would measure the neighbours too
        start = time.process_time()
        outputs = [run(page) for page in pages]
        best = min(best, time.process_time() - start)
    for page, output in zip(pages, outputs, strict=True):
        grade(score, output, page.truth, markers)
    score.seconds = best
    return score


def _rate(counter: Counter[bool] | None) -> str:
    if counter is None or not counter.total():
        return "—"  # the tool has no such field
    return f"{100 * counter[True] / counter.total():.1f}%"


def row(name: str, score: Score) -> str:
    n = score.pages
    cells = [
        name,
        f"{score.f1 / n:.3f}",
        *(_rate(score.fields.get(key)) for key in ("title", "date", "authors", "source", "editors")),
        f"{score.leak_pages} ({100 * score.leak_pages / n:.1f}%)",
        f"{score.leaks / n:.2f}",
        f"{n / score.seconds:.0f}",
    ]
    return "| " + " | ".join(cells) + " |"


HEADER = (
    "| extractor | body char-F1 | exact title | same-day date | authors | source | editors "
    "| pages with chrome | markers/page | pages/CPU-s |\n|---|---|---|---|---|---|---|---|---|---|"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-site", type=int, default=100, help="sample-web articles per site")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=1, help="timed passes; the fastest counts")
    args = parser.parse_args(argv)
    pages = sample_pages(args.per_site, args.seed) + corpus_pages()
    bodies = ["\n".join(page.truth.body) for page in pages]
    markers = tuple(m for m in MARKERS if not any(m in body for body in bodies))
    print(f"{len(pages)} pages ({datetime.now(SHANGHAI):%Y-%m-%d}); markers: {', '.join(markers)}\n")
    print(HEADER)
    for name, tool in EXTRACTORS.items():
        try:
            print(row(name, measure(tool, pages, markers, args.repeat)), flush=True)
        except ImportError as err:  # baselines are optional: `pip install -r requirements-bench.txt`
            print(f"| {name} | not installed ({err.name}): pip install -r requirements-bench.txt |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
