"""The baseline's numbers: metrics equal scikit-learn's, splits are honest, targets in any spelling work,
leakage is caught, and every task trains end to end on small generated bank-like tables."""

from __future__ import annotations

from datetime import date

import lightgbm as lgb
import numpy as np
import polars as pl
import pytest
from sklearn import metrics as skm

from workbench.io.table import Table
from workbench.model.baseline import TrainConfig, train_baseline
from workbench.model.frame import ModelError, build_frame, to_pandas
from workbench.model.metrics import (
    average_precision,
    binary_curves,
    binary_metrics,
    deciles,
    ks,
    multiclass_metrics,
    regression_metrics,
)
from workbench.model.scorecard import fit_bins
from workbench.model.splits import SplitSpec, make_split
from workbench.privacy.gate import certify


def masked(df: pl.DataFrame, name: str = "loans"):
    return certify(Table(name, df), findings=())


def loans(n: int = 3000, seed: int = 0, leak: bool = False, target_values=("1", "0")) -> pl.DataFrame:
    """Loan applications over 12 months, ~10 % defaults driven by bureau score (IV about 0.9, strong but
    not a leak), income and product."""
    rng = np.random.default_rng(seed)
    bureau = rng.normal(650, 80, n)
    income = rng.lognormal(8, 0.5, n)
    product = rng.choice(["신용", "담보", "전세"], n, p=[0.5, 0.3, 0.2])
    logit = -2.4 - (bureau - 650) / 75 - 0.3 * np.log(income / 3000) + np.where(product == "신용", 0.6, 0.0)
    default = rng.random(n) < 1 / (1 + np.exp(-logit))
    frame = {
        "loan_id": [f"L{i:06d}" for i in range(n)],
        "customer_id": [f"C{i % (n // 3):05d}" for i in range(n)],
        "applied_at": [date(2024, 1 + i % 12, 1 + i % 28) for i in range(n)],
        "bureau_score": bureau.round(),
        "annual_income": income.round(),
        "loan_product": product,
        "default_12m": np.where(default, target_values[0], target_values[1]),
    }
    if leak:
        frame["overdue_days_after"] = np.where(default, rng.integers(30, 200, n), rng.integers(0, 5, n))
    return pl.DataFrame(frame)


# --- metrics against scikit-learn ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scored():
    rng = np.random.default_rng(7)
    y = (rng.random(2000) < 0.08).astype(int)
    p = np.clip(0.08 + 0.25 * y + rng.normal(0, 0.15, 2000), 0.001, 0.999).round(2)  # rounding makes ties
    return y, p


def test_binary_metrics_equal_sklearn_with_ties(scored):
    y, p = scored
    m = binary_metrics(y, p, threshold=0.3)
    fpr, tpr, _ = skm.roc_curve(y, p)
    assert m.auc == pytest.approx(skm.roc_auc_score(y, p), abs=1e-12)
    assert m.gini == pytest.approx(2 * skm.roc_auc_score(y, p) - 1, abs=1e-12)
    assert m.ks == pytest.approx(np.max(tpr - fpr), abs=1e-12)
    assert m.pr_auc == pytest.approx(skm.average_precision_score(y, p), abs=1e-12)
    assert m.logloss == pytest.approx(skm.log_loss(y, p), abs=1e-12)
    assert m.brier == pytest.approx(skm.brier_score_loss(y, p), abs=1e-12)
    pred = (p >= 0.3).astype(int)
    assert m.precision == pytest.approx(skm.precision_score(y, pred))
    assert m.recall == pytest.approx(skm.recall_score(y, pred))
    assert m.f1 == pytest.approx(skm.f1_score(y, pred))
    assert m.events == y.sum() and m.n == 2000


def test_perfect_and_useless_scores():
    y = np.array([0, 0, 1, 1])
    assert binary_metrics(y, np.array([0.1, 0.2, 0.8, 0.9])).auc == 1.0
    assert ks(y, np.array([0.1, 0.2, 0.8, 0.9])) == 1.0
    assert binary_metrics(y, np.full(4, 0.5)).auc == 0.5  # one tie block: no ranking at all
    assert np.isnan(binary_metrics(np.zeros(4), np.array([0.1, 0.2, 0.3, 0.4])).auc)
    assert average_precision(y, np.array([0.9, 0.8, 0.2, 0.1])) == pytest.approx(
        skm.average_precision_score(y, [0.9, 0.8, 0.2, 0.1])
    )


