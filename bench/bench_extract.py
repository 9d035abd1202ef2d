"""Extraction quality and speed: our extractor against trafilatura, readability-lxml and gne, same pages.

`python -m bench.bench_extract [--per-site N] [--seed S] [--repeat R] [--worst N]`

Corpora, each scored separately, every tool on the same pages in one run:
(a) own: the sample web's article pages (`--per-site` per site) and the golden pages of
    tests/extraction_corpus, truth from the generator and the golden JSON files; the extractor was tuned
    on it.
(b) real, development: ../shared/realpages (when present) plus tests/realpages, minus the held-out ids; the
    extractor was tuned on these too. 74 cx-* bodies are another extractor's output (noisy truth).
(c) real, held out: the ids in bench/extract_heldout.txt, drawn before tuning and never inspected.
Measures: body character-F1 (bag of characters after NFKC, whitespace removed), exact title, same-day date
(Beijing time, on pages whose truth knows the date), authors / source / editors (exact), chrome markers in the
body that the page's true body lacks (pages with any, markers per page), empty returns (nothing, or under 20
characters, where some peer extracts >= 200), and pages per CPU-second (best of `--repeat` passes) with the
ratio to plain trafilatura `extract()`. Then the worst pages for ours (development pages only).
"""

from __future__ import annotations

import argparse
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bench.extract_pages import HELD_OUT, Page, Truth, corpus_pages, real_pages, sample_pages
from bench.extract_tools import CONSULTED, EXTRACTORS, OURS, PLAIN, Output
from crawler.extraction.dates import SHANGHAI
from sampleweb import CHROME_MARKERS

# The sample web's markers plus the chrome named in the extraction issue (forum, blog and portal widgets).
_ISSUE_MARKERS = (
    "当前位置 扫一扫 返回顶部 相关新闻 相关阅读 相关文章 相关链接 公网安备 免责声明 网站地图 版权所有 "
    "登录 注册 联系我们 打印本页 关闭窗口 上一篇 下一篇 责任编辑 发表评论 网友评论 分享到"
)
MARKERS = tuple(dict.fromkeys((*CHROME_MARKERS, *_ISSUE_MARKERS.split())))
_EMPTY = 20
_PEER_FULL = 200
FIELDS = ("title", "date", "authors", "source", "editors")


@dataclass(slots=True)
class Score:
    supported: frozenset[str]
    outputs: list[Output] = field(default_factory=list)
    f1s: list[float] = field(default_factory=list)
    fields: dict[str, Counter[bool]] = field(default_factory=dict)
    leak_pages: int = 0
    leaks: int = 0
    empty: int = 0
    seconds: float = 0.0


def _bag(text: str) -> Counter[str]:
    return Counter("".join(unicodedata.normalize("NFKC", text).split()))


def precision_recall(predicted: str, truth: str) -> tuple[float, float]:
    got, want = _bag(predicted), _bag(truth)
    overlap = sum((got & want).values())
    if not overlap:
        empty = not got and not want
        return (1.0, 1.0) if empty else (0.0, 0.0)
    return overlap / sum(got.values()), overlap / sum(want.values())


def char_f1(predicted: str, truth: str) -> float:
    precision, recall = precision_recall(predicted, truth)
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _squash(text: str | None) -> str:
    return "".join((text or "").split())


def _same(got: tuple[str, ...] | str, want: tuple[str, ...] | str) -> bool:
    if isinstance(got, str) or isinstance(want, str):
        return _squash(str(got)) == _squash(str(want))
    return {_squash(name) for name in got} == set(want)


def leaks(body: str, truth: Truth) -> int:
    """Chrome markers in an extracted body that the page's true body does not contain."""
    true_body = "\n".join(truth.body)
    return sum(body.count(marker) for marker in MARKERS if marker not in true_body)


def grade(score: Score, output: Output, truth: Truth) -> None:
    score.outputs.append(output)
    score.f1s.append(char_f1(output.body, "\n".join(truth.body)))
    checks: dict[str, tuple[bool, bool]] = {  # field: (truth knows it, tool got it right)
        "title": (truth.title is not None, _same(output.title, truth.title or "")),
        "date": (truth.has_date, output.day == truth.day),
        "authors": (bool(truth.authors), _same(output.authors, truth.authors)),
        "source": (bool(truth.source), _same(output.source, truth.source or "")),
        "editors": (bool(truth.editors), _same(output.editors, truth.editors)),
    }
    for name, (known, right) in checks.items():
        if known and name in score.supported:
            score.fields.setdefault(name, Counter())[right] += 1
    found = leaks(output.body, truth)
    score.leaks += found
    score.leak_pages += found > 0


def measure(tool: tuple[Callable[[Page], Output], frozenset[str]], pages: list[Page], repeat: int) -> Score:
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
        grade(score, output, page.truth)
    score.seconds = best
    return score


def count_empty(scores: dict[str, Score]) -> None:
    """Per tool: pages it returned (nearly) empty although some other tool extracted >= 200 characters."""
    for name, score in scores.items():
        others = [other for key, other in scores.items() if key != name]
        score.empty = sum(
            len(_squash(output.body)) < _EMPTY
            and any(len(_squash(other.outputs[i].body)) >= _PEER_FULL for other in others)
            for i, output in enumerate(score.outputs)
        )


