"""Leakage graded by evidence: a strong legitimate predictor is not called a leak, a planted after-the-fact
column is, and the profile, the features' selection and ``train`` say the same about the same column."""

from __future__ import annotations

import polars as pl
import pytest
from signals_shapes import applications

from workbench.features.scoring import score_features
from workbench.features.selection import select_features
from workbench.io.table import Table
from workbench.model.baseline import TrainConfig, train_baseline
from workbench.privacy import certify
from workbench.profile import profile
from workbench.signals import leakage


@pytest.fixture(scope="module")
def apps():
    return certify(Table("apps", applications()), findings=())


@pytest.fixture(scope="module")
def prof(apps):
    return profile(apps, target="default", time_column="applied_at")


def _alerts(prof, column):
    return {a.code: a for a in prof.alerts_for(column)}


def test_each_rule_fires_at_its_threshold_and_not_below():
    assert leakage.grade("x", iv=0.99).code == "strong_predictor"
    assert leakage.grade("x", iv=1.0).evidence == ("iv",)
    assert leakage.grade("x", iv=0.49).code is None
    assert leakage.grade("x", iv=0.2, auc=0.95, events=29).code is None  # 29 events rank perfectly by chance
    assert leakage.grade("x", iv=0.2, auc=0.90, events=30).evidence == ("auc",)
    assert leakage.grade("x", iv=0.2, copy_share=0.98).evidence == ("copy",)
    assert leakage.grade("x", after_share=0.5, time_column="applied_at").evidence == ("after_time",)


def test_a_copy_is_counted_per_class_so_a_rare_target_is_not_copied_by_predicting_nothing():
    # 1 % events: one bin holds every non-event and 90 of the 100 events; "99 % right" by predicting 0
    assert leakage.copy_share([(90, 9_900), (10, 0)]) == pytest.approx(0.1)
    assert leakage.copy_share([(99, 0), (1, 9_900)]) == pytest.approx(0.99)
    assert leakage.copy_share([(0, 10)]) is None


def test_profile_calls_the_after_the_fact_column_a_suspect_and_the_strong_ones_strong(prof):
    call = _alerts(prof, "call_duration")["leakage_suspect"]
    assert call.severity == "high" and dict(call.params)["evidence"] == "iv"
    assert dict(call.params)["iv"] == "1.59"
    for column, iv in (("checking_status", "0.68"), ("pay_0", "0.78")):
        codes = _alerts(prof, column)
        assert "leakage_suspect" not in codes  # before: IV > 0.5 alone made both "leakage suspects"
        strong = codes["strong_predictor"]
        assert strong.severity == "medium" and dict(strong.params)["iv"] == iv
        assert "confirm it is known when the decision is made" in strong.message("en")
        assert "결정 시점에 알 수 있는 값인지 확인하세요" in strong.message("ko")
    closed = _alerts(prof, "closed_at")["leakage_suspect"]  # a date after the application date
    assert dict(closed.params)["evidence"] == "after_time" and "'applied_at'" in closed.message("en")


def test_no_date_evidence_without_a_time_column(apps):
    p = profile(apps, target="default")
    assert "leakage_suspect" not in _alerts(p, "closed_at")


def test_features_selection_leaves_out_the_suspect_and_keeps_the_strong_for_review(apps):
    frame = apps.frame
    names = ["call_duration", "checking_status", "pay_0", "housing"]
    scores = score_features(frame, names, "default")
    recs = {r.name: r for r in select_features(frame, scores)}
    assert recs["call_duration"].reason == "leakage_suspect" and not recs["call_duration"].selected
    assert recs["checking_status"].reason == "selected_flagged" and recs["checking_status"].selected
    by = {s.name: s for s in scores}
    assert by["call_duration"].leakage_suspect and not by["checking_status"].leakage_suspect


def test_train_warns_about_every_column_the_profile_calls_a_suspect_in_the_same_words(apps, prof):
    r = train_baseline(apps, TrainConfig("default", scorecard=False, shap_rows=0))
    warned = {w.feature: w for w in r.warnings if w.code == "leakage_suspect"}
    profiled = {a.column for a in prof.alerts if a.code == "leakage_suspect" and a.column in r.features}
    assert set(warned) == profiled == {"call_duration"}  # before: train warned nothing (AUC 0.82 < 0.9)
    assert warned["call_duration"].severity == "danger"
    alert = _alerts(prof, "call_duration")["leakage_suspect"]
    for lang in ("ko", "en"):
        assert warned["call_duration"].message(lang) == alert.message(lang)
    strong = {w.feature for w in r.warnings if w.code == "strong_predictor"}
    assert strong == {"checking_status", "pay_0"}


def test_dated_after_counts_only_rows_where_both_dates_are_known():
    from datetime import date

    df = pl.DataFrame(
        {
            "t": [date(2024, 1, 1), date(2024, 1, 1), None, date(2024, 1, 1)],
            "d": [date(2024, 2, 1), date(2023, 1, 1), date(2025, 1, 1), None],
        }
    )
    assert leakage.dated_after(df, "t", ["d", "t"]) == {"d": 0.5}


@pytest.mark.slow
def test_on_the_sample_bank_only_the_planted_leak_is_a_suspect():
    """Before the evidence rule the 32 strongest behaviour features (ATM counts among them) were "leakage
    suspects" beside the planted ``overdue_days_after``; now only what is built from the leak is."""
    from conftest import SAMPLE

    from workbench.features.pipeline import build_features
    from workbench.features.project import FeatureProject

    project = FeatureProject.from_yaml(SAMPLE / "features.yaml")
    tables = {n: certify(Table(n, pl.read_parquet(p)), findings=()) for n, p in project.paths().items()}
    run = build_features(project, tables)
    suspects = {s.name for s in run.scores if s.leakage_suspect}
    assert suspects and all("overdue_days_after" in n for n in suspects)
    strong = {s.name for s in run.scores if s.strong_predictor}
    assert len(strong) >= 20 and "tx_count_90d__ATM" in strong
    recs = {r.name: r for r in run.recommendations}
    assert recs["tx_count_90d__ATM"].selected and recs["tx_count_90d__ATM"].reason == "selected_flagged"
    assert all(not recs[n].selected for n in suspects)