def test_regression_and_multiclass_metrics_equal_sklearn():
    rng = np.random.default_rng(3)
    y = rng.normal(100, 20, 500)
    p = y + rng.normal(0, 10, 500)
    r = regression_metrics(y, p)
    assert r.rmse == pytest.approx(np.sqrt(skm.mean_squared_error(y, p)))
    assert r.mae == pytest.approx(skm.mean_absolute_error(y, p))
    assert r.r2 == pytest.approx(skm.r2_score(y, p))
    yc = rng.integers(0, 3, 600)
    proba = rng.dirichlet([1, 1, 1], 600)
    proba[np.arange(600), yc] += 0.5
    proba /= proba.sum(axis=1, keepdims=True)
    m = multiclass_metrics(yc, proba)
    assert m.macro_auc == pytest.approx(skm.roc_auc_score(yc, proba, multi_class="ovr", average="macro"))
    assert m.logloss == pytest.approx(skm.log_loss(yc, proba))
    assert m.accuracy == pytest.approx(skm.accuracy_score(yc, proba.argmax(axis=1)))


def test_deciles_and_confusion_add_up(scored):
    y, p = scored
    rows = deciles(y, p)
    assert sum(r.rows for r in rows) == len(y) and sum(r.events for r in rows) == y.sum()
    assert rows[-1].cum_gain == pytest.approx(1.0)
    assert rows[0].event_rate > rows[-1].event_rate  # the riskiest decile holds more defaults
    curves = binary_curves(y, p)
    at_03 = curves.confusion[curves.thresholds.index(0.3)]
    tn, fp, fn, tp = skm.confusion_matrix(y, (p >= 0.3).astype(int)).ravel()
    assert at_03 == (tn, fp, fn, tp)
    assert sum(curves.hist_events) == y.sum() and sum(curves.hist_non_events) == len(y) - y.sum()


# --- targets and the frame ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "event"),
    [
        (("yes", "no"), "yes"),
        (("bad", "good"), "bad"),
        (("Y", "N"), "Y"),
        (("예", "아니오"), "예"),
        (("1", "0"), "1"),
        (("불량", "정상"), "불량"),
    ],
)
def test_string_targets_name_their_event(values, event):
    mf = build_frame(masked(loans(300, target_values=values)), "default_12m")
    assert mf.target.task == "binary"
    assert mf.target.event == event
    raw = loans(300, target_values=values)["default_12m"].to_numpy()
    assert (mf.y == (raw == event)).all()


def test_event_can_be_overridden_and_must_exist():
    t = masked(loans(300, target_values=("Y", "N")))
    assert build_frame(t, "default_12m", event="N").target.event == "N"
    with pytest.raises(ModelError) as err:
        build_frame(t, "default_12m", event="maybe")
    assert "Y" in err.value.message("en") and "maybe" in err.value.message("en")


def test_ids_dates_and_target_are_not_features():
    mf = build_frame(masked(loans(600)), "default_12m")
    reasons = {e.column: e.reason for e in mf.excluded}
    assert reasons == {"default_12m": "target", "loan_id": "id_like", "customer_id": "id_like", "applied_at": "date"}
    assert mf.features == ("bureau_score", "annual_income", "loan_product")
    assert mf.categorical == ("loan_product",)
    X = to_pandas(mf.X, mf.categorical)
    assert str(X["loan_product"].dtype) == "category"


def test_task_detection_and_unlabeled_rows():
    df = loans(400).with_columns(
        grade=pl.Series(np.random.default_rng(1).integers(1, 5, 400)),
        amount=pl.Series(np.random.default_rng(2).gamma(2, 1000, 400)),
        default_12m=pl.when(pl.int_range(400) < 10).then(None).otherwise(pl.col("default_12m")),
    )
    t = masked(df)
    assert build_frame(t, "grade").target.task == "multiclass"
    assert build_frame(t, "amount").target.task == "regression"
    mf = build_frame(t, "default_12m")
    assert mf.dropped_unlabeled == 10 and mf.height == 390
    with pytest.raises(ModelError):
        build_frame(t, "loan_product", task="regression")
    with pytest.raises(ModelError):
        build_frame(t, "no_such_column")


def test_build_frame_refuses_raw_tables():
    with pytest.raises(TypeError):
        build_frame(Table("raw", loans(100)), "default_12m")  # type: ignore[arg-type]


# --- honest splits --------------------------------------------------------------------------------------


def test_random_split_is_stratified_and_seeded():
    mf = build_frame(masked(loans(5000)), "default_12m")
    s1 = make_split(mf, SplitSpec(seed=5))
    s2 = make_split(mf, SplitSpec(seed=5))
    assert (s1.test == s2.test).all()
    rates = [mf.y[s1.indices(n)].mean() for n in ("train", "valid", "test")]
    assert max(rates) - min(rates) < 0.005
    all_rows = np.concatenate([s1.train, s1.valid, s1.test])
    assert len(all_rows) == len(np.unique(all_rows)) == mf.height


