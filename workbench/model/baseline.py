"""One call from a certified table to a defensible baseline: frame → honest split → LightGBM (early stopping,
optional quick search) → metrics per split → curves → importance and SHAP → scorecard beside it → warnings.

The result is data (frozen dataclasses): charts, the model card, the CLI's JSON, the stored run and the tests
all read the same ``TrainingResult`` and never recompute it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import lightgbm as lgb
import numpy as np

from workbench.model import explain, lgbm, points
from workbench.model import warnings as warn
from workbench.model.explain import FeatureImportance, ShapSample
from workbench.model.frame import (
    Exclusion,
    ModelError,
    TargetInfo,
    Task,
    build_frame,
    pool_rare_levels,
    rare_level_floor,
    to_pandas,
)
from workbench.model.lgbm import IMBALANCE, Imbalance, ProgressFn, Trial
from workbench.model.metrics import (
    BinaryCurves,
    Metrics,
    binary_curves,
    binary_metrics,
    multiclass_metrics,
    regression_metrics,
)
from workbench.model.scorecard import Scorecard, ScorecardOptions, fit_scorecard
from workbench.model.splits import SPLITS, Split, SplitSpec, make_split
from workbench.privacy.gate import MaskedTable
from workbench.signals.timing import TimingMark, known_after

METRIC_SAMPLE = 200_000  # training rows scored for the train-split metrics
StageFn = Callable[[str], None]  # called with an i18n key (model.stage.*) as each step starts


@dataclass(frozen=True)
class TrainConfig:
    """Everything the analyst decides; stored with the run so it can be repeated exactly.

    ``threshold=None`` uses the training event rate (a 0.5 cut on a 5 % default rate flags nobody), or 0.5
    when class weighting is on (weighted probabilities are centred near 0.5).
    """

    target: str
    task: Task | None = None
    event: str | None = None
    features: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()
    split: SplitSpec = field(default_factory=SplitSpec)
    imbalance: Imbalance = "none"
    threshold: float | None = None
    search: bool = False
    search_trials: int = 12
    scorecard: bool = True
    scorecard_options: ScorecardOptions | None = None  # trend, the expert's bin edits, points scale
    shap_rows: int = explain.SHAP_SAMPLE
    seed: int = 42
    generated: tuple[str, ...] = ()  # features the workbench built (the catalog's): never left out as identifiers
    timing_marks: tuple[TimingMark, ...] = ()  # a domain expert's marks: columns known only after are left out
    feature_build: Mapping[str, Any] | None = None  # how the table's features were built (``features.rebuild``)
    feature_build_missing: str = ""  # a CSV's build sidecar looked for and not found: scoring names it


@dataclass(frozen=True)
class DataInfo:
    """The certified dataset behind a run: identity (fingerprint), privacy policy and certification."""

    name: str
    fingerprint: str
    policy_version: int | None
    certified_by: str
    certified_at: str
    rows: int
    columns: int
    dropped_unlabeled: int


@dataclass(frozen=True)
class SplitSummary:
    name: str
    rows: int
    events: int | None  # binary: event rows
    period: tuple[str, str] | None = None  # time split: first and last month
    groups: int | None = None  # group split: distinct keys


@dataclass(frozen=True, eq=False)
class TrainingResult:
    config: TrainConfig
    data: DataInfo
    target: TargetInfo
    features: tuple[str, ...]
    categorical: tuple[str, ...]
    excluded: tuple[Exclusion, ...]
    splits: tuple[SplitSummary, ...]
    params: dict
    best_iteration: int
    history: dict[str, dict[str, tuple[float, ...]]]
    metrics: dict[str, Metrics]
    curves: dict[str, BinaryCurves]
    importance: tuple[FeatureImportance, ...]
    shap: ShapSample | None
    univariate_auc: dict[str, float]
    pooled_levels: dict[str, int]  # categorical column -> rare levels pooled into "(other)"
    scorecard: Scorecard | None
    search: tuple[Trial, ...]
    warnings: tuple[warn.ModelWarning, ...]
    threshold: float | None
    model_text: str
    timings: dict[str, float]
    trained_at: str
    booster: lgb.Booster = field(repr=False)
    score_reference: dict | None = None  # binary: points scale, grade cut points and training rows per grade

    @property
    def task(self) -> Task:
        return self.target.task

    @property
    def event(self) -> str | None:
        return self.target.event


def _metrics(task: Task, y: np.ndarray, p: np.ndarray, threshold: float | None) -> Metrics:
    if task == "binary":
        return binary_metrics(y, p, threshold if threshold is not None else 0.5)
    if task == "multiclass":
        return multiclass_metrics(y, p)
    return regression_metrics(y, p)


def train_baseline(
    table: MaskedTable,
    config: TrainConfig,
    *,
    progress: ProgressFn | None = None,
    stage: StageFn | None = None,
) -> TrainingResult:
    """Train and explain a LightGBM baseline on ``table``; see ``TrainConfig`` for the choices."""
    if config.imbalance not in IMBALANCE:
        raise ModelError("model.error.bad_imbalance", value=config.imbalance, allowed=", ".join(IMBALANCE))
    timings: dict[str, float] = {}
    clock, cpu = time.perf_counter(), time.process_time()

    def step(done: str | None, upcoming: str | None) -> None:
        """Record how long ``done`` took (wall seconds, and this process's CPU seconds under ``<stage>_cpu``:
        on a shared machine the second is the comparable one) and announce ``upcoming`` to the caller."""
        nonlocal clock, cpu
        now, now_cpu = time.perf_counter(), time.process_time()
        if done:
            timings[done] = round(now - clock, 3)
            timings[f"{done}_cpu"] = round(now_cpu - cpu, 3)
        clock, cpu = now, now_cpu
        if stage and upcoming:
            stage(f"model.stage.{upcoming}")

    step(None, "frame")
    mf = build_frame(
        table,
        config.target,
        task=config.task,
        event=config.event,
        features=config.features,
        exclude=config.exclude,
        generated=config.generated,
        known_after=known_after(config.timing_marks),
    )
    task = mf.target.task
    if config.imbalance != "none" and task != "binary":
        raise ModelError("model.error.imbalance_binary_only")
    split: Split = make_split(mf, config.split)
    idx = {name: split.indices(name) for name in SPLITS}
    X_pl, pooled = pool_rare_levels(mf.X, mf.categorical, idx["train"], rare_level_floor(len(idx["train"])))
    X = to_pandas(X_pl, mf.categorical)
    parts = {name: X.iloc[i] for name, i in idx.items()}
    ys = {name: mf.y[i] for name, i in idx.items()}
    n_classes = len(mf.target.classes) if task == "multiclass" else 2

    threshold = config.threshold
    if task == "binary" and threshold is None:
        threshold = 0.5 if config.imbalance != "none" else round(float(ys["train"].mean()), 4)

    params = lgbm.default_params(task, len(idx["train"]), seed=config.seed, n_classes=n_classes)
    params.update(lgbm.imbalance_params(config.imbalance, ys["train"]) if task == "binary" else {})
    trials: tuple[Trial, ...] = ()
    step("frame", "search" if config.search else "train")
    if config.search:
        params, trials = lgbm.quick_search(
            parts["train"],
            ys["train"],
            parts["valid"],
            ys["valid"],
            params,
            categorical=mf.categorical,
            n_trials=config.search_trials,
            seed=config.seed,
        )
        step("search", "train")
    fit = lgbm.fit(
        parts["train"], ys["train"], parts["valid"], ys["valid"], params, categorical=mf.categorical, progress=progress
    )
    booster = fit.booster
    step("train", "explain")

    # training metrics on a seeded sample past METRIC_SAMPLE rows: they only show the overfit gap, and scoring
    # millions of training rows costs more than the model's whole validation
    scored = dict(idx)
    if len(idx["train"]) > METRIC_SAMPLE:
        scored["train"] = np.sort(
            np.random.default_rng(config.seed).choice(len(idx["train"]), METRIC_SAMPLE, replace=False)
        )
    else:
        scored["train"] = np.arange(len(idx["train"]))
    preds = {
        name: lgbm.predict(
            booster,
            parts[name].iloc[scored["train"]] if name == "train" else parts[name],
            task,
            iteration=fit.best_iteration,
        )
        for name in SPLITS
    }
    y_scored = {**ys, "train": ys["train"][scored["train"]]}
    metrics = {name: _metrics(task, y_scored[name], preds[name], threshold) for name in SPLITS}
    curves = {name: binary_curves(ys[name], preds[name]) for name in ("valid", "test")} if task == "binary" else {}
    # new data is scored in points on the default scale and graded on the training scores' deciles
    scale = points.PointsScale()
    score_ref = points.reference(scale.from_probability(preds["train"]), scale) if task == "binary" else None

    explain_on = "test" if len(idx["test"]) else "valid"
    shap = (
        explain.shap_sample(
            booster,
            parts[explain_on],
            n_classes=n_classes if task == "multiclass" else 1,
            seed=config.seed,
            size=config.shap_rows,
        )
        if config.shap_rows
        else None
    )
    imp = explain.importance(booster, mf.features, shap)
    step("explain", "scorecard" if task == "binary" and config.scorecard else "warnings")

    card = None
    if task == "binary" and config.scorecard:
        card = fit_scorecard(mf.X, mf.y, idx, threshold=threshold, seed=config.seed, options=config.scorecard_options)
        step("scorecard", "warnings")

    uni = warn.univariate_aucs(mf.X[idx["train"]], ys["train"], seed=config.seed) if task == "binary" else {}
    grades = warn.leakage_grades(table, config.target, mf.features) if task == "binary" else []
    warnings = [
        *warn.timing_warnings(mf.excluded, config.timing_marks),
        *warn.leakage_warnings(grades, imp),
        *warn.metric_warnings(metrics, time_split=config.split.kind == "time"),
    ]
    if task != "regression":
        warnings += warn.class_warnings(mf.y, idx, mf.target.classes)
    step("warnings", None)

    periods = {p[0]: (p[1], p[2]) for p in split.periods}
    groups = dict(zip(SPLITS, split.groups, strict=True)) if config.split.kind == "group" else {}
    summaries = tuple(
        SplitSummary(
            name, len(idx[name]), int(ys[name].sum()) if task == "binary" else None, periods.get(name), groups.get(name)
        )
        for name in SPLITS
    )
    return TrainingResult(
        config=config,
        data=DataInfo(
            table.name,
            table.fingerprint,
            table.policy_version,
            table.certified_by,
            table.certified_at.isoformat(),
            table.height,
            len(table.columns),
            mf.dropped_unlabeled,
        ),
        target=mf.target,
        features=mf.features,
        categorical=mf.categorical,
        excluded=mf.excluded,
        splits=summaries,
        params={k: v for k, v in fit.params.items() if k != "metric"} | {"metric": list(fit.params["metric"])},
        best_iteration=fit.best_iteration,
        history=fit.history,
        metrics=metrics,
        curves=curves,
        importance=imp,
        shap=shap,
        univariate_auc=uni,
        pooled_levels=pooled,
        scorecard=card,
        search=trials,
        warnings=tuple(warnings),
        threshold=threshold,
        model_text=booster.model_to_string(num_iteration=fit.best_iteration),
        timings=timings,
        trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
        booster=booster,
        score_reference=score_ref,
    )
