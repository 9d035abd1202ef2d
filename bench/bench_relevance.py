"""Relevance precision and recall on labelled pages: the sample web's ground truth (traps included) and the
hand-labelled set in tests/data/relevance_labelled.jsonl.

    python -m bench.bench_relevance [--seed 2026] [--articles-per-site 2000]

Scored on the reader-visible title and body (what the extractor yields), never the page chrome.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from crawler.relevance import assess
from sampleweb import SampleWeb

LABELLED = Path(__file__).resolve().parent.parent / "tests" / "data" / "relevance_labelled.jsonl"


@dataclass
class Tally:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    true_negative: int = 0

    def add(self, predicted: bool, actual: bool) -> None:
        if predicted and actual:
            self.true_positive += 1
        elif predicted:
            self.false_positive += 1
        elif actual:
            self.false_negative += 1
        else:
            self.true_negative += 1

    def row(self, name: str) -> str:
        found = self.true_positive + self.false_positive
        relevant = self.true_positive + self.false_negative
        precision = self.true_positive / found if found else 1.0
        recall = self.true_positive / relevant if relevant else 1.0
        total = found + self.false_negative + self.true_negative
        return (
            f"| {name} | {total} | {relevant} | {precision:.4f} | {recall:.4f} | "
            f"{self.false_positive} | {self.false_negative} |"
        )


def sample_web(seed: int, per_site: int) -> Iterable[tuple[str, str, str, bool, bool]]:
    web = SampleWeb(seed=seed, articles_per_site=per_site)
    federation = {site.key: site.federation for site in web.sites}
    for record in web.truth():
        if record.kind == "article":
            yield record.site, record.title, "\n".join(record.body), federation[record.site], record.relevant


def labelled() -> Iterable[tuple[str, str, str, bool, bool]]:
    for line in LABELLED.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        yield "hand-labelled set", item["title"], item["body"], False, bool(item["relevant"])


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--articles-per-site", type=int, default=2000)
    args = parser.parse_args()
    tallies: dict[str, Tally] = {}
    overall = Tally()
    started, count = time.perf_counter(), 0
    for group, title, body, federation, actual in [
        *sample_web(args.seed, args.articles_per_site),
        *labelled(),
    ]:
        predicted = assess(title, body, federation_site=federation).relevant
        tallies.setdefault(group, Tally()).add(predicted, actual)
        if group != "hand-labelled set":
            overall.add(predicted, actual)
        count += 1
    elapsed = time.perf_counter() - started
    print(
        f"Command: `python -m bench.bench_relevance --seed {args.seed} --articles-per-site "
        f"{args.articles_per_site}`; {count} items, {count / elapsed:.0f} items/s\n"
    )
    print("| set | items | relevant | precision | recall | false positives | false negatives |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for group, tally in tallies.items():
        print(tally.row(group))
    print(overall.row("sample web, all sites"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
