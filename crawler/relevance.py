"""Is an extracted article about disability federations (残联) and their work?

Pure functions over the extracted title and body only: page chrome (无障碍浏览 toolbars, 区残联 menu
links, 中国残联 in 友情链接) would make every government page look relevant, so it must never be
passed in. The vocabulary lives in ``crawler/data/relevance_terms.toml``.

Scoring rule (stored with the article, so it must be explainable by hand):

* Every term of the vocabulary, positive or negative, is matched in one leftmost-longest pass, so
  a negative context (伤残鉴定, 残疾军人, 农药残留) swallows the shorter term inside it.
* A term counts once, at its best position: ``tier weight x position factor``, where the factor
  is 1.0 in the title, 0.75 in the lead (the body's first sentence, see ``lead_length``) and 0.4 deeper down.
  Tier weights: organisation 1.0, programme 0.8, anchor (残疾/残障) 0.7, weak 0.3.
* Weak and ambiguous-programme terms count only when the text also names disability (an anchor)
  or has an organisation / programme hit.
* ``score = min(1, sum of counted terms)``; relevant when ``score >= RELEVANT_SCORE`` and no
  vetoing negative context stands unanswered: another authority's vocabulary (伤残军人, 伤残鉴定)
  needs an organisation term (残联 ...), a web-accessibility notice phrase (信息无障碍, 长者模式)
  an organisation or programme term. Masking negatives (农药残留, 残骸) only hide their term.
* ``federation_site=True`` keeps every article (still scored, so the archive can rank them).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

# Title words describe the whole article; the lead is where a news item states its subject.
TITLE_FACTOR = 1.0
LEAD_FACTOR = 0.75
# Deep in the body a term is often an aside (a 区残联 in an attendee list, 残疾人 in a ticket
# policy). 0.4 keeps one deep organisation hit (1.0 x 0.4) below the threshold on its own.
BODY_FACTOR = 0.4
# The lead (导语) is the body's first sentence, where a news item states its subject; sentences
# shorter than LEAD_MIN_CHARS (a dateline such as 「本报讯」) extend to the next one, and a run-on
# sentence is cut at LEAD_MAX_CHARS so a long unpunctuated body is not all "lead".
LEAD_MIN_CHARS = 30
LEAD_MAX_CHARS = 150
_SENTENCE_END = re.compile(r"[。！？!?\n]")
# One organisation or programme term in the title or lead, or an anchor (残疾人) in the title or
# lead, passes; a weak term needs company. Tuned on tests/data/relevance_labelled.jsonl.
RELEVANT_SCORE = 0.5

_TERMS_FILE = "relevance_terms.toml"
# authority / notice veto an item (unless outweighed, see the data file); mask only hides a term.
NEGATIVE_KINDS = ("authority", "notice", "mask")


@dataclass(frozen=True)
class Relevance:
    """The verdict on one article, with what it rests on."""

    relevant: bool
    score: float
    matched: tuple[str, ...]
    negatives: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class Tier:
    name: str
    weight: float
    needs_anchor: bool
    overrides: frozenset[str]  # negative kinds this tier outweighs


@dataclass(frozen=True)
class Vocabulary:
    """Every term mapped to its tier (positives) or to its negative kind (authority/notice/mask)."""

    tiers: dict[str, Tier]
    tier_of: dict[str, str]
    negative_kind: dict[str, str]
    pattern: re.Pattern[str]
    translation: dict[int, str]


@dataclass(frozen=True)
class _Hit:
    term: str
    factor: float


def assess(title: str, body: str, *, federation_site: bool = False) -> Relevance:
    """Score an article's extracted title and body against the relevance vocabulary."""
    vocab = vocabulary()
    hits, negatives = _scan(vocab, normalise(vocab, title), normalise(vocab, body))
    counted = _counted_hits(vocab, hits)
    score = round(min(1.0, sum(vocab.tiers[vocab.tier_of[h.term]].weight * h.factor for h in counted)), 3)
    matched = tuple(h.term for h in counted)
    if federation_site:
        return Relevance(True, score, matched, negatives, "federation site")
    relevant, reason = _verdict(vocab, hits, counted, negatives, score)
    return Relevance(relevant, score, matched, negatives, reason)


def normalise(vocab: Vocabulary, text: str) -> str:
    """NFKC (full-width digits of 12385) and 繁体 -> 简体 for the vocabulary's characters."""
    return unicodedata.normalize("NFKC", text).translate(vocab.translation)


def _scan(vocab: Vocabulary, title: str, body: str) -> tuple[list[_Hit], tuple[str, ...]]:
    """Positive hits at their best position (in order of first appearance) and negatives found."""
    best: dict[str, float] = {}
    negatives: dict[str, None] = {}
    lead_end = lead_length(body)
    for text, in_title in ((title, True), (body, False)):
        for match in vocab.pattern.finditer(text):
            term = match.group()
            if term in vocab.negative_kind:
                negatives[term] = None
                continue
            factor = _position_factor(in_title, match.start() < lead_end)
            best[term] = max(best.get(term, 0.0), factor)
    return [_Hit(t, f) for t, f in best.items()], tuple(negatives)


