"""Special codes are found, not only listed: repayment-status codes, a "never contacted" -1, sentinels at the
top; a genuinely signed column is left alone; codes stay out of moments, correlations and numeric bins."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from signals_shapes import applications

from workbench.features.scoring import score_feature
from workbench.io.table import Table
from workbench.privacy import certify
from workbench.profile import profile
from workbench.signals import codes


def found(values) -> dict[float, float]:
    return {c.value: round(c.share, 3) for c in codes.of_series(pl.Series("x", values))}


@pytest.fixture(scope="module")
def apps():
    df = applications()
    return df, profile(certify(Table("apps", df), findings=()), target="default", time_column="applied_at")


def test_repayment_status_codes_beside_months_of_delay_are_found_with_their_shares():
    rng = np.random.default_rng(3)
    pay = np.where(rng.random(5_000) < 0.3, rng.choice([-2, -1], 5_000), rng.integers(0, 9, 5_000))
    got = found(pay)
    assert set(got) == {-2.0, -1.0}  # -2 is on no list: found because 0…8 sit on the other side
    assert got[-2.0] == pytest.approx(float(np.mean(pay == -2)), abs=1e-3)


def test_a_signed_quantity_is_not_a_code():
    rng = np.random.default_rng(4)
    assert found(np.round(rng.normal(0, 300_000, 3_000))) == {}  # a balance change: many negative values
    assert found(rng.integers(-2, 3, 3_000)) == {}  # a change of grade: its negatives mirror its positives


def test_sentinels_at_the_top_are_found_and_a_cap_is_not():
    rng = np.random.default_rng(5)
    amounts = np.round(rng.lognormal(12, 1, 10_000))
    with_nines = np.where(rng.random(10_000) < 0.02, 99_999_999, amounts)
    assert list(found(with_nines)) == [99_999_999.0]
    ages = rng.integers(20, 70, 5_000)
    far = np.where(rng.random(5_000) < 0.01, 555, ages)  # a constant far outside the rest, not in nines
    assert list(found(far)) == [555.0]
    capped = np.minimum(amounts, 500_000)  # top-coded at a limit: repeated, but right after the rest
    assert found(capped) == {}


def test_profile_flags_pay_and_pdays_and_the_pdays_correlation_disappears(apps):
    df, p = apps
    pay = {s.value: s.share for s in p.table.column("pay_0").special_codes}
    assert set(pay) == {-2.0, -1.0}
    pdays = p.table.column("pdays")
    assert [(s.value, round(s.share, 3)) for s in pdays.special_codes] == [(-1.0, 0.829)]
    # with the code the two read as one column; without it they hardly correlate
    with_code = df.select(pl.corr("pdays", "previous", method="spearman")).item()
    contacted = df.filter(pl.col("pdays") >= 0).select(pl.corr("pdays", "previous", method="spearman")).item()
    assert with_code > 0.95 and abs(contacted) < 0.15
    assert not [
        a
        for a in p.alerts
        if a.code == "high_correlation" and {a.column, dict(a.params)["other"]} == {"pdays", "previous"}
    ]
    pairs = {frozenset((x.a, x.b)): x.value for x in p.correlations.pairs() if x.method == "spearman"}
    assert abs(pairs[frozenset(("pdays", "previous"))]) < 0.15
    assert pdays.mean == pytest.approx(df.filter(pl.col("pdays") >= 0)["pdays"].mean())
    assert pdays.min == -1.0 and pdays.min_without_codes >= 1 and pdays.histogram[0][0] >= 0
    assert {s.value for s in p.table.column("balance_change").special_codes} == set()


def test_codes_have_bins_of_their_own_in_the_profile_features_and_psi(apps):
    df, p = apps
    labels = [b.label for b in p.target.table("pay_0").bins]
    assert "= -2" in labels and "= -1" in labels
    psi_labels = next(f for f in p.stability.features if f.feature == "pdays").labels
    assert "= -1" in psi_labels and not any(label.startswith("[-1") for label in psi_labels)
    fs = score_feature(df["pdays"], df["default"])
    assert fs.binning.specials == (-1.0,) and fs.binning.edges[0] >= 1
    assert any(b.label == "= -1" and b.n == int((df["pdays"] == -1).sum()) for b in fs.bins)


def test_a_long_column_finds_its_codes_from_the_probe_and_leaves_them_out_of_every_statistic():
    rng = np.random.default_rng(1)
    n = 60_000  # more distinct values than the probe profiles by value: the two-pass road
    amount = np.round(rng.lognormal(12, 1, n))
    amount[rng.random(n) < 0.03] = 99_999_999
    x = rng.integers(0, 1_000_000, n)
    x[rng.random(n) < 0.05] = -9
    x[rng.random(n) < 0.04] = -7
    df = pl.DataFrame({"amount": amount.astype(np.int64), "x": x})
    p = profile(certify(Table("t", df), findings=()))
    a = p.table.column("amount")
    rest = df.filter(pl.col("amount") < 99_999_999)["amount"]
    assert [s.value for s in a.special_codes] == [99_999_999.0]
    assert a.mean == pytest.approx(rest.mean()) and a.std == pytest.approx(rest.std())
    assert a.max == 99_999_999 and a.max_without_codes == rest.max() and a.histogram[-1][1] == rest.max()
    assert dict(a.quantiles)[0.99] == rest.quantile(0.99, "nearest")
    xs = p.table.column("x")
    assert [s.value for s in xs.special_codes] == [-9.0, -7.0]  # -7 is on no list
    assert xs.mean == pytest.approx(df.filter(pl.col("x") >= 0)["x"].mean())


def test_a_candidate_that_is_no_code_stays_in_the_statistics_of_a_long_column():
    rng = np.random.default_rng(8)
    n = 60_000
    x = rng.integers(0, 1_000_000, n)
    x[rng.random(n) < 0.04] = -1  # a code: every other value is non-negative
    x[rng.random(n) < 0.005] = 99  # an agreed spelling, but a value like the others here: inside the range, rare
    df = pl.DataFrame({"x": x})
    c = profile(certify(Table("t", df), findings=())).table.column("x")
    assert [s.value for s in c.special_codes] == [-1.0]
    rest = df.filter(pl.col("x") != -1)["x"]
    assert c.mean == pytest.approx(rest.mean()) and c.min_without_codes == rest.min()
