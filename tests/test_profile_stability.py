"""PSI of a known shift, the empty-bin rule, PSI by month, and two datasets side by side."""

import math
from datetime import date

import numpy as np
import polars as pl
import pytest

from workbench.io.table import Table
from workbench.privacy import certify
from workbench.profile import compare_datasets, psi, stability_by_period
from workbench.profile.stability import StabilityError, psi_band


def masked(df: pl.DataFrame, name: str = "t"):
    return certify(Table(name, df), findings=())


def test_psi_of_a_known_shift_by_hand():
    ref = np.array([25, 25, 25, 25])
    cur = np.array([10, 20, 30, 40])
    hand = sum((c - r) * math.log(c / r) for r, c in zip([0.25] * 4, [0.1, 0.2, 0.3, 0.4], strict=True))
    assert psi(ref, cur) == pytest.approx(hand)
    assert psi(ref, ref) == 0.0
    assert psi_band(hand) == "shifting"  # 0.23


def test_empty_bin_counts_half_a_row():
    ref = np.array([50, 50, 0])
    cur = np.array([40, 40, 20])
    r = np.array([50, 50, 0.5]) / 100.5
    c = np.array([40, 40, 20]) / 100
    assert psi(ref, cur) == pytest.approx(float(((c - r) * np.log(c / r)).sum()))


def test_two_datasets_binned_on_reference_deciles():
    rng = np.random.default_rng(0)
    train = masked(pl.DataFrame({"bureau_score": rng.normal(600, 50, 10_000), "same": rng.normal(0, 1, 10_000)}))
    recent = masked(
        pl.DataFrame({"bureau_score": rng.normal(640, 50, 10_000), "same": rng.normal(0, 1, 10_000)}), "recent"
    )
    st = compare_datasets(train, recent)
    shifted, same = st.feature("bureau_score"), st.feature("same")
    assert st.periods == ("reference", "current")
    ref_counts = [n for n, label in zip(shifted.counts[0], shifted.labels, strict=True) if label != "missing"]
    assert all(abs(n - 1_000) <= 1 for n in ref_counts)  # deciles of the reference: 10 % each
    assert shifted.band == "major" and same.band == "stable"
    assert st.features[0].feature == "bureau_score"


def test_psi_by_month_against_the_first_month():
    rng = np.random.default_rng(1)
    months = [date(2024, m, 1) for m in (1, 2, 3)]
    rows = []
    for k, d in enumerate(months):
        score = rng.normal(600 + 25 * k, 50, 3_000)
        rows.append(pl.DataFrame({"applied_at": [d] * 3_000, "bureau_score": score, "channel": ["a"] * 3_000}))
    df = pl.concat(rows)
    st = stability_by_period(masked(df), "applied_at")
    f = st.feature("bureau_score")
    assert st.periods == ("2024-01", "2024-02", "2024-03")
    assert st.period_rows == (3_000, 3_000, 3_000)
    assert f.psi[0] == 0.0 and 0 < f.psi[1] < f.psi[2]
    assert st.feature("channel").max_psi == 0.0


def test_a_time_column_that_is_not_a_date_is_refused():
    df = pl.DataFrame({"t": [1, 2], "x": [1.0, 2.0]})
    with pytest.raises(StabilityError):
        stability_by_period(masked(df), "t")


def test_a_column_all_zero_in_the_first_month_still_shows_its_later_spread():
    """The reference month gives no cut point; bins then come from every month, so overdue days that are all
    0 in January and spread over 0–90 in February read as a major shift, not as PSI 0."""
    rng = np.random.default_rng(3)
    n = 1_000
    df = pl.DataFrame(
        {
            "applied_at": [date(2024, 1, 1)] * n + [date(2024, 2, 1)] * n,
            "overdue_days": np.concatenate([np.zeros(n, dtype=np.int64), rng.integers(0, 90, n)]),
        }
    )
    st = stability_by_period(masked(df), "applied_at")
    f = st.feature("overdue_days")
    assert len(f.labels) > 3  # missing + several ranges
    assert sum(f.counts[0]) == n and sum(f.counts[1]) == n
    assert f.psi[0] == 0.0 and f.psi[1] > 0.25
    assert f.band == "major"


def test_a_column_constant_in_every_month_is_stable():
    df = pl.DataFrame({"applied_at": [date(2024, 1, 1)] * 50 + [date(2024, 2, 1)] * 50, "fee": [0] * 100})
    f = stability_by_period(masked(df), "applied_at").feature("fee")
    assert f.labels == ("missing", "all") and f.psi == (0.0, 0.0)


def test_on_85_rows_a_month_a_shift_sampling_alone_makes_is_not_called_major():
    """The same population in every month: the raw PSI crosses 0.25 for many columns, the band does not."""
    rng = np.random.default_rng(18)
    n, months = 682, 8
    df = pl.DataFrame(
        {"applied_at": [date(2024, 1 + i * months // n, 15) for i in range(n)]}
        | {f"x{j}": rng.lognormal(10, 1, n) for j in range(40)}
    )
    st = stability_by_period(masked(df), "applied_at")
    over_line = [f for f in st.features if f.max_psi > 0.25]
    assert len(over_line) >= 10  # a fixed 0.25 line would call a quarter of them "major shift"
    assert [f.feature for f in st.features if f.band == "major"] == []
    null = over_line[0].chance_psi
    assert null[0] == 0.0 and all(0.25 < v < 1.0 for v in null[1:])  # what chance reaches at 85 rows


def test_a_real_drift_on_85_rows_a_month_is_still_major_and_large_months_keep_the_fixed_bands():
    rng = np.random.default_rng(5)
    n = 682
    small = pl.DataFrame(
        {
            "applied_at": [date(2024, 1 + i * 8 // n, 15) for i in range(n)],
            "moving": np.linspace(0, 4, n) + rng.normal(0, 1, n),  # the mix moves month after month
        }
    )
    assert stability_by_period(masked(small), "applied_at").feature("moving").band == "major"
    big = pl.DataFrame(
        {
            "applied_at": [date(2024, 1 + i * 2 // 40_000, 15) for i in range(40_000)],
            "slight": np.r_[rng.normal(0, 1, 20_000), rng.normal(0.45, 1, 20_000)],  # PSI about 0.2
        }
    )
    f = stability_by_period(masked(big), "applied_at").feature("slight")
    assert f.chance_psi[1] < 0.01 and f.drift_psi == f.max_psi and f.band == psi_band(f.max_psi) == "shifting"
