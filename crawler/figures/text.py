"""Sentences and clauses of a body, as offsets into it, and the one character normalisation figures need.

Offsets always refer to the article body as stored: normalisation maps one character to one character
(full-width digits and signs to ASCII), so a span found in the normalised text is a span of the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.extraction.chrome import is_chrome_anywhere

_FULL = "０１２３４５６７８９％．，～"
_HALF = "0123456789%.,~"
_ONE_TO_ONE = str.maketrans(_FULL, _HALF)
# A sentence ends at 。！？ and the closing quotes or brackets right after it; a line is a paragraph.
_SENTENCE = re.compile(r"[^。！？!?]+(?:[。！？!?]+[”’」』）)]*|$)")
_CLAUSE_BREAK = re.compile(r"[，,；;：:]")


def normalise(text: str) -> str:
    """Full-width digits and signs to ASCII, one character for one, so offsets stay valid."""
    return text.translate(_ONE_TO_ONE)


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    paragraph: int  # index of the body line the sentence stands on
    chrome: bool  # the line is page furniture (a footer, a share bar) that leaked into the body


def sentences(text: str) -> list[Sentence]:
    """The non-empty sentences of ``text``, trimmed of surrounding whitespace, line by line."""
    found: list[Sentence] = []
    offset = 0
    for paragraph, line in enumerate(text.split("\n")):
        chrome = is_chrome_anywhere(line.strip())
        for match in _SENTENCE.finditer(line):
            start, end = _trim(text, offset + match.start(), offset + match.end())
            if end > start:
                found.append(Sentence(start, end, paragraph, chrome))
        offset += len(line) + 1
    return found


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def clause_bounds(text: str, sentence: Sentence, position: int) -> tuple[int, int]:
    """The clause of ``sentence`` holding ``position``: between the commas, semicolons or colons around it."""
    before = [m.end() for m in _CLAUSE_BREAK.finditer(text, sentence.start, position)]
    after = _CLAUSE_BREAK.search(text, position, sentence.end)
    return (before[-1] if before else sentence.start), (after.start() if after else sentence.end)
