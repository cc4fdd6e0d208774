"""Alerts fire on planted columns, with severity and a message in both languages; clean columns stay quiet."""

from datetime import date

import numpy as np
import polars as pl

from workbench.i18n import t
from workbench.io.table import Table
from workbench.privacy import certify
from workbench.profile import ALERT_CODES, build_alerts, profile


def planted(n: int = 2_000) -> pl.DataFrame:
    rng = np.random.default_rng(9)
    age = rng.integers(20, 70, n)
    base = rng.normal(size=n)
    df = pl.DataFrame(
        {
            "customer_id": [f"C{i:06d}" for i in range(n)],
            "branch": ["본점"] * n,
            "status": ["정상"] * (n - 10) + ["해지"] * 10,
            "memo": [None] * int(n * 0.8) + ["x"] * (n - int(n * 0.8)),
            "occupation_code": [f"J{i % 300:03d}" for i in range(n)],
            "balance": np.exp(rng.normal(10, 2, n)),
            "n_overdue": np.where(rng.random(n) < 0.6, 0, rng.integers(1, 5, n)),
            "channel": np.where(rng.random(n) < 0.95, "모바일", "창구"),
            "income_a": base * 100 + 5_000,
            "income_b": base * 100 + 5_000 + rng.normal(size=n),
            "zip_or_text": np.where(rng.random(n) < 0.5, "06236", "서울").tolist(),
            "annual_income": np.where(rng.random(n) < 0.05, 9999, rng.integers(1_000, 8_000, n)),
            "joined_at": [date(2030, 1, 1) if i < 5 else date(2020, 1, 1 + i % 28) for i in range(n)],
            "age": age,
        }
    )
    return pl.concat([df, df.head(3)])  # three duplicate rows


def test_every_planted_problem_is_flagged_on_its_column():
    p = profile(certify(Table("planted", planted()), findings=()), today=date(2026, 1, 1))
    found = {(a.code, a.column) for a in p.alerts}
    expected = {
        ("duplicate_rows", None),
        ("id_like", "customer_id"),
        ("constant", "branch"),
        ("quasi_constant", "status"),
        ("high_missing", "memo"),
        ("high_cardinality", "occupation_code"),
        ("skewed", "balance"),
        ("zero_inflated", "n_overdue"),
        ("imbalanced", "channel"),
        ("high_correlation", "income_b"),
        ("mixed_types", "zip_or_text"),
        ("special_codes", "annual_income"),
        ("future_dates", "joined_at"),
    }
    assert expected <= found, expected - found
    assert not [a for a in p.alerts if a.column == "age"]  # a clean column raises nothing
    dup = next(a for a in p.alerts if a.code == "duplicate_rows")
    assert "3" in dup.message("en") and dup.column is None
    assert [a.severity for a in p.alerts] == sorted((a.severity for a in p.alerts), key=["high", "medium", "low"].index)


def test_every_alert_code_has_a_title_and_message_in_both_languages():
    for code in ALERT_CODES:
        for lang in ("ko", "en"):
            assert t(f"profile.alert_title.{code}", lang)
            assert t(f"profile.alert.{code}", lang)


def test_an_empty_column_is_reported_missing_not_skipped():
    df = pl.DataFrame({"x": pl.Series([None, None, None], dtype=pl.Float64), "y": [1, 2, 3]})
    mt = certify(Table("t", df), findings=())
    from workbench.profile import profile_columns

    alerts = build_alerts(profile_columns(mt))
    assert ("high_missing", "x", "high") in {(a.code, a.column, a.severity) for a in alerts}
