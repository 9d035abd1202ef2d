"""Content fingerprints that ignore what does not change the text a reader sees."""

from __future__ import annotations

import hashlib
import re
import unicodedata

# After NFKC full-width punctuation is mostly ASCII; fold the remaining CJK forms too so that a copy
# re-typeset with other quotes or commas hashes the same.
_PUNCTUATION_FOLD = str.maketrans(
    {
        "。": ".",
        "、": ",",
        "「": '"',
        "」": '"',
        "『": '"',
        "』": '"',
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "【": "[",
        "】": "]",
        "《": "<",
        "》": ">",
        "〔": "[",
        "〕": "]",
        "〈": "<",
        "〉": ">",
        "・": "·",
        "—": "-",
        "–": "-",
        "…": "...",
    }
)
# Whitespace, plus the invisible characters CMS editors paste in (zero-width space/joiners, BOM, soft
# hyphen): \s does not match them, and a copy without them must hash the same.
_WHITESPACE = re.compile(r"[\s\u200b-\u200d\u2060\ufeff\u00ad]+")


def normalise_text(text: str) -> str:
    """NFKC, punctuation width folded, all whitespace and invisible characters removed (Chinese text has
    no word spaces)."""
    folded = unicodedata.normalize("NFKC", text).translate(_PUNCTUATION_FOLD)
    return _WHITESPACE.sub("", folded)


def body_hash(body: str) -> str:
    return hashlib.sha256(normalise_text(body).encode("utf-8")).hexdigest()
