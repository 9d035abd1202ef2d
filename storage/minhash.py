"""Near-duplicate features of a body: character shingles, a MinHash signature, LSH band keys, and the
direct similarity check that confirms a candidate.

Pure functions (no database): `storage.dedup` stores the band keys and calls `confirm`.

Choices, each measured (`python -m bench.bench_dedup`, docs/benchmarks.md):
- Shingles are character n-grams of the normalised body with punctuation removed: Chinese has no word
  spaces, and punctuation is what republishers retype most. `SHINGLE_SIZE` 7: a Chinese word is about two
  characters, so a 7-gram spans three to four words; shorter grams are mostly stock phrases of government
  prose (残疾人事业, 高质量发展) and raise the similarity of unrelated reports, which at a million stories
  turns into LSH candidates to verify on every insert. Copies lose little (an edit breaks at most n-1
  grams on each side).
- MinHash from datasketch with `zlib.crc32` as the shingle hash: SHA-1 (datasketch's default) costs 8x
  more and dominated the per-article cost; datasketch's default "affine32" scheme runs its MurmurHash3
  finaliser over the input hash, so crc32's linearity does not leak into the permutations.
- Bands: `BANDS` x `ROWS` = 160 permutations. A pair with Jaccard 0.6 shares a band with probability
  0.93, 0.7 -> 0.997; 0.2 -> 0.01; unrelated reports (< 0.07) almost never.
- Confirmation: Jaccard, or containment for a copy that dropped or added paragraphs, plus two guards
  against a successor report on last year's template: the figures must agree, and years in the titles
  must not contradict each other (用行动温暖2018 vs 用行动温暖2019).
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections import Counter
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

from storage.fingerprint import normalise_text

SHINGLE_SIZE = 7
BANDS = 32
ROWS = 5
NUM_PERM = BANDS * ROWS
SEED = 20261122  # part of the persisted band keys: changing it (or the sizes) needs a re-index

_NOT_TEXT = re.compile(r"[\W_]+")  # punctuation and symbols; \w keeps CJK, letters and digits
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
# One permutation set for every signature (datasketch builds it from the seed; reuse saves ~0.1 ms/doc).
_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=zlib.crc32)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When a candidate is the same story. Defaults and the precision/recall they give: module docstring
    of `storage.dedup` and docs/benchmarks.md."""

    jaccard: float = 0.5  # shingle-set Jaccard at or above which two bodies are one story
    containment: float = 0.8  # ... or this share of the shorter body's shingles found in the longer
    length_ratio: float = 0.3  # containment only counts when the shorter is at least this share
    figures: float = 0.7  # share of the smaller set of figures that must recur in the other body
    min_figures: int = 3  # with fewer figures than this the figure check does not apply


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True, slots=True)
class Features:
    """What similarity needs of one body (and its title)."""

    shingles: frozenset[str]
    figures: Counter[str]
    title_years: frozenset[str]


@dataclass(frozen=True, slots=True)
class Verdict:
    same: bool
    jaccard: float
    containment: float
    reason: str


def shingle_text(body: str) -> str:
    """The text shingles are cut from: normalised, punctuation and whitespace gone."""
    return _NOT_TEXT.sub("", normalise_text(body))


def shingles(body: str, size: int = SHINGLE_SIZE) -> frozenset[str]:
    text = shingle_text(body)
    if len(text) <= size:
        return frozenset([text]) if text else frozenset()
    return frozenset(text[i : i + size] for i in range(len(text) - size + 1))


def features(title: str, body: str, size: int = SHINGLE_SIZE) -> Features:
    folded = normalise_text(body)
    return Features(
        shingles(body, size),
        Counter(_NUMBER.findall(folded)),
        frozenset(_YEAR.findall(normalise_text(title))),
    )


def signature(grams: frozenset[str]) -> np.ndarray:
    """The MinHash values (uint32) of a shingle set."""
    sketch = _TEMPLATE.copy()
    sketch.update_batch([gram.encode("utf-8") for gram in grams])
    return np.asarray(sketch.hashvalues)


def band_keys(values: np.ndarray) -> list[tuple[int, int]]:
    """(band, key) per LSH band: the key is a signed 64-bit hash of the band index and its values, so it
    fits a BIGINT column on both backends and equal keys mean equal bands (collisions ~2^-64)."""
    rows = values.astype("<u4", copy=False).reshape(BANDS, ROWS)
    keys = []
    for band in range(BANDS):
        digest = hashlib.blake2b(rows[band].tobytes(), digest_size=8, salt=band.to_bytes(16, "little"))
        keys.append((band, int.from_bytes(digest.digest(), "little", signed=True)))
    return keys


def confirm(new: Features, old: Features, limits: Thresholds = DEFAULT_THRESHOLDS) -> Verdict:
    """Direct check of an LSH candidate: are these two bodies one story?"""
    a, b = new.shingles, old.shingles
    if not a or not b:
        return Verdict(False, 0.0, 0.0, "empty body")
    common = len(a & b)
    jaccard = common / (len(a) + len(b) - common)
    smaller, larger = sorted((len(a), len(b)))
    containment = common / smaller
    if jaccard < limits.jaccard and not (
        containment >= limits.containment and smaller / larger >= limits.length_ratio
    ):
        return Verdict(False, jaccard, containment, "text differs")
    if new.title_years and old.title_years and not new.title_years & old.title_years:
        return Verdict(False, jaccard, containment, "title years differ")
    if not figures_agree(new.figures, old.figures, limits):
        return Verdict(False, jaccard, containment, "figures differ")
    return Verdict(True, jaccard, containment, "similar")


def figures_agree(a: Counter[str], b: Counter[str], limits: Thresholds = DEFAULT_THRESHOLDS) -> bool:
    """A copy keeps the original's figures (minus a dropped paragraph's); a report on last year's
    template has new ones. Multisets, so a repeated 2019 counts once per use."""
    smaller = min(a.total(), b.total())
    if smaller < limits.min_figures:
        return True
    return (a & b).total() / smaller >= limits.figures
