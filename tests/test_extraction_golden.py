"""Golden files: every page in tests/extraction_corpus/<family>/ against its expected fields.

Each page `<name>.html` (or `.htm`) holds the bytes as served; `<name>.json` lists the expected fields
(only those listed are compared; a NoArticle is `{"error": reason}`); `<name>.meta.json` gives the URL
and the HTTP headers. Bodies are compared line by line after collapsing whitespace.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crawler.extraction import EXTRACTOR_VERSION, article_to_dict, extract
from crawler.extraction.model import Article

CORPUS = Path(__file__).parent / "extraction_corpus"


def _cases() -> list[Path]:
    return sorted(p for p in CORPUS.glob("*/*.json") if not p.name.endswith(".meta.json"))


def _page(expected_path: Path) -> Path:
    stem = expected_path.name.removesuffix(".json")
    return next(p for p in expected_path.parent.glob(f"{stem}.htm*"))


def _normalise_body(body: str) -> list[str]:
    return [" ".join(line.split()) for line in body.split("\n") if line.strip()]


def _result(expected_path: Path) -> dict[str, Any]:
    meta = json.loads(expected_path.with_name(expected_path.name.replace(".json", ".meta.json")).read_text())
    result = extract(_page(expected_path).read_bytes(), meta["url"], meta.get("headers"))
    if not isinstance(result, Article):
        return {"error": result.reason.value, "detail": result.detail}
    data = article_to_dict(result)
    json.dumps(data, ensure_ascii=False)  # what `canlian extract --json` prints must serialise
    data["body"] = _normalise_body(result.body)
    return data


@pytest.mark.parametrize("expected_path", _cases(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_golden_page(expected_path: Path) -> None:
    expected = json.loads(expected_path.read_text())
    got = _result(expected_path)
    for field, value in expected.items():
        assert got.get(field) == value, f"{field} differs"
    if "error" not in expected:
        assert got["extractor_version"] == EXTRACTOR_VERSION


def test_corpus_covers_every_family() -> None:
    families = {p.parent.name for p in _cases()}
    assert {"hanweb", "trs", "cdpf", "republish", "legacy", "encoding", "dates", "nopage"} <= families
    # the failure classes of real pages nobody here wrote (issue 14), one family each
    assert {"notitle", "wechat", "wrapper", "chrome", "authors", "bodyrules", "tables"} <= families
