"""Bins an expert can own: monotone trends (and the list of what cannot follow one), edits as data."""

from __future__ import annotations

import itertools
import math

import numpy as np
import polars as pl
import pytest
from scorecard_data import FEATURES, loans

from workbench.model.bins import Binning, count, initial_binning
from workbench.model.edits import BinEdit, EditError, apply_edits, edits_from_json, edits_to_json
from workbench.model.monotone import apply_trend
from workbench.model.scorecard import ScorecardOptions, fit_bins, fit_scorecard


def rates(fb) -> list[float]:
    first = fb.binning.first_body
    return [b.event_rate for b in fb.table.bins[first:]]


def shaped(n: int, rate_of, seed: int = 0) -> tuple[pl.Series, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 100, n).round(1)
    y = (rng.random(n) < rate_of(x)).astype(np.int64)
    return pl.Series("x", x), y


@pytest.mark.parametrize(
    ("trend", "rate_of", "check"),
    [
        ("ascending", lambda x: 0.05 + 0.3 * x / 100, lambda r: all(a < b for a, b in itertools.pairwise(r))),
        ("descending", lambda x: 0.35 - 0.3 * x / 100, lambda r: all(a > b for a, b in itertools.pairwise(r))),
        ("auto", lambda x: 0.35 - 0.3 * x / 100, lambda r: all(a > b for a, b in itertools.pairwise(r))),
    ],
)
def test_monotone_trends_make_the_bad_rate_follow_them(trend, rate_of, check):
    s, y = shaped(6000, rate_of)
    fb = count(initial_binning(s), s, y)
    assert not check(rates(fb))  # noisy deciles: not monotone before
    merged, result = apply_trend(fb, trend)
    assert result.feasible and check(rates(merged)) and len(rates(merged)) >= 3
    assert sum(b.total for b in merged.table.bins) == 6000  # merges work on counts: nobody lost


@pytest.mark.parametrize(("trend", "sign"), [("peak", 1), ("valley", -1)])
def test_a_peak_or_valley_rises_then_falls(trend, sign):
    s, y = shaped(8000, lambda x: 0.2 + sign * 0.15 * (1 - np.abs(x - 50) / 50), seed=3)
    fb = count(initial_binning(s), s, y)
    merged, result = apply_trend(fb, trend)
    r = np.array(rates(merged)) * sign
    top = int(np.argmax(r))
    assert result.feasible and result.applied == trend and 0 < top < len(r) - 1
    assert all(np.diff(r[: top + 1]) > 0) and all(np.diff(r[top:]) < 0)
    monotone, _ = apply_trend(fb, "auto")
    assert merged.iv > monotone.iv  # the turn is real: a monotone cut would lose most of the signal


def test_features_that_cannot_be_made_monotone_are_listed_with_the_reason():
    df = loans(4000, seed=5).with_columns(one=pl.lit(7, pl.Int64))
    X, y = df.select(*FEATURES, "one"), df["default_12m"].to_numpy()
    idx = np.arange(len(y))
    card = fit_scorecard(
        X, y, {"train": idx[:3000], "valid": idx[3000:3500], "test": idx[3500:]},
        options=ScorecardOptions(trend="auto", edits=(BinEdit("trend", "bureau_score", trend="ascending"),)),
    )  # fmt: skip
    reasons = {r.feature: r.reason for r in card.trends if not r.feasible}
    # bureau_score lowers the risk: asked to rise, every range merges into one
    assert reasons == {"loan_product": "categorical", "one": "one_value", "bureau_score": "flat"}
    assert len(card.feature("bureau_score").binning.edges) == 0
    assert {r.feature for r in card.trends if r.feasible} == {"months_at_job", "monthly_income"}


def test_special_codes_and_missing_stay_apart_from_the_ranges():
    df = loans(3000, seed=6)
    y = df["default_12m"].to_numpy()
    fb, _ = fit_bins(df["monthly_income"], y, trend="auto", specials=(9999999.0,))
    missing, special = fb.table.bins[0], fb.table.bins[1]
    assert special.label == "= 9,999,999" and special.total == int((df["monthly_income"] == 9999999).sum())
    assert missing.total == 0 and fb.woe[0] == 0.0  # nobody missing: neutral WOE, never a merged range
    assert all(e < 9999999 for e in fb.binning.edges)
    job, _ = fit_bins(df["months_at_job"], y, trend="auto")
    assert job.table.bins[0].total == df["months_at_job"].null_count() and job.table.bins[0].kind == "missing"


