"""Real pages nobody here wrote (tests/realpages, see its README): each must give its article.

The truth of the cx pages is another extractor's output, so the floors are per truth kind: high where
people wrote the truth or it is the page's own container, lower where the cx truth disagrees with the
page's container (INDEX.tsv notes). A drop below a floor is a regression on a layout class, not a
target to tune a page to.
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from crawler.extraction import extract
from crawler.extraction.model import Article

ROOT = Path(__file__).parent / "realpages"
NOTES = {
    line.split("\t")[0]: line.rstrip("\n").split("\t")[-1]
    for line in (ROOT / "INDEX.tsv").read_text().splitlines()[1:]
}
# Chrome that must never reach a body (unless the true body has it).
MARKERS = (
    "上一篇",
    "下一篇",
    "相关新闻",
    "相关阅读",
    "关闭窗口",
    "打印本页",
    "联系我们",
    "版权所有",
    "当前位置",
    "网友评论",
    "发表评论",
    "责任编辑",
    "分享到",
    "返回顶部",
    "ICP",
)


def _bag(text: str) -> Counter[str]:
    return Counter("".join(unicodedata.normalize("NFKC", text).split()))


def char_f1(predicted: str, truth: str) -> float:
    got, want = _bag(predicted), _bag(truth)
    overlap = sum((got & want).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(got.values()), overlap / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def floor(page_id: str, truth: dict[str, object]) -> float:
    if truth["truth_origin"] != "tool-output":
        return 0.93
    agreement = re.search(r"P=([\d.]+) R=([\d.]+)", NOTES[page_id])
    trusted = agreement is None or min(float(agreement.group(1)), float(agreement.group(2))) >= 0.8
    return 0.9 if trusted else 0.7


@pytest.mark.parametrize("page_id", sorted(NOTES))
def test_real_page_gives_its_article(page_id: str) -> None:
    truth = json.loads((ROOT / "truth" / f"{page_id}.json").read_text())
    raw = gzip.decompress((ROOT / "pages" / f"{page_id}.html.gz").read_bytes())
    result = extract(raw, truth.get("url") or f"http://realpages.invalid/{page_id}.html")
    assert isinstance(result, Article), result
    assert len(result.body) >= 200
    assert char_f1(result.body, truth["body"]) >= floor(page_id, truth)
    leaked = [m for m in MARKERS if m in result.body and m not in truth["body"]]
    assert not leaked
    if truth.get("title"):
        assert result.title == truth["title"]


def test_no_held_out_page_is_copied() -> None:
    held_out = Path(__file__).parent.parent / "bench" / "extract_heldout.txt"
    ids = {line.strip() for line in held_out.read_text().splitlines() if line and not line.startswith("#")}
    assert not ids & set(NOTES)
    assert {p.name.removesuffix(".html.gz") for p in (ROOT / "pages").iterdir()} == set(NOTES)
