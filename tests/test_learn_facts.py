"""The tour's expected answers come from the data: on the shipped sample they are the traps the sample plants,
and on small generated tables they follow whatever column carries the leak, the code or the drift."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
import pytest
from conftest import SAMPLE

from workbench.io import read_table
from workbench.io.table import Table
from workbench.learn import facts, find, on_page, term
from workbench.privacy.gate import certify


def masked(frame: pl.DataFrame, name: str = "t"):
    return certify(Table(name, frame), findings=())


@pytest.fixture(scope="module")
def sample():
    return {n: masked(pl.read_parquet(SAMPLE / f"{n}.parquet"), n) for n in ("customers", "loans")}


def applications(n: int = 3000, seed: int = 7) -> pl.DataFrame:
    """Loan applications over 12 months; ``after`` is recorded after the decision (overdue days), ``score``
    shifts upward from month 7, ``income`` holds 9999 for 'unknown' in 6 % of rows."""
    rng = np.random.default_rng(seed)
    month = rng.integers(1, 13, n)
    bad = rng.random(n) < 0.08
    score = rng.normal(600, 40, n) + np.where(month >= 7, 80, 0) - 30 * bad
    income = rng.integers(2000, 9000, n)
    income[rng.random(n) < 0.06] = 9999
    return pl.DataFrame(
        {
            "applied_at": [date(2025, int(m), 1) for m in month],
            "score": score.round(),
            "income": income,
            "after": np.where(bad, rng.integers(30, 120, n), rng.integers(0, 3, n)),
            "honest": rng.normal(0, 1, n) + 0.3 * bad,
            "bad": bad.astype(int),
        }
    )


def test_sample_traps_are_found_where_the_sample_plants_them(sample):
    loans = sample["loans"]
    assert set(facts.leaking_columns(loans, "default_12m")) == {"overdue_days_after"}
    codes = facts.special_codes({"customers": sample["customers"]})
    assert (codes[0].table, codes[0].column, codes[0].value) == ("customers", "annual_income", 9999.0)
    assert 0.01 < codes[0].share < 0.2
    drifts = facts.drifting_features(loans, "applied_at", exclude=("default_12m", "overdue_days_after"))
    assert drifts[0].feature == "bureau_score"
    assert facts.drift_answers(drifts) == {"bureau_score"}  # the only feature past PSI 0.25


def test_answers_follow_the_data_not_a_name():
    table = masked(applications())
    leaks = facts.leaking_columns(table, "bad")
    assert set(leaks) == {"after"} and leaks["after"] > 0.5
    renamed = masked(applications().rename({"after": "days_late", "score": "cb_score"}))
    assert set(facts.leaking_columns(renamed, "bad")) == {"days_late"}
    codes = facts.special_codes({"apps": table})
    assert [(c.column, c.value) for c in codes] == [("income", 9999.0)]
    assert codes[0].share == pytest.approx(0.06, abs=0.015)
    drifts = facts.drifting_features(renamed, "applied_at", exclude=("bad", "days_late"))
    assert drifts[0].feature == "cb_score" and drifts[0].psi > 0.25
    assert facts.drift_answers(drifts) == {"cb_score"}


def test_mild_drift_still_names_the_strongest():
    """No feature past PSI 0.25: the answer is the single largest PSI, not an empty set."""
    late = pl.col("applied_at").dt.month() >= 7
    frame = applications().with_columns(pl.col("score") - pl.when(late).then(70).otherwise(0))
    drifts = facts.drifting_features(masked(frame), "applied_at", exclude=("bad", "after"))
    assert all(d.psi <= 0.25 for d in drifts)
    assert facts.drift_answers(drifts) == {drifts[0].feature}


def test_privacy_answer_is_the_scan_of_the_raw_export():
    raw = read_table(SAMPLE / "raw" / "customers_raw_cp949.csv")
    pii = facts.pii_columns(raw)
    assert {"주민등록번호", "휴대폰번호", "카드번호"} <= pii
    assert not pii & {"성별", "연령대", "신용등급"}  # quasi-identifiers and plain attributes do not block


def test_strongest_feature_skips_leakage_suspects_and_unscored():
    from workbench.store import Feature

    def feat(name, **scores):
        return Feature(name, "loans", {}, "", "", scores or None, None, None)

    catalog = [feat("a", iv=0.30), feat("leaky", iv=3.0, leakage_suspect=True), feat("b", iv=0.45), feat("c")]
    assert facts.strongest_features(catalog) == (("b", 0.45), ("a", 0.30))


def test_glossary_terms_resolve_and_each_has_a_page():
    assert term("iv").name_key == "learn.term.iv.name"
    assert find("CSI").id == "psi" and find("k-anonymity").id == "k_anonymity" and find("nope") is None
    assert {t.id for t in on_page("pages/model.py")} >= {"auc", "gini", "ks", "lift", "calibration", "shap"}
    with pytest.raises(KeyError, match="no glossary term"):
        term("woee")
