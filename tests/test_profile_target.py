"""WOE/IV, AUC and KS on splits a credit analyst can compute by hand; string targets; the zero-count rule."""

import itertools
import math

import numpy as np
import polars as pl
import pytest
from sklearn.metrics import roc_auc_score

from workbench.io.table import Table
from workbench.privacy import certify
from workbench.profile import build_alerts, profile_columns, target_analysis
from workbench.profile.target import TargetError, iv_band, resolve_event


def masked(df: pl.DataFrame):
    return certify(Table("loans", df), findings=())


def split(counts: dict[str, tuple[int, int]]) -> pl.DataFrame:
    """Rows of a categorical feature with (events, non_events) per level."""
    feat, y = [], []
    for level, (e, n) in counts.items():
        feat += [level] * (e + n)
        y += [1] * e + [0] * n
    return pl.DataFrame({"channel": feat, "default": y})


def test_iv_of_a_known_split_equals_the_hand_computation():
    counts = {"branch": (30, 270), "mobile": (25, 375), "web": (45, 255)}
    ta = target_analysis(masked(split(counts)), "default")
    tb = ta.table("channel")
    E, N = 100, 900
    hand = sum((n / N - e / E) * math.log((n / N) / (e / E)) for e, n in counts.values())
    assert tb.iv == pytest.approx(hand, rel=1e-12)
    woe = dict(zip([b.label for b in tb.used], tb.woe, strict=True))
    assert woe["mobile"] == pytest.approx(math.log((375 / 900) / (25 / 100)))
    assert {b.label: (b.events, b.non_events) for b in tb.used} == counts
    assert ta.event == "1" and ta.events == 100 and ta.event_rate == pytest.approx(0.1)
    assert tb.band == iv_band(hand) == "medium"


def test_auc_equals_sklearn_on_the_bin_event_rate_and_ks_on_a_known_score():
    rng = np.random.default_rng(0)
    score = rng.integers(1, 11, 20_000)  # ten distinct values → ten bins, one per score
    p = 0.02 + 0.02 * score
    y = (rng.random(20_000) < p).astype(int)
    df = pl.DataFrame({"score": score, "bad": y})
    tb = target_analysis(masked(df), "bad").table("score")
    assert len([b for b in tb.used if b.kind == "range"]) == 10
    rate = df.group_by("score").agg(pl.col("bad").mean().alias("r"))
    per_row = df.join(rate, on="score", how="left")["r"].to_numpy()
    assert tb.auc == pytest.approx(roc_auc_score(y, per_row), abs=1e-12)
    # KS by hand: cumulative shares of events and non-events, ordered by event rate
    order = rate.sort("r")["score"].to_list()
    ev = np.array([((score == s) & (y == 1)).sum() for s in order])
    ne = np.array([((score == s) & (y == 0)).sum() for s in order])
    assert tb.ks == pytest.approx(np.max(np.abs(np.cumsum(ev) / ev.sum() - np.cumsum(ne) / ne.sum())))


@pytest.mark.parametrize(
    ("values", "event"),
    [
        (["yes", "no"], "yes"),
        (["good", "bad"], "bad"),
        (["Y", "N"], "Y"),
        (["1", "0"], "1"),
        (["예", "아니오"], "예"),
        ([True, False], "true"),
    ],
)
def test_string_targets_just_work_and_say_which_value_is_the_event(values, event):
    n = 400
    target = [values[0] if i % 5 == 0 else values[1] for i in range(n)]
    df = pl.DataFrame({"x": list(range(n)), "y": target})
    ta = target_analysis(masked(df), "y")
    assert ta.event == event
    assert ta.events == n // 5 if values[0] == event or values[0] is True else n - n // 5


def test_rarer_value_is_the_event_for_unknown_labels():
    assert resolve_event(pl.Series("t", ["paid"] * 90 + ["charged_off"] * 10)) == ("charged_off", "paid")