def _rate(counter: Counter[bool] | None) -> str:
    if counter is None or not counter.total():
        return "—"  # the tool has no such field, or no page's truth has it
    return f"{counter[True] / counter.total():.3f} ({counter[True]}/{counter.total()})"


def row(name: str, score: Score, reference: float) -> str:
    n = len(score.f1s)
    speed = f"{n / score.seconds:.0f}" if score.seconds else "—"
    cells = [
        f"**{name}**" if name == OURS else name,
        f"{sum(score.f1s) / n:.3f}",
        *(_rate(score.fields.get(key)) for key in FIELDS),
        f"{score.leak_pages} ({100 * score.leak_pages / n:.0f}%)",
        f"{score.leaks / n:.3f}",
        str(score.empty),
        speed,
        f"{score.seconds / reference:.2f}" if reference else "—",
    ]
    return "| " + " | ".join(cells) + " |"


HEADER = (
    "| extractor | body F1 | exact title | same-day date | authors | source | editors | pages with chrome "
    "| chrome leaks/page | empty (peer >= 200) | pages/CPU-s | CPU time / plain trafilatura |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def report(title: str, pages: list[Page], repeat: int, worst: int) -> None:
    print(f"\n### {title}: {len(pages)} pages\n\n{HEADER}")
    scores: dict[str, Score] = {}
    consulted = 0
    for name, tool in EXTRACTORS.items():
        try:
            CONSULTED.calls = 0
            scores[name] = measure(tool, pages, repeat)
            consulted = CONSULTED.calls // repeat if name == OURS else consulted
        except ImportError as err:  # baselines are optional: `pip install -r requirements-bench.txt`
            print(f"| {name} | not installed ({err.name}): pip install -r requirements-bench.txt |")
    count_empty(scores)
    reference = scores[PLAIN].seconds if PLAIN in scores else 0.0
    for name, score in scores.items():
        print(row(name, score, reference), flush=True)
    print(f"\nOurs consulted trafilatura (cheap candidates disagreed) on {consulted} of {len(pages)} pages.")
    trusted = [i for i, page in enumerate(pages) if page.trusted]
    if len(trusted) < len(pages):
        print(
            f"\nThe same outputs on the {len(trusted)} pages whose truth is trustworthy (written by people, "
            "the page's own container, or cx truth agreeing >= 0.8 with the container; speed not repeated):"
            f"\n\n{HEADER}"
        )
        parts = {name: subset(score, pages, trusted) for name, score in scores.items()}
        count_empty(parts)
        for name, part in parts.items():
            print(row(name, part, 0.0), flush=True)
    if worst and OURS in scores:
        print_worst(pages, scores, worst)


def subset(score: Score, pages: list[Page], indices: list[int]) -> Score:
    """The grades of some of the pages, from outputs already measured."""
    part = Score(score.supported)
    for i in indices:
        grade(part, score.outputs[i], pages[i].truth)
    return part


def print_worst(pages: list[Page], scores: dict[str, Score], worst: int) -> None:
    ours = scores[OURS]
    ranked = sorted(
        (i for i, page in enumerate(pages) if page.name not in HELD_OUT), key=lambda i: ours.f1s[i]
    )
    print(f"\nWorst {worst} pages for ours (F1, precision/recall, characters ours/truth, best peer F1):\n")
    print("| page | F1 | P / R | chars | leaks | best peer |\n|---|---|---|---|---|---|")
    for i in ranked[:worst]:
        page, output = pages[i], ours.outputs[i]
        truth = "\n".join(page.truth.body)
        precision, recall = precision_recall(output.body, truth)
        peer = max(((s.f1s[i], n) for n, s in scores.items() if n not in (OURS, PLAIN)), default=(0.0, ""))
        chars = f"{len(_squash(output.body))}/{len(_squash(truth))}"
        leak = leaks(output.body, page.truth)
        print(
            f"| {page.name} | {ours.f1s[i]:.3f} | {precision:.2f} / {recall:.2f} | {chars} | {leak} "
            f"| {peer[0]:.3f} {peer[1]} |"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-site", type=int, default=100, help="sample-web articles per site")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=1, help="timed passes; the fastest counts")
    parser.add_argument("--worst", type=int, default=10, help="worst pages for ours to list per corpus")
    parser.add_argument("--only", choices=("own", "real", "heldout"), action="append", help="corpora to run")
    args = parser.parse_args(argv)
    chosen = set(args.only or ("own", "real", "heldout"))
    print(f"{datetime.now(SHANGHAI):%Y-%m-%d}; chrome markers: {', '.join(MARKERS)}")
    if "own" in chosen:
        own = sample_pages(args.per_site, args.seed) + corpus_pages()
        report("(a) own corpus: sample web + golden pages (tuned on)", own, args.repeat, args.worst)
    development, held_out = real_pages()
    if "real" in chosen and development:
        report("(b) real pages, development set (tuned on)", development, args.repeat, args.worst)
    if "heldout" in chosen and held_out:
        report("(c) real pages, held out (never inspected)", held_out, args.repeat, 0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
