"""Points: the scaling formula checked against a hand computation, rounding, the 1–1000 bureau scale, grades."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from scorecard_data import FEATURES, loans

from workbench.model.bins import FeatureBins
from workbench.model.points import PointsScale, ScoreBands, fit_bands, round_points
from workbench.model.scorecard import Scorecard, fit_scorecard


def hand_card(scale: PointsScale | None = None) -> Scorecard:
    """Two characteristics with counts chosen so every WOE can be worked out on paper (40 bads, 260 goods)."""
    a = FeatureBins.from_dict(
        {"feature": "bureau", "numeric": True, "edges": [600], "events": [0, 30, 10], "non_events": [0, 70, 190]}
    )
    b = FeatureBins.from_dict(
        {"feature": "product", "numeric": False, "groups": [["a"], ["b"]], "events": [5, 20, 15, 0],
         "non_events": [15, 180, 65, 0]}
    )  # fmt: skip
    return Scorecard((a, b), -2.0, (-0.9, -0.6), scale or PointsScale(), ScoreBands(()))


def test_points_equal_a_hand_computation():
    # factor = 20 / ln 2 = 28.8539; offset = 600 − 28.8539 × ln 50 = 487.1229
    # each of the 2 characteristics shares (487.1229 + 28.8539 × 2.0) / 2 = 272.4153
    # WOE bureau < 600 = ln((70/260) / (30/40)) = −1.02450 → 272.4153 − 28.8539 × 0.9 × 1.02450 = 245.81 → 246
    # WOE bureau ≥ 600 = ln((190/260) / (10/40)) = 1.07264 → 300.27 → 300; empty missing bin: WOE 0 → 272
    # WOE product missing = ln((15/260)/(5/40)) = −0.77319 → 259.03; a = 0.32542 → 278.05; b = −0.40547 → 265.40
    card = hand_card()
    assert card.scale.factor == pytest.approx(28.853901, abs=1e-6)
    assert card.scale.offset == pytest.approx(487.122876, abs=1e-6)
    assert card.points.points("bureau").tolist() == [272, 246, 300]
    assert card.points.points("product").tolist() == [259, 278, 265, 272]  # "other" never seen: neutral
    raw = card.points.frame().filter(pl.col("feature") == "bureau")["raw"].to_list()
    assert raw == pytest.approx([272.415339, 245.810488, 300.270119], abs=1e-6)
    frame = pl.DataFrame({"bureau": [550, None, 600], "product": ["b", "zz", None]})
    assert card.score(frame).tolist() == [246 + 265, 272 + 272, 300 + 259]  # 600 is in [600, ∞): left-closed


def test_unrounded_points_sum_to_the_regressions_log_odds():
    card = hand_card()
    frame = pl.DataFrame({"bureau": [550, 700, None], "product": ["a", "b", None]})
    p = card.probability(frame)
    codes = card.codes(frame)
    table = card.points.frame()
    raw = sum(table.filter(pl.col("feature") == f)["raw"].to_numpy()[codes[f]] for f in ("bureau", "product"))
    assert raw == pytest.approx(card.scale.from_probability(p), abs=1e-9)
    assert np.abs(card.score(frame) - raw).max() <= 1.0  # at most half a point lost per characteristic


def test_points_round_half_up_not_to_even():
    assert round_points(np.array([0.5, 1.5, 2.5, -0.5, 2.49])).tolist() == [1, 2, 3, 0, 2]


def test_doubling_the_odds_adds_pdo_points():
    s = PointsScale()
    p_50 = 1 / 51  # odds 50:1 → the base score
    p_100 = 1 / 101  # odds 100:1
    assert s.from_probability(np.array([p_50]))[0] == pytest.approx(600)
    assert s.from_probability(np.array([p_100]))[0] - 600 == pytest.approx(20)


def test_korean_bureau_scale_uses_1_to_1000_and_caps():
    card = hand_card(PointsScale.korean_bureau())
    assert card.scale.factor == pytest.approx(60 / math.log(2))
    worst = card.scale.from_probability(np.array([0.999999]))[0]
    best = card.scale.from_probability(np.array([1e-9]))[0]
    assert worst == 1 and best == 1000
    assert card.scale.from_probability(np.array([1 / 51]))[0] == pytest.approx(600)
    assert 1 <= card.points.min_score <= card.points.max_score <= 1000


def test_grades_run_from_best_to_worst_and_bad_rate_rises_with_the_grade():
    df = loans(6000, seed=1)
    X, y = df.select(FEATURES), df["default_12m"].to_numpy()
    idx = np.random.default_rng(0).permutation(len(y))
    card = fit_scorecard(X, y, {"train": idx[:4000], "valid": idx[4000:5000], "test": idx[5000:]})
    assert card.bands.n == 10
    train_scores = card.score(X[idx[:4000]])
    assert card.bands.band(np.array([train_scores.max()]))[0] == 1
    assert card.bands.band(np.array([train_scores.min()]))[0] == 10
    rates = card.band_rates["train"]
    assert rates["rows"].sum() == 4000 and rates["share"].max() < 0.2  # deciles: about a tenth each
    assert rates["bad_rate"][0] < 0.05 < 0.3 < rates["bad_rate"][-1]
    assert rates["events"].sum() == int(y[idx[:4000]].sum())
    assert card.distribution is not None and card.distribution["rows"].sum() == 1000
    assert card.metrics["test"].auc > 0.75


def test_bands_are_kept_as_fitted_on_new_scores():
    bands = fit_bands(np.arange(1000.0), 10)
    assert bands.edges == (99.0, 199.0, 299.0, 399.0, 499.0, 599.0, 699.0, 799.0, 899.0)
    assert bands.band(np.array([5000.0, -5000.0])).tolist() == [1, 10]  # beyond training: the end grades
    lo, hi = bands.bounds(1)
    assert hi is None and lo == bands.edges[-1]


def test_scorecard_round_trips_through_json():
    df = loans(3000, seed=2)
    X, y = df.select(FEATURES), df["default_12m"].to_numpy()
    idx = np.arange(len(y))
    card = fit_scorecard(X, y, {"train": idx[:2000], "valid": idx[2000:2500], "test": idx[2500:]})
    import json

    back = Scorecard.from_dict(json.loads(json.dumps(card.to_dict())))
    assert back.score(X).tolist() == card.score(X).tolist()
    assert back.points.frame().equals(card.points.frame())
    assert back.bands == card.bands and back.trends == card.trends


def test_a_scorecard_moved_to_the_bureau_scale_has_the_points_a_bureau_fit_has():
    """The scale changes points and grade cuts only: moved without the training rows, the points equal a fit on
    the bureau scale from the start, scores stay in 1–1000, and the cuts follow the scale's map."""
    from workbench.model.rescale import rescaled, scale_name
    from workbench.model.scorecard import ScorecardOptions

    df = loans(3000, seed=5)
    X, y = df.select(FEATURES), df["default_12m"].to_numpy()
    idx = {"train": np.arange(2000), "test": np.arange(2000, 3000)}
    standard = fit_scorecard(X, y, idx)
    bureau = fit_scorecard(X, y, idx, options=ScorecardOptions(scale=PointsScale.korean_bureau()))
    moved = rescaled(standard, PointsScale.korean_bureau())
    assert scale_name(moved.scale) == "bureau" and scale_name(standard.scale) == "standard"
    assert moved.points.frame()["points"].to_list() == bureau.points.frame()["points"].to_list()
    assert np.array_equal(moved.score(X), bureau.score(X)) and 1 <= moved.score(X).min() <= moved.score(X).max() <= 1000
    old, new = standard.scale, moved.scale
    mapped = [new.offset + new.factor / old.factor * (e - old.offset) for e in standard.bands.edges]
    assert moved.bands.edges == pytest.approx(np.clip(mapped, 1, 1000))
    same = np.mean(moved.bands.band(moved.score(X)) == standard.bands.band(standard.score(X)))
    assert same > 0.9  # per-bin rounding moves applicants near a cut; the page re-cuts on the training rows
