"""The hand-labelled set and the scoring that `make bench-figures` reports.

Only the tuning part is scored here, as a floor against regressions; the held-out part is scored by the
benchmark alone (tests/data/figures/README.md), so no test ever makes the extractor fit it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from crawler.figures import Context, extract_figures, place_named
from crawler.figures.evaluation import Expected, LabelError, Scores, align, parse_labelled

DATA = Path(__file__).with_name("data") / "figures"


def load(name: str):
    return parse_labelled((DATA / f"{name}.txt").read_text(encoding="utf-8").splitlines(), name)


def test_the_set_is_big_enough_and_a_quarter_is_held_out() -> None:
    tune, heldout = load("tune"), load("heldout")
    items = tune + heldout
    assert len(items) >= 200
    assert len(heldout) / len(items) >= 0.25
    assert len({i.id for i in items}) == len(items), "ids are unique"
    figures = sum(len(i.expected) for i in items)
    assert figures >= 2 * len(items) - 50, "many figures per sentence"
    traps = [i for i in items if not i.expected]
    assert len(traps) >= 20, "sentences whose numbers are all traps"
    for item in items:
        for label in item.expected:
            assert item.text[label.span[0] : label.span[1]], item.id


def test_tuning_part_scores_stay_above_the_floor() -> None:
    scores = Scores()
    for item in load("tune"):
        scores.add(extract_figures(item.text, item.context), item.expected)
    assert scores.precision(scores.exact) >= 0.93
    assert scores.recall(scores.exact) >= 0.93
    assert scores.precision(scores.located) >= 0.97
    assert scores.recall(scores.located) >= 0.97


def test_scores_and_alignment() -> None:
    text = "全区为1859人发放困难残疾人生活补贴，共计300万元。"
    context = Context(place_named("秀洲区"), date(2019, 1, 25))
    got = extract_figures(text, context)
    right = Expected((3, 8), "困难残疾人生活补贴", "people", 1859.0, None, "人", "秀洲区", "2019-01-25")
    wrong = Expected((22, 28), "慰问", "money", 300.0, None, "万元", "秀洲区", "2019-01-25")
    scores = Scores()
    scores.add(got, [right, wrong])
    assert (scores.predicted, scores.expected, scores.exact, scores.located) == (2, 2, 1, 2)
    assert scores.fields["programme"] == 1 and scores.fields["value"] == 2
    assert [label for _, label in align(got, [wrong])] == [wrong]


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["@ x1 | 秀洲区"], "header needs"),
        (["@ x1 | 火星 | 2019-01-01", "a"], "unknown region"),
        (["@ x1 | 秀洲区 | 2019-01-01", "为3人", "- 3人 | 慰问 | people | 3 | 人 | ."], "needs 7 fields"),
        (
            ["@ x1 | 秀洲区 | 2019-01-01", "为3人", "- 4人 | 慰问 | people | 4 | 人 | . | ."],
            "not in the item",
        ),
    ],
)
def test_label_errors_name_the_line(lines: list[str], message: str) -> None:
    with pytest.raises(LabelError, match=message):
        parse_labelled(lines, "labels")