def _hand_woe(bins, k: int) -> float:
    e = sum(b.events for b in bins)
    n = sum(b.non_events for b in bins)
    return math.log((bins[k].non_events / n) / (bins[k].events / e))


def test_edits_merge_split_edges_and_specials_recount_woe_iv_and_bad_rate():
    s, y = shaped(5000, lambda x: 0.05 + 0.3 * x / 100, seed=8)
    base = count(Binning("x", True, (20.0, 40.0, 60.0, 80.0)), s, y)
    merged = apply_edits(base, [BinEdit("merge", "x", bins=(2, 3))], s, y).bins
    assert merged.binning.edges == (20.0, 60.0, 80.0)
    assert merged.table.bins[2].total == base.table.bins[2].total + base.table.bins[3].total
    assert merged.woe[2] == pytest.approx(_hand_woe(merged.table.bins, 2))
    assert merged.bad_rates[2] == pytest.approx(y[(s >= 20) & (s < 60)].mean())
    split = apply_edits(merged, [BinEdit("split", "x", bins=(2,), at=50.0)], s, y).bins
    assert split.binning.edges == (20.0, 50.0, 60.0, 80.0)
    edges = apply_edits(base, [BinEdit("edges", "x", edges=(30.0, 70.0))], s, y).bins
    assert [b.label for b in edges.table.bins] == ["missing", "< 30", "[30, 70)", "≥ 70"]
    assert edges.iv == pytest.approx(sum(edges.frame()["iv"]))
    special = apply_edits(base, [BinEdit("specials", "x", codes=(50.0,))], s, y).bins
    assert special.table.bins[1].label == "= 50" and special.table.bins[1].total == int((s == 50.0).sum())
    assert base.binning.edges == (20.0, 40.0, 60.0, 80.0)  # pure: the input is untouched


def test_categorical_groups_merge_and_split_by_level():
    s = pl.Series("product", ["신용"] * 50 + ["담보"] * 30 + ["전세"] * 20)
    y = np.r_[np.ones(10), np.zeros(40), np.ones(3), np.zeros(27), np.ones(2), np.zeros(18)]
    fb = count(initial_binning(s), s, y)
    merged = apply_edits(fb, [BinEdit("merge", "product", bins=(2, 3))], s, y).bins
    assert merged.binning.groups == (("신용",), ("담보", "전세"))
    assert merged.table.bins[2].label == "담보, 전세" and merged.table.bins[2].events == 5
    back = apply_edits(merged, [BinEdit("split", "product", levels=("전세",))], s, y).bins
    assert back.binning.groups == (("신용",), ("담보",), ("전세",))
    new = pl.Series("product", ["오토", None, "전세"])
    assert back.binning.codes(new).tolist() == [4, 0, 3]  # an unseen level goes to "other"


@pytest.mark.parametrize(
    ("edit", "key"),
    [
        (BinEdit("merge", "x", bins=(0, 1)), "scorecard.edit.not_a_range"),  # missing stays apart
        (BinEdit("merge", "x", bins=(1, 3)), "scorecard.edit.not_neighbours"),
        (BinEdit("merge", "x", bins=(2,)), "scorecard.edit.merge_two"),
        (BinEdit("split", "x", bins=(1,), at=55.0), "scorecard.edit.split_outside"),
        (BinEdit("split", "x", at=20.0), "scorecard.edit.split_outside"),
        (BinEdit("split", "x", at=float("nan")), "scorecard.edit.split_needs_value"),
        (BinEdit("edges", "x", edges=(float("inf"),)), "scorecard.edit.bad_edges"),
        (BinEdit("trend", "x", trend="sideways"), "scorecard.edit.bad_trend"),
    ],
)
def test_an_edit_that_does_not_fit_is_refused_in_one_line(edit, key):
    s, y = shaped(1000, lambda x: 0.1 + 0 * x)
    base = count(Binning("x", True, (20.0, 40.0, 60.0)), s, y)
    with pytest.raises(EditError) as err:
        apply_edits(base, [edit], s, y)
    assert err.value.key == key and "\n" not in str(err.value)


def test_edits_round_trip_as_json_and_an_unknown_op_is_refused():
    edits = (
        BinEdit("merge", "x", bins=(2, 3)),
        BinEdit("split", "p", levels=("a",)),
        BinEdit("trend", "x", trend="peak"),
    )
    assert edits_from_json(edits_to_json(edits)) == edits
    with pytest.raises(EditError):
        edits_from_json([{"op": "explode", "feature": "x"}])