def lead_length(body: str) -> int:
    """Length of the lead: the first sentence of at least LEAD_MIN_CHARS, capped."""
    end = _SENTENCE_END.search(body, LEAD_MIN_CHARS)
    return min(end.end() if end else len(body), LEAD_MAX_CHARS)


def _position_factor(in_title: bool, in_lead: bool) -> float:
    if in_title:
        return TITLE_FACTOR
    return LEAD_FACTOR if in_lead else BODY_FACTOR


def _counted_hits(vocab: Vocabulary, hits: list[_Hit]) -> list[_Hit]:
    """Drop anchor-needing terms when nothing in the text says the subject is disability."""
    anchored = any(not vocab.tiers[vocab.tier_of[h.term]].needs_anchor for h in hits)
    return [h for h in hits if anchored or not vocab.tiers[vocab.tier_of[h.term]].needs_anchor]


def _verdict(
    vocab: Vocabulary,
    hits: list[_Hit],
    counted: list[_Hit],
    negatives: tuple[str, ...],
    score: float,
) -> tuple[bool, str]:
    tier_names = [vocab.tier_of[h.term] for h in counted]
    if not counted:
        if negatives:
            return False, "only negative contexts"
        return False, "weak terms without disability anchor" if hits else "no disability term"
    outweighed = {kind for t in tier_names for kind in vocab.tiers[t].overrides}
    vetoes = {vocab.negative_kind[n] for n in negatives} - {"mask"}
    if vetoes - outweighed:
        return False, "negative context without federation term"
    if score < RELEVANT_SCORE:
        return False, "score below threshold"
    return True, _relevant_reason(vocab, counted)


def _relevant_reason(vocab: Vocabulary, counted: list[_Hit]) -> str:
    strong = [h for h in counted if vocab.tier_of[h.term] in ("organisation", "programme")]
    if any(h.factor == TITLE_FACTOR for h in strong):
        return "strong term in title"
    if any(h.factor == LEAD_FACTOR for h in strong):
        return "strong term in lead"
    return "disability terms above threshold"


@cache
def vocabulary() -> Vocabulary:
    """Load and compile the packaged vocabulary once per process."""
    text = resources.files("crawler.data").joinpath(_TERMS_FILE).read_text(encoding="utf-8")
    return parse_vocabulary(tomllib.loads(text))


def parse_vocabulary(data: dict[str, object]) -> Vocabulary:
    """Build a Vocabulary from the TOML structure; errors name the file and the field."""
    tiers: dict[str, Tier] = {}
    tier_of: dict[str, str] = {}
    tier_specs = _table(data, "tiers")
    for name in tier_specs:
        spec = _table(tier_specs, name)
        tiers[name] = _tier(name, spec)
        for term in _strings(spec, f"tiers.{name}.terms"):
            tier_of[term] = name
    negative_kind = {
        term: kind
        for kind in NEGATIVE_KINDS
        for term in _strings(_table(data, "negatives"), f"negatives.{kind}")
    }
    clash = sorted(set(tier_of) & set(negative_kind))
    if clash:
        raise ValueError(f"{_TERMS_FILE}: terms both positive and negative: {clash}")
    return Vocabulary(tiers, tier_of, negative_kind, _compile([*tier_of, *negative_kind]), _tr(data))


def _tier(name: str, spec: dict[str, object]) -> Tier:
    weight = spec.get("weight")
    if not isinstance(weight, int | float) or not 0 < weight <= 1:
        raise ValueError(f"{_TERMS_FILE}: tiers.{name}.weight must be a number in (0, 1]")
    overrides = frozenset(_strings(spec, f"tiers.{name}.overrides", allow_empty=True))
    unknown = overrides - set(NEGATIVE_KINDS)
    if unknown:
        raise ValueError(f"{_TERMS_FILE}: tiers.{name}.overrides names unknown kinds {sorted(unknown)}")
    return Tier(name, float(weight), spec.get("needs_anchor") is True, overrides)


def _compile(terms: list[str]) -> re.Pattern[str]:
    # Longest first: at one start position the regex takes the first alternative that matches.
    ordered = sorted(set(terms), key=lambda t: (-len(t), t))
    return re.compile("|".join(re.escape(t) for t in ordered))


def _tr(data: dict[str, object]) -> dict[int, str]:
    table = _table(data, "normalise")
    traditional, simplified = str(table["traditional"]), str(table["simplified"])
    if len(traditional) != len(simplified):
        raise ValueError(f"{_TERMS_FILE}: normalise.traditional and .simplified differ in length")
    return {ord(t): s for t, s in zip(traditional, simplified, strict=True)}


def _table(data: dict[str, object], key: str) -> dict[str, object]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise ValueError(f"{_TERMS_FILE}: [{key}] missing or not a table")
    return value


def _strings(table: dict[str, object], field: str, *, allow_empty: bool = False) -> list[str]:
    value = table.get(field.rsplit(".", 1)[-1])
    if not isinstance(value, list) or not (value or allow_empty):
        raise ValueError(f"{_TERMS_FILE}: {field} must be a non-empty list")
    if not all(isinstance(v, str) and v for v in value):
        raise ValueError(f"{_TERMS_FILE}: {field} must be a list of non-empty strings")
    return list(value)