def test_grouped_split_keeps_each_customer_in_one_split():
    mf = build_frame(masked(loans(3000)), "default_12m")
    s = make_split(mf, SplitSpec("group", "customer_id"))
    cust = mf.source["customer_id"].to_numpy()
    sets = [set(cust[s.indices(n)]) for n in ("train", "valid", "test")]
    assert not (sets[0] & sets[1]) and not (sets[0] & sets[2]) and not (sets[1] & sets[2])
    assert sum(s.groups) == len(set(cust))


def test_out_of_time_test_months_come_strictly_after_training():
    mf = build_frame(masked(loans(3000)), "default_12m")
    s = make_split(mf, SplitSpec("time", "applied_at"))
    month = mf.source["applied_at"].dt.truncate("1mo").to_numpy()
    assert month[s.train].max() < month[s.valid].min()
    assert month[s.valid].max() < month[s.test].min()
    assert [p[0] for p in s.periods] == ["train", "valid", "test"]
    assert s.periods[2][1] == "2024-12" or s.periods[2][2] == "2024-12"


def test_time_split_needs_three_months_and_a_date():
    df = loans(300).with_columns(applied_at=pl.lit(date(2024, 1, 1)))
    with pytest.raises(ModelError) as err:
        make_split(build_frame(masked(df), "default_12m"), SplitSpec("time", "applied_at"))
    assert "3" in err.value.message("en")
    with pytest.raises(ModelError):
        make_split(build_frame(masked(loans(300)), "default_12m"), SplitSpec("time", "loan_product"))
    assert SplitSpec.parse("group:customer_id") == SplitSpec("group", "customer_id")
    with pytest.raises(ModelError):
        SplitSpec.parse("time")


# --- training end to end ----------------------------------------------------------------------------------


def test_binary_baseline_on_loans_is_honest_and_explained():
    r = train_baseline(masked(loans(4000)), TrainConfig("default_12m", split=SplitSpec("time", "applied_at")))
    assert r.event == "1"
    assert 0.70 < r.metrics["test"].auc < 0.95  # bureau score is a real but imperfect signal
    assert r.metrics["train"].auc >= r.metrics["test"].auc - 0.02
    assert r.importance[0].feature == "bureau_score"
    assert sum(f.gain for f in r.importance) == pytest.approx(1.0)
    assert r.shap is not None and r.shap.values.shape == (r.splits[2].rows, 3)
    assert not [w for w in r.warnings if w.code == "leakage_suspect"]
    # a dominant but honest driver is flagged for review, not as danger
    assert all(w.severity == "warning" for w in r.warnings if w.code == "leakage_importance")
    assert r.scorecard is not None and abs(r.scorecard.metrics["test"].auc - r.metrics["test"].auc) < 0.08
    assert r.threshold == pytest.approx(r.metrics["train"].event_rate, abs=1e-3)
    assert r.splits[0].period[1] < r.splits[2].period[0]


def test_leakage_warning_fires_on_a_planted_column():
    r = train_baseline(masked(loans(3000, leak=True)), TrainConfig("default_12m", scorecard=False))
    leak = [w for w in r.warnings if w.feature == "overdue_days_after"]
    assert {w.code for w in leak} >= {"leakage_suspect", "leakage_importance"}
    assert {w.severity for w in leak} == {"danger"}
    assert "overdue_days_after" in leak[0].message("ko") and "AUC" in leak[0].message("en")


def test_shap_values_add_up_to_the_raw_score():
    r = train_baseline(masked(loans(2000)), TrainConfig("default_12m", scorecard=False, shap_rows=300))
    # TreeSHAP is exact: base + Σ contributions = log-odds of the prediction
    mf = build_frame(masked(loans(2000)), "default_12m")
    X = to_pandas(mf.X, mf.categorical)
    raw = r.booster.predict(X.iloc[:50], raw_score=True, num_iteration=r.best_iteration)
    contrib = r.booster.predict(X.iloc[:50], pred_contrib=True, num_iteration=r.best_iteration)
    assert np.allclose(contrib.sum(axis=1), raw)
    assert r.shap.values.shape == (300, 3)


def test_model_text_reloads_and_predicts_the_same():
    r = train_baseline(masked(loans(2000)), TrainConfig("default_12m", scorecard=False))
    mf = build_frame(masked(loans(2000)), "default_12m")
    X = to_pandas(mf.X, mf.categorical)
    again = lgb.Booster(model_str=r.model_text)
    assert np.array_equal(again.predict(X), r.booster.predict(X, num_iteration=r.best_iteration))


