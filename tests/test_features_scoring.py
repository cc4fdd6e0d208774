"""Scoring and auto-selection: IV, AUC, KS and PSI on counts a banker can check, and the reasons given."""

from __future__ import annotations

import dataclasses
import math
from datetime import date

import numpy as np
import polars as pl
import pytest
from sklearn.metrics import roc_auc_score

from workbench.features.scoring import auc_ks, period_psi, score_feature, score_features, woe_iv
from workbench.features.selection import Thresholds, ranked_table, select_features
from workbench.features.spec import FeatureSpec
from workbench.i18n import t


def test_iv_from_counts_matches_the_textbook_formula():
    counts = pl.DataFrame({"bin": [0, 1], "n": [100, 100], "bad": [10, 30]})
    woe, iv, smoothed = woe_iv(counts)
    b, g = [10 / 40, 30 / 40], [90 / 160, 70 / 160]
    expected = sum((bi - gi) * math.log(bi / gi) for bi, gi in zip(b, g, strict=True))
    assert iv == pytest.approx(expected)
    assert woe[1] == pytest.approx(math.log((30 / 40) / (70 / 160)))
    assert not smoothed


def test_a_pure_bin_is_smoothed_and_says_so():
    _, iv, smoothed = woe_iv(pl.DataFrame({"bin": [0, 1], "n": [50, 50], "bad": [0, 10]}))
    assert smoothed and math.isfinite(iv)


def test_auc_and_ks_agree_with_scikit_learn_and_orient_upwards():
    rng = np.random.default_rng(1)
    y = rng.random(5000) < 0.1
    x = rng.normal(0, 1, 5000) - 0.8 * y  # defaulters have LOWER values
    auc, direction, ks = auc_ks(pl.Series("x", x), pl.Series("y", y.astype(int)))
    assert auc == pytest.approx(roc_auc_score(y, -x))
    assert direction == -1
    assert 0.2 < ks < 0.5


def test_missing_values_get_their_own_bin_and_rate():
    x = pl.Series("income", [None] * 30 + list(range(70)), dtype=pl.Float64)
    y = pl.Series("y", [1] * 15 + [0] * 15 + [0] * 70)
    s = score_feature(x, y)
    missing = next(b for b in s.bins if b.label == "missing")
    assert (missing.n, missing.bad) == (30, 15)
    assert s.missing == pytest.approx(0.3)


def test_psi_is_zero_when_nothing_moves_and_large_when_the_mix_shifts():
    rng = np.random.default_rng(2)
    periods = pl.Series("p", [date(2024, 1, 1)] * 2000 + [date(2024, 4, 1)] * 2000)
    same = pl.Series("x", np.concatenate([rng.normal(0, 1, 2000), rng.normal(0, 1, 2000)]))
    moved = pl.Series("x", np.concatenate([rng.normal(0, 1, 2000), rng.normal(1, 1, 2000)]))
    assert period_psi(same, periods) < 0.02
    assert period_psi(moved, periods) > 0.25


@pytest.fixture(scope="module")
def scored():
    rng = np.random.default_rng(3)
    n = 6000
    risk = rng.normal(0, 1, n)
    y = (rng.random(n) < 1 / (1 + np.exp(-(-2.5 + 1.2 * risk)))).astype(int)
    frame = pl.DataFrame(
        {
            "applied_at": [date(2024, 1 + (i * 6) // n, 1) for i in range(n)],
            "default_12m": y,
            "balance_drop": risk + rng.normal(0, 1.5, n),
            "balance_drop_x2": 2 * (risk + rng.normal(0, 0.5, n)) * 1.0,  # re-expressed below to be a near copy
            "noise": rng.normal(0, 1, n),
            "overdue_days_after": y * 30 + rng.integers(0, 3, n),  # recorded after the outcome
            "drifting": np.where(np.arange(n) < n // 2, rng.normal(0, 1, n), rng.normal(2, 1, n)) + 0.3 * risk,
            "constant": np.ones(n),
        }
    ).with_columns((pl.col("balance_drop") * 2 + 1).alias("balance_drop_x2"))
    names = ["balance_drop", "balance_drop_x2", "noise", "overdue_days_after", "drifting", "constant"]
    scores = score_features(frame, names, "default_12m", period="applied_at")
    return frame, names, scores


def test_selection_drops_weak_leaky_unstable_and_redundant_with_reasons(scored):
    frame, _, scores = scored
    recs = {r.name: r for r in select_features(frame, scores)}
    assert recs["overdue_days_after"].reason == "leakage_suspect"
    assert recs["noise"].reason == "weak"
    assert recs["drifting"].reason == "unstable"
    assert recs["constant"].reason == "empty"
    kept, dropped = recs["balance_drop"], recs["balance_drop_x2"]
    assert {kept.reason, dropped.reason} == {"selected", "redundant"}  # exactly one of the pair survives
    loser = kept if kept.reason == "redundant" else dropped
    assert loser.corr > 0.9 and loser.corr_with in {"balance_drop", "balance_drop_x2"}


def test_ranked_table_explains_each_decision_in_both_languages(scored):
    frame, names, scores = scored
    specs = [FeatureSpec(source="loans", aggregation="attribute", column=n, alias="x") for n in names]
    scores = [dataclasses.replace(s, name=f"x_{s.name}") for s in scores]
    frame = frame.rename({n: f"x_{n}" for n in names})
    recs = select_features(frame, scores, Thresholds(min_iv=0.02))
    ko = ranked_table(specs, scores, recs, lang="ko")
    en = ranked_table(specs, scores, recs, lang="en")
    assert ko["rank"].to_list() == list(range(1, len(names) + 1))
    assert ko["selected"].to_list()[0] is True  # selected first
    leak_en = en.filter(pl.col("name") == "x_overdue_days_after")["reason"].item()
    leak_ko = ko.filter(pl.col("name") == "x_overdue_days_after")["reason"].item()
    assert ko.filter(pl.col("name") == "x_noise")["description"].item() == "대출 신청 속성: noise"
    assert leak_en.startswith("Leakage suspect") and leak_ko.startswith(t("profile.alert_title.leakage_suspect", "ko"))
    assert "IV 14.80 (at least 1)" in leak_en  # the evidence, in the profile's words
    assert "0.02" in en.filter(pl.col("name") == "x_noise")["reason"].item()


def test_iv_agrees_with_the_profile_on_the_same_bins():
    """Categories bin identically in both packages, so the IVs must match (same 0.5 zero-count rule)."""
    from workbench.io.table import Table
    from workbench.privacy.gate import certify
    from workbench.profile.target import target_analysis

    rng = np.random.default_rng(5)
    grade = rng.choice(["A", "B", "C", "D"], 4000, p=[0.4, 0.3, 0.2, 0.1])
    rate = {"A": 0.02, "B": 0.05, "C": 0.1, "D": 0.0}  # D has no defaults: the smoothed bin
    y = np.array([rng.random() < rate[g] for g in grade]).astype(int)
    frame = pl.DataFrame({"grade": grade, "default_12m": y})
    ours = score_feature(frame["grade"], frame["default_12m"])
    theirs = target_analysis(certify(Table("t", frame), findings=()), "default_12m")
    row = theirs.table("grade")
    assert ours.smoothed
    assert ours.iv == pytest.approx(row.iv, rel=1e-9)
