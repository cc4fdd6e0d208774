"""Identifiers judged by what they are: keys by name or by shape are left out of a model; floats, generated
features and measurements whose values are merely all different stay in. Profile and model agree."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from workbench.io.table import Table
from workbench.model.baseline import TrainConfig, train_baseline
from workbench.model.frame import build_frame, candidate_features
from workbench.privacy import certify
from workbench.profile import profile
from workbench.signals.identifiers import is_identifier

N = 682


def customers() -> pl.DataFrame:
    rng = np.random.default_rng(11)
    tenure = rng.choice(np.arange(30, 5_000), 658, replace=False)
    tenure = np.concatenate([tenure, rng.choice(tenure, N - 658)])  # 658 distinct of 682
    default = (rng.random(N) < 0.2).astype(np.int64)
    return pl.DataFrame(
        {
            "customer_no": np.arange(500_001, 500_001 + N),  # counting up: a key, and named like one
            "row_seq": np.arange(1, N + 1),  # counting up, not named: still a key
            "token": [f"T{v:08x}" for v in rng.choice(10**9, N, replace=False)],  # one width: a pseudonym
            "고객번호": [f"{i % 300:05d}" for i in range(N)],  # repeats, but named like a key
            "tenure_days": rng.permutation(tenure),
            "balance_min": np.round(rng.lognormal(12, 1, N), 2),  # a float: never a key
            "amount_sum": np.round(rng.lognormal(14, 1, N)).astype(np.int64),
            "memo": [f"상담 {'메모 ' * int(k)}{i}" for i, k in enumerate(rng.integers(1, 6, N))],  # free text
            "default": default,
        }
    )


@pytest.fixture(scope="module")
def table():
    return certify(Table("customers", customers()), findings=())


def test_the_profile_calls_keys_keys_and_measurements_numbers(table):
    kinds = {c.name: c.kind for c in profile(table).table.columns}
    assert kinds["tenure_days"] == kinds["amount_sum"] == kinds["balance_min"] == "numeric"  # before: id_like
    assert {kinds[c] for c in ("customer_no", "row_seq", "token", "고객번호")} == {"id_like"}
    assert kinds["memo"] != "id_like"  # all different, but of every length: free text, no key


def test_the_model_leaves_out_the_same_keys_and_keeps_the_measurements(table):
    kept, excluded = candidate_features(table, "default")
    ids = {e.column for e in excluded if e.reason == "id_like"}
    assert ids == {"customer_no", "row_seq", "token", "고객번호"}
    assert {"tenure_days", "amount_sum", "balance_min"} <= set(kept)  # before: all three dropped as identifiers
    prof = {c.name for c in profile(table).table.columns if c.kind == "id_like"}
    assert ids == prof


def test_a_feature_the_workbench_generated_is_never_an_identifier(table):
    frame = build_frame(table, "default", generated=("row_seq",))
    assert "row_seq" in frame.features and "customer_no" not in frame.features
    r = train_baseline(table, TrainConfig("default", generated=("row_seq",), scorecard=False, shap_rows=0))
    assert "row_seq" in r.features


def test_the_rule_needs_text_or_whole_numbers():
    common = {"count": 1_000, "distinct": 1_000, "minimum": 1.0, "maximum": 1_000.0}
    assert is_identifier("x", pl.Int64, **common)
    assert not is_identifier("x", pl.Float64, **common)
    assert not is_identifier("loan_id", pl.Float64, **common)  # a float named like a key is still a number
    assert not is_identifier("x", pl.Int64, **{**common, "maximum": 40_000.0})  # spread: a measurement
    assert not is_identifier("x", pl.String, count=1_000, distinct=1_000, length_min=3, length_max=30)


def test_the_feature_planner_reads_the_same_rule(table):
    from workbench.signals.identifiers import frame_identifiers

    planner = frame_identifiers(table.lazy(), [c for c in table.columns if c != "default"])
    assert planner == {"customer_no", "row_seq", "token", "고객번호"}  # no sums of customer numbers