def test_regression_and_multiclass_paths():
    df = loans(1500).with_columns(
        limit=pl.col("bureau_score") * 10 + pl.Series(np.random.default_rng(4).normal(0, 200, 1500)),
        grade=pl.when(pl.col("bureau_score") > 700)
        .then(pl.lit("A"))
        .when(pl.col("bureau_score") > 600)
        .then(pl.lit("B"))
        .otherwise(pl.lit("C")),
    )
    reg = train_baseline(masked(df), TrainConfig("limit", exclude=("grade",)))
    assert reg.task == "regression" and reg.metrics["test"].r2 > 0.5 and reg.scorecard is None
    mc = train_baseline(masked(df), TrainConfig("grade", exclude=("limit",)))
    assert mc.task == "multiclass" and mc.target.classes == ("A", "B", "C")
    assert mc.metrics["test"].macro_auc > 0.95  # grade is a function of bureau_score
    assert mc.shap.values.shape[1] == len(mc.features)


def test_imbalance_options_and_quick_search():
    t = masked(loans(2000))
    spw = train_baseline(t, TrainConfig("default_12m", imbalance="scale_pos_weight", scorecard=False))
    assert spw.params["scale_pos_weight"] == pytest.approx(
        (spw.splits[0].rows - spw.splits[0].events) / spw.splits[0].events
    )
    assert spw.threshold == 0.5
    searched = train_baseline(t, TrainConfig("default_12m", search=True, search_trials=3, scorecard=False))
    assert len(searched.search) == 4  # the defaults compete as trial 0
    best = min(tr.valid_loss for tr in searched.search)
    assert best <= searched.search[0].valid_loss
    with pytest.raises(ModelError):
        train_baseline(t, TrainConfig("default_12m", imbalance="smote"))  # type: ignore[arg-type]


def test_tiny_class_and_overfit_warnings():
    df = loans(800, seed=3)
    rng = np.random.default_rng(0)
    rare = np.where(rng.random(800) < 0.03, "1", "0")  # ~24 events in 800 rows
    noisy = df.with_columns(default_12m=pl.Series(rare), noise=pl.Series(rng.normal(size=800)))
    r = train_baseline(masked(noisy), TrainConfig("default_12m", scorecard=False))
    codes = {w.code for w in r.warnings}
    assert "tiny_class" in codes


def test_woe_bins_keep_missing_apart_and_smooth_pure_bins():
    s = pl.Series("income", [None] * 50 + list(range(950)), dtype=pl.Float64)
    y = np.r_[np.ones(50), (np.arange(950) < 95).astype(float)]
    fb, _ = fit_bins(s, y)
    missing = fb.table.bins[0]
    assert missing.label == "missing" and missing.total == 50 and missing.events == 50
    assert fb.smoothed  # the missing bin has no non-events: 0.5 smoothing kept its WOE finite
    assert np.isfinite(fb.woe[0]) and fb.woe[0] < -3  # strongly risky
    assert sum(b.total for b in fb.table.bins) == 1000 and fb.iv > 0.5


def test_out_of_time_degradation_is_flagged_when_the_latest_months_drift():
    df = loans(4000, seed=11)
    rng = np.random.default_rng(11)
    late = df["applied_at"].dt.month() >= 10  # the test months of a time split
    # in the latest quarter the bureau score stops meaning anything: defaults are drawn at random
    drifted = df.with_columns(
        default_12m=pl.when(pl.Series(late))
        .then(pl.Series(np.where(rng.random(4000) < 0.12, "1", "0")))
        .otherwise(pl.col("default_12m"))
    )
    r = train_baseline(
        masked(drifted), TrainConfig("default_12m", split=SplitSpec("time", "applied_at"), scorecard=False)
    )
    assert r.metrics["valid"].auc - r.metrics["test"].auc > 0.1
    oot = [w for w in r.warnings if w.code == "oot_degradation"]
    assert oot and str(round(r.metrics["test"].auc, 3)) in oot[0].message("en")
    stable = train_baseline(
        masked(df), TrainConfig("default_12m", split=SplitSpec("time", "applied_at"), scorecard=False)
    )
    assert not [w for w in stable.warnings if w.code == "oot_degradation"]


def test_auc_standard_error_follows_hanley_mcneil():
    from workbench.model.warnings import auc_se

    assert auc_se(0.8, 50, 50) == pytest.approx(0.0445, abs=5e-4)  # worked example, 50 events / 50 non-events
    assert auc_se(0.8, 500, 500) < auc_se(0.8, 50, 50) / 3  # ten times the events, about a third of the noise
