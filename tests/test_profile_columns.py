"""Column statistics a banker would check by hand: missing counted as null and NaN apart, quantiles, codes."""

from datetime import date

import numpy as np
import polars as pl
import pytest

from workbench.io.table import Table
from workbench.privacy import certify
from workbench.profile import profile_columns
from workbench.profile.correlations import correlations


def masked(df: pl.DataFrame, name: str = "t"):
    return certify(Table(name, df), findings=())


def test_rejects_a_raw_frame():
    with pytest.raises(TypeError):
        profile_columns(pl.DataFrame({"a": [1]}))  # type: ignore[arg-type]


def test_null_and_nan_are_counted_apart_and_skipped_by_moments():
    df = pl.DataFrame({"x": [1.0, 2.0, None, float("nan"), 3.0, float("nan")]})
    c = profile_columns(masked(df)).column("x")
    assert (c.n_null, c.n_nan, c.missing) == (1, 2, 3)
    assert c.count == 3
    assert c.mean == pytest.approx(2.0)
    assert c.min == 1.0 and c.max == 3.0
    assert c.missing_share == pytest.approx(0.5)


def test_quantiles_moments_and_counts_match_numpy():
    rng = np.random.default_rng(1)
    x = np.round(rng.lognormal(3, 1, 5_001), 2)
    x[:400] = 0
    x[400:450] = -5
    c = profile_columns(masked(pl.DataFrame({"amount": x}))).column("amount")
    srt = np.sort(x)
    for q, v in c.quantiles:
        assert v == srt[round(q * (len(x) - 1))], q
    assert c.mean == pytest.approx(x.mean())
    assert c.std == pytest.approx(x.std(ddof=1))
    assert c.zeros == 400 and c.negatives == 50
    assert sum(n for _, _, n in c.histogram) == len(x)
    assert c.histogram[0][0] == pytest.approx(-5, abs=1e-9) and c.histogram[-1][1] == pytest.approx(x.max())
    assert c.skew > 2 and c.kind == "numeric"


def test_distinct_is_exact_when_bounded_and_top_values_have_shares():
    df = pl.DataFrame({"grade": ["A"] * 50 + ["B"] * 30 + ["C"] * 20 + [None] * 10})
    c = profile_columns(masked(df)).column("grade")
    assert c.distinct == 3 and c.distinct_exact
    assert [(t.value, t.count) for t in c.top] == [("A", 50), ("B", 30), ("C", 20)]
    assert c.top[0].share == pytest.approx(50 / 110)
    assert c.kind == "categorical"
    assert (c.length_min, c.length_max) == (1, 1)


