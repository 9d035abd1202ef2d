"""The pure similarity layer: shingles, band keys, the confirmation check and its guards."""

from __future__ import annotations

from collections import Counter

from dedup_support import new_figures, report

from storage.minhash import (
    BANDS,
    NUM_PERM,
    SHINGLE_SIZE,
    band_keys,
    confirm,
    features,
    figures_agree,
    shingle_text,
    shingles,
    signature,
)


def test_shingles_ignore_whitespace_punctuation_and_width() -> None:
    assert shingle_text("区残联，发放 补贴！\n共计１００万元。") == "区残联发放补贴共计100万元"
    assert shingles("区残联发放两项补贴") == shingles("区残联 发放两项补贴。")
    assert all(len(gram) == SHINGLE_SIZE for gram in shingles("区残联发放两项补贴共计"))
    assert shingles("残联") == frozenset({"残联"}), "a body shorter than a shingle is one shingle"
    assert shingles(" 。") == frozenset()


def test_signature_and_band_keys_are_stable_and_sized() -> None:
    body = report(1)[1]
    values = signature(shingles(body))
    assert values.shape == (NUM_PERM,)
    keys = band_keys(values)
    assert [band for band, _ in keys] == list(range(BANDS))
    assert keys == band_keys(signature(shingles(body + " ")))
    assert all(-(2**63) <= key < 2**63 for _, key in keys), "fits a signed BIGINT"
    assert len({key for _, key in keys}) == BANDS


def test_near_copy_shares_bands_and_unrelated_report_does_not() -> None:
    body = report(1)[1]
    copy_keys = set(band_keys(signature(shingles(body + "\n（责任编辑：王敏）"))))
    other_keys = set(band_keys(signature(shingles(report(2)[1]))))
    own = set(band_keys(signature(shingles(body))))
    assert len(own & copy_keys) >= 10
    assert not own & other_keys


def test_confirm_accepts_a_copy_that_dropped_a_paragraph_by_containment() -> None:
    title, body = report(3)
    paragraphs = body.splitlines()
    shortened = "\n".join(paragraphs[: len(paragraphs) // 2])
    verdict = confirm(features(title, shortened), features(title, body))
    assert verdict.same and verdict.containment > 0.95


def test_confirm_rejects_successor_by_title_year_and_by_figures() -> None:
    title, body = report(4)
    assert "2018" in title
    by_year = confirm(features(title.replace("2018", "2019"), body), features(title, body))
    assert (by_year.same, by_year.reason) == (False, "title years differ")
    by_figures = confirm(features("综述", new_figures(body, 2)), features("综述", body))
    assert not by_figures.same


def test_figures_agree_counts_a_multiset_and_skips_figure_poor_texts() -> None:
    assert figures_agree(Counter({"804": 1, "4006": 1, "892.29": 1}), Counter({"804": 1, "4006": 1}))
    assert not figures_agree(Counter({"804": 1, "4006": 1, "12": 1}), Counter({"911": 1, "4213": 1, "12": 1}))
    assert figures_agree(Counter({"2019": 1}), Counter({"2020": 1})), "too few figures to judge"


def test_body_hash_folds_width_whitespace_and_invisible_characters() -> None:
    from storage.fingerprint import body_hash

    plain = "区残联“两项补贴”发放，共计100万元。"
    assert body_hash(plain) == body_hash('区残联"两项补贴"发放,共计１００万元.')
    assert body_hash(plain) == body_hash("区残联 “两项补贴”\u200b发放，\n共计100万元。\ufeff")
    assert body_hash(plain) != body_hash("区残联“两项补贴”发放，共计120万元。")
