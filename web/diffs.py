"""Two versions of a copy side by side, sentence by sentence (the lines `storage.versions` diffs), with
the changed characters inside a changed sentence marked: a corrected figure shows as the figure."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

from storage.versions import VersionView, diff_lines

Kind = Literal["same", "changed", "removed", "added", "skipped"]
CONTEXT = 2  # unchanged sentences kept around each change; longer unchanged runs fold into one row


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    changed: bool


@dataclass(frozen=True, slots=True)
class DiffRow:
    kind: Kind
    left: tuple[Segment, ...] = ()
    right: tuple[Segment, ...] = ()
    skipped: int = 0  # for "skipped": how many unchanged sentences the row stands for


@dataclass(frozen=True, slots=True)
class SideBySide:
    older: VersionView
    newer: VersionView
    rows: tuple[DiffRow, ...]


def side_by_side(older: VersionView, newer: VersionView) -> SideBySide:
    left, right = _sentences(older), _sentences(newer)
    rows: list[DiffRow] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, left, right, autojunk=False).get_opcodes():
        if tag == "equal":
            rows += _unchanged(left[i1:i2], first=not rows, last=i2 == len(left))
        elif tag == "replace":
            rows += _replaced(left[i1:i2], right[j1:j2])
        elif tag == "delete":
            rows += [DiffRow("removed", left=(Segment(line, True),)) for line in left[i1:i2]]
        else:
            rows += [DiffRow("added", right=(Segment(line, True),)) for line in right[j1:j2]]
    return SideBySide(older, newer, tuple(rows))


def _sentences(version: VersionView) -> list[str]:
    _title_line, *body = diff_lines(version.title, version.body)
    return [f"标题：{version.title}", *(line for line in body if line)]


def _unchanged(lines: list[str], first: bool, last: bool) -> list[DiffRow]:
    def same(line: str) -> DiffRow:
        return DiffRow("same", (Segment(line, False),), (Segment(line, False),))

    head = [] if first else lines[:CONTEXT]
    tail = [] if last else lines[-CONTEXT:]
    if len(lines) <= len(head) + len(tail) + 1:
        return [same(line) for line in lines]
    folded = DiffRow("skipped", skipped=len(lines) - len(head) - len(tail))
    return [*map(same, head), folded, *map(same, tail)]


def _replaced(old: list[str], new: list[str]) -> list[DiffRow]:
    rows = [DiffRow("changed", *_marked(a, b)) for a, b in zip(old, new, strict=False)]
    rows += [DiffRow("removed", left=(Segment(line, True),)) for line in old[len(new) :]]
    rows += [DiffRow("added", right=(Segment(line, True),)) for line in new[len(old) :]]
    return rows


def _marked(old: str, new: str) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
    left: list[Segment] = []
    right: list[Segment] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if i2 > i1:
            left.append(Segment(old[i1:i2], tag != "equal"))
        if j2 > j1:
            right.append(Segment(new[j1:j2], tag != "equal"))
    return tuple(left), tuple(right)