def test_kinds_identifier_flag_and_override():
    n = 200
    df = pl.DataFrame(
        {
            "customer_id": [f"C{i:05d}" for i in range(n)],
            "account_no": list(range(n)),
            "yn": ["Y", "N"] * (n // 2),
            "flag": [0, 1] * (n // 2),
            "grade": [i % 10 + 1 for i in range(n)],
            "opened": [date(2024, 1, 1 + i % 28) for i in range(n)],
        }
    )
    p = profile_columns(masked(df), kinds={"grade": "categorical"})
    kinds = {c.name: c.kind for c in p.columns}
    assert kinds == {
        "customer_id": "id_like",
        "account_no": "id_like",
        "yn": "boolean",
        "flag": "boolean",
        "grade": "categorical",
        "opened": "date",
    }
    assert p.column("grade").kind_inferred == "numeric"


def test_special_code_9999_is_found_and_a_real_maximum_is_not():
    rng = np.random.default_rng(3)
    income = rng.integers(1_000, 9_000, 2_000).astype(float)
    income[:60] = 9999
    age = rng.integers(20, 70, 2_000)
    p = profile_columns(masked(pl.DataFrame({"annual_income": income, "age": age})))
    codes = p.column("annual_income").special_codes
    assert [(s.value, s.count) for s in codes] == [(9999.0, 60)]
    assert p.column("annual_income").max_without_codes < 9_000
    assert p.column("age").special_codes == ()


def test_minus_one_is_special_only_in_a_non_negative_column():
    df = pl.DataFrame({"months": [-1] * 20 + list(range(1, 200)), "delta": [-1] * 20 + list(range(-100, 99))})
    p = profile_columns(masked(df))
    assert [s.value for s in p.column("months").special_codes] == [-1.0]
    assert p.column("delta").special_codes == ()


def test_dates_range_gaps_and_future():
    d = [date(2024, 1, 5), date(2024, 1, 6), date(2024, 4, 1), date(2030, 1, 1), None]
    c = profile_columns(masked(pl.DataFrame({"applied_at": d})), today=date(2025, 1, 1)).column("applied_at")
    assert c.date_min == date(2024, 1, 5) and c.date_max == date(2030, 1, 1)
    assert c.future_count == 1
    assert c.date_largest_gap_days == (date(2030, 1, 1) - date(2024, 4, 1)).days
    assert c.date_empty_months == (2030 - 2024) * 12 + 1 - 3


def test_overview_duplicates_memory_and_missing_patterns():
    df = pl.DataFrame(
        {
            "a": [1, 1, 2, None, None, 3],
            "b": ["x", "x", None, None, "z", "w"],
        }
    )
    p = profile_columns(masked(df))
    assert p.rows == 6 and p.n_columns == 2
    assert p.duplicate_rows == 1  # row 2 repeats row 1
    assert p.memory_bytes > 0
    assert p.missing_cells == 4
    patterns = {m.columns: m.count for m in p.missing_patterns}
    assert patterns == {(): 3, ("a", "b"): 1, ("a",): 1, ("b",): 1}


def test_mixed_types_share_of_numeric_looking_strings():
    df = pl.DataFrame({"code": ["12", "13", "1,200", "AB", "N/A", "7"] * 10})
    c = profile_columns(masked(df)).column("code")
    assert c.numeric_string_share == pytest.approx(4 / 6)


def test_correlations_match_numpy_and_state_the_sample():
    rng = np.random.default_rng(5)
    a = rng.normal(size=3_000)
    b = 2 * a + rng.normal(size=3_000)
    b[:100] = np.nan
    grade = np.where(a > 0, "hi", "lo")
    df = pl.DataFrame({"a": a, "b": b, "c": np.exp(a), "grade": grade, "noise": rng.choice(["x", "y"], 3_000)})
    mt = masked(df)
    corr = correlations(mt, profile_columns(mt), sample_rows=2_000)
    assert corr.sample_size == 2_000 and corr.rows == 3_000 and corr.sampled
    i, j, k = (corr.numeric.index(n) for n in ("a", "b", "c"))
    sample = mt.sample_rows(2_000, seed=0)  # the table's own seeded sample: the same in memory or on disk
    keep = ~np.isnan(sample["b"].to_numpy())
    expect = np.corrcoef(sample["a"].to_numpy()[keep], sample["b"].to_numpy()[keep])[0, 1]
    assert corr.pearson[i][j] == pytest.approx(expect)
    b_kept, hi = sample["b"].to_numpy()[keep], sample["grade"].to_numpy()[keep] == "hi"
    between = (
        hi.sum() * (b_kept[hi].mean() - b_kept.mean()) ** 2 + (~hi).sum() * (b_kept[~hi].mean() - b_kept.mean()) ** 2
    )
    eta_b = np.sqrt(between / ((b_kept - b_kept.mean()) ** 2).sum())
    assert corr.spearman[i][k] == pytest.approx(1.0)  # exp is monotonic: ranks agree exactly
    assert corr.pearson[i][k] < 0.9
    g = corr.categorical.index("grade")
    n = corr.categorical.index("noise")
    assert corr.cramers_v[g][n] < 0.1
    eta = {(p.a, p.b): p.value for p in corr.ratio}
    assert eta[("a", "grade")] > 0.7 and eta[("a", "noise")] < 0.1
    assert eta[("b", "grade")] == pytest.approx(eta_b)  # η² = between-group / total sum of squares
    assert corr.top_pairs(1)[0].value == pytest.approx(1.0)


def test_quantiles_of_a_long_column_come_from_a_stated_sample_and_stay_close():
    x = np.random.default_rng(8).lognormal(8, 1, 500_000)
    c = profile_columns(masked(pl.DataFrame({"amount": x}))).column("amount")
    assert c.quantiles_sampled
    srt = np.sort(x)
    for q, v in c.quantiles:
        rank = np.searchsorted(srt, v) / len(x)
        assert abs(rank - q) < 0.003, (q, rank)  # within 0.3 percentage points of rank
    assert c.mean == pytest.approx(x.mean())  # moments stay exact


def test_columns_named_like_count_fields_profile_normally():
    """Value counts name their own fields; a column called ``n`` or ``v`` must not collide with them."""
    df = pl.DataFrame({"n": [1, 2, 3, 9999, 9999] * 100, "v": ["a", "b"] * 250, "len": [0.5, None] * 250})
    tp = profile_columns(masked(df))
    assert tp.column("n").special_codes[0].value == 9999 and tp.column("n").distinct == 4
    assert [tv.value for tv in tp.column("v").top] == ["a", "b"]
    assert tp.column("len").distinct == 1 and tp.column("len").n_null == 250


def test_a_column_of_few_values_reads_the_same_as_its_rows():
    """Few distinct values are profiled from their counts: every statistic must equal polars on the rows."""
    rng = np.random.default_rng(12)
    x = rng.choice(
        [-1.0, 0.0, 0.5, 3.0, 7.25, 14.0, 9999.0, np.nan], 30_001, p=[0.05, 0.3, 0.2, 0.2, 0.1, 0.1, 0.03, 0.02]
    )
    days = rng.integers(19_000, 19_400, 30_001)
    df = pl.DataFrame({"x": x, "d": pl.Series(days).cast(pl.Int32).cast(pl.Date)})
    tp = profile_columns(masked(df), today=date(2022, 6, 1))
    c, dc = tp.column("x"), tp.column("d")
    every = pl.Series(x).fill_nan(None).drop_nulls()
    rows = every.filter(~every.is_in([-1.0, 9999.0]))  # the special codes take no part in the statistics
    assert c.n_nan == int(np.isnan(x).sum()) and c.distinct == 7 and c.distinct_exact
    assert (c.min, c.max) == (-1.0, 9999.0)
    assert c.mean == pytest.approx(rows.mean(), rel=1e-12) and c.std == pytest.approx(rows.std(), rel=1e-12)
    assert c.skew == pytest.approx(rows.skew(), rel=1e-9) and c.kurtosis == pytest.approx(rows.kurtosis(), rel=1e-9)
    assert [v for _q, v in c.quantiles] == [rows.quantile(q, "nearest") for q, _v in c.quantiles]
    hist = rows.hist(bin_count=20, include_breakpoint=True)
    assert [n for _l, _r, n in c.histogram] == hist["count"].to_list()
    assert [r for _l, r, _n in c.histogram] == pytest.approx(hist["breakpoint"].to_list())
    assert (c.zeros, c.negatives) == (int((x == 0).sum()), int((x < 0).sum()))
    assert [(s.value, s.count) for s in c.special_codes] == [
        (-1.0, int((x == -1).sum())),
        (9999.0, int((x == 9999).sum())),
    ]
    assert (c.min_without_codes, c.max_without_codes) == (0.0, 14.0)  # 0 is no code here: 0.5 is not above 1
    assert not c.quantiles_sampled
    assert dc.date_min == df["d"].min() and dc.date_max == df["d"].max() and dc.distinct == df["d"].n_unique()
    assert dc.future_count == int((df["d"] > date(2022, 6, 1)).sum())
    by_count = df["d"].value_counts().sort(["count", "d"], descending=[True, False]).head(3).rows()
    assert [(t.value, t.count) for t in dc.top[:3]] == [(str(v), n) for v, n in by_count]
    assert dc.date_largest_gap_days == int(df["d"].unique().sort().diff().dt.total_days().max())


def test_a_key_column_settles_duplicate_rows_and_a_copied_row_is_still_found():
    rng = np.random.default_rng(21)
    n = 30_000
    df = pl.DataFrame({"account": np.arange(n), "grade": rng.integers(0, 3, n), "branch": rng.choice(["a", "b"], n)})
    assert profile_columns(masked(df)).duplicate_rows == 0  # grade and branch repeat, the rows do not
    copied = pl.concat([df, df.slice(7, 3)])  # three rows again, their keys with them
    assert profile_columns(masked(copied)).duplicate_rows == 3
    rekeyed = copied.with_columns(pl.Series("account", np.arange(n + 3)))
    assert profile_columns(masked(rekeyed)).duplicate_rows == 0
