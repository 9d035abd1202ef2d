"""The pages `bench_extract` scores, with their truth: the sample web, the golden corpus, real pages.

Real pages come from `../shared/realpages` when it is present (90 pages with truth from public repositories,
see its README) and from the copies in `tests/realpages` (the same layout), deduplicated by id. The ids in
`bench/extract_heldout.txt` were drawn before tuning and never inspected: they are scored separately.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from crawler.extraction.dates import SHANGHAI, parse_date
from sampleweb import SampleWeb

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "extraction_corpus"
REAL_DIRS = (ROOT.parent / "shared" / "realpages", ROOT / "tests" / "realpages")
HELD_OUT = frozenset(
    line.strip()
    for line in (Path(__file__).with_name("extract_heldout.txt")).read_text().splitlines()
    if line.strip() and not line.startswith("#")
)


_AGREEMENT = re.compile(r"P=([\d.]+) R=([\d.]+)")


@dataclass(frozen=True, slots=True)
class Truth:
    body: tuple[str, ...]
    title: str | None = None
    has_date: bool = False  # the truth knows whether the page is dated (None means "no date")
    day: date | None = None
    source: str | None = None
    authors: tuple[str, ...] = ()
    editors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Page:
    name: str
    url: str
    raw: bytes
    headers: dict[str, str]
    truth: Truth
    trusted: bool = True  # False for tool-made truth that disagrees with the page's own container


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
        url = f"http://{record.site}.invalid{record.path}"
        pages.append(Page(f"{record.site}{record.path}", url, raw, headers, truth))
    return pages


def corpus_pages() -> list[Page]:
    """Every article page of tests/extraction_corpus (the golden files), refusals left out."""
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
        name = f"{expected_path.parent.name}/{stem}"
        pages.append(Page(name, meta["url"], raw, meta.get("headers", {}), _corpus_truth(expected)))
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


def real_pages(dirs: tuple[Path, ...] = REAL_DIRS) -> tuple[list[Page], list[Page]]:
    """(development pages, held-out pages) of every realpages folder found, each id once."""
    seen: dict[str, Page] = {}
    for folder in dirs:
        notes = _index_notes(folder)
        for truth_path in sorted((folder / "truth").glob("*.json")):
            page_id = truth_path.stem
            paths = [folder / "pages" / f"{page_id}{suffix}" for suffix in (".html", ".html.gz")]
            page_path = next((path for path in paths if path.exists()), None)
            if page_id in seen or page_path is None:
                continue
            truth = json.loads(truth_path.read_text())
            seen[page_id] = _real_page(page_id, page_path, truth, _trusted(truth, notes.get(page_id, "")))
    pages = sorted(seen.values(), key=lambda page: page.name)
    return [p for p in pages if p.name not in HELD_OUT], [p for p in pages if p.name in HELD_OUT]


def _index_notes(folder: Path) -> dict[str, str]:
    index = folder / "INDEX.tsv"
    rows = index.read_text().splitlines()[1:] if index.exists() else []
    return {row.split("\t")[0]: row.split("\t")[-1] for row in rows}


def _trusted(truth: dict[str, Any], note: str) -> bool:
    """People's or the page's own truth; a tool's only where it agrees >= 0.8 with the page's container
    (the INDEX.tsv note; 'no-container' pages cannot be checked and are left out)."""
    if truth.get("truth_origin") != "tool-output":
        return True
    agreement = _AGREEMENT.search(note)
    return agreement is not None and min(float(agreement.group(1)), float(agreement.group(2))) >= 0.8


def _real_page(page_id: str, page_path: Path, truth: dict[str, Any], trusted: bool) -> Page:
    # The pages come without headers: the extractors see the bytes as stored, as a saved page would be.
    url = truth.get("url") or f"http://realpages.invalid/{page_id}.html"
    body = tuple(line for line in truth["body"].splitlines() if line.strip())
    published = truth.get("published")
    raw = page_path.read_bytes()
    return Page(
        page_id,
        url,
        gzip.decompress(raw) if page_path.suffix == ".gz" else raw,
        {},
        Truth(body, truth.get("title"), published is not None, _day(published), authors=()),
        trusted,
    )