def test_a_non_binary_target_is_refused_in_one_line():
    df = pl.DataFrame({"x": [1, 2, 3], "grade": ["A", "B", "C"]})
    with pytest.raises(TargetError) as err:
        target_analysis(masked(df), "grade")
    assert "grade" in err.value.message("en") and "\n" not in err.value.message("en")


def test_missing_and_special_codes_get_bins_of_their_own():
    rng = np.random.default_rng(2)
    income = rng.integers(1_000, 8_000, 5_000).astype(float)
    income[:200] = 9999
    income[200:500] = np.nan
    y = (rng.random(5_000) < 0.1).astype(int)
    y[:200] = 1  # "unknown income" is risky
    df = pl.DataFrame({"annual_income": income, "default_12m": y})
    mt = masked(df)
    tb = target_analysis(mt, "default_12m", profile=profile_columns(mt)).table("annual_income")
    missing = next(b for b in tb.bins if b.kind == "missing")
    special = next(b for b in tb.bins if b.kind == "special")
    assert missing.total == 300
    assert (special.label, special.events, special.non_events) == ("= 9,999", 200, 0)
    assert all(b.upper is None or b.upper <= 8_000 for b in tb.bins if b.kind == "range")


def test_zero_count_rule_smooths_the_bin_and_raises_an_alert():
    counts = {"A": (0, 100), "B": (20, 80), "C": (30, 70)}
    mt = masked(split(counts))
    ta = target_analysis(mt, "default")
    tb = ta.table("channel")
    assert tb.smoothed_bins == ("A",)
    E, N = 50.5, 250.5  # 0.5 added to both counts of bin A only
    es = {"A": 0.5 / E, "B": 20 / E, "C": 30 / E}
    ns = {"A": 100.5 / N, "B": 80 / N, "C": 70 / N}
    assert tb.iv == pytest.approx(sum((ns[k] - es[k]) * math.log(ns[k] / es[k]) for k in counts))
    assert all(math.isfinite(w) for w in tb.woe)
    alerts = build_alerts(profile_columns(mt), None, ta)
    assert [a.column for a in alerts if a.code == "woe_smoothed"] == ["channel"]


def test_leakage_suspect_for_a_feature_recorded_after_the_outcome():
    rng = np.random.default_rng(4)
    y = (rng.random(3_000) < 0.08).astype(int)
    overdue = np.where(y == 1, rng.integers(30, 200, 3_000), rng.integers(0, 5, 3_000))
    df = pl.DataFrame({"overdue_days_after": overdue, "bureau_score": rng.normal(600, 50, 3_000), "default_12m": y})
    mt = masked(df)
    ta = target_analysis(mt, "default_12m", profile=profile_columns(mt))
    assert ta.tables[0].feature == "overdue_days_after" and ta.tables[0].band == "suspicious"
    alerts = build_alerts(profile_columns(mt), None, ta)
    leak = [a for a in alerts if a.code == "leakage_suspect"]
    assert [a.column for a in leak] == ["overdue_days_after"] and leak[0].severity == "high"
    assert "overdue_days_after" in leak[0].message("ko")


def test_monotonic_merging_gives_monotonic_bad_rates_and_keeps_counts():
    rng = np.random.default_rng(6)
    x = rng.normal(size=20_000)
    y = (rng.random(20_000) < 1 / (1 + np.exp(2 + x + 0.8 * np.sin(6 * x)))).astype(int)
    df = pl.DataFrame({"x": x, "y": y})
    plain = target_analysis(masked(df), "y", n_bins=20).table("x")
    mono = target_analysis(masked(df), "y", n_bins=20, monotonic=True).table("x")
    rates = [b.event_rate for b in mono.used if b.kind == "range"]
    assert all(a >= b for a, b in itertools.pairwise(rates)) or all(a <= b for a, b in itertools.pairwise(rates))
    assert len(mono.used) < len(plain.used)
    assert (mono.events, mono.non_events) == (plain.events, plain.non_events)
