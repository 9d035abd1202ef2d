"""Export search records as JSON lines or CSV, streamed: one record in memory at a time.

The records are `storage.queries.Record`s, the same unit and fields as `canlian search`. A file is written
under a temporary name beside its destination and renamed only when complete, so a failed export never
leaves half a file under the real name, and an existing file is kept unless the caller forces it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal, TextIO

from storage.queries import FIELDS, Record

Format = Literal["jsonl", "csv"]
LIST_SEPARATOR = ";"  # CSV has no lists: region tags are joined with it


class ExportRefused(ValueError):
    """The destination exists (and overwriting was not forced) or is not a regular file."""


def write_records(records: Iterable[Record], out: TextIO, fmt: Format) -> int:
    """Write `records` to `out`; returns how many were written."""
    lines = record_lines(records, fmt)
    if fmt == "csv":
        out.write(next(lines))  # the header
    count = 0
    for line in lines:
        out.write(line)
        count += 1
    return count


def record_lines(records: Iterable[Record], fmt: Format) -> Iterator[str]:
    """The export as text, one record per item (CSV: the header first), for streams such as HTTP."""
    if fmt == "jsonl":
        for record in records:
            yield json.dumps(record.to_dict(), ensure_ascii=False) + "\n"
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def taken() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(FIELDS)
    yield taken()
    for record in records:
        values = record.to_dict()
        values["regions"] = LIST_SEPARATOR.join(record.regions)
        writer.writerow(["" if values[name] is None else values[name] for name in FIELDS])
        yield taken()


@contextmanager
def output_file(destination: str, force: bool = False) -> Iterator[TextIO]:
    """A text stream for `destination` (`-` is stdout), atomically renamed into place on success."""
    if destination == "-":
        yield sys.stdout
        return
    path = Path(destination)
    if path.exists() and not path.is_file():
        raise ExportRefused(f"{destination} exists and is not a regular file")
    if path.exists() and not force:
        raise ExportRefused(f"{destination} exists (use --force to overwrite)")
    if not path.parent.is_dir():
        raise ExportRefused(f"directory {path.parent} does not exist")
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as stream:
            yield stream
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
