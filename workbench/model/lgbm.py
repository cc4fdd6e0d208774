"""LightGBM with defaults that hold from 1k to 10M rows, early stopping on the validation split, and an
optional small random search.

Why these defaults: small tables overfit with 31 leaves and 20-row leaves, so capacity and the minimum leaf
size grow with the training rows; large tables converge in fewer rounds at a higher learning rate, and row
subsampling (bagging) halves the time per round past 500k rows with no measurable AUC cost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import lightgbm as lgb
import numpy as np

from workbench.model.frame import Task

Imbalance = Literal["none", "is_unbalance", "scale_pos_weight"]
IMBALANCE: tuple[Imbalance, ...] = ("none", "is_unbalance", "scale_pos_weight")

# called once per boosting round: (iteration, max rounds, metric name, validation value)
ProgressFn = Callable[[int, int, str, float], None]

OBJECTIVE = {"binary": "binary", "multiclass": "multiclass", "regression": "regression"}
METRICS = {"binary": ["binary_logloss", "auc"], "multiclass": ["multi_logloss"], "regression": ["rmse", "l1"]}


def default_params(task: Task, n_train: int, *, seed: int = 42, n_classes: int = 2) -> dict:
    """Size-scaled defaults. ``min_data_in_leaf`` ≈ 0.1 % of rows (20 … 1000) keeps leaves statistically
    meaningful; ``num_leaves`` grows 7 → 127. Below 10k training rows (German credit, a branch's portfolio)
    small trees, a slow learning rate, column and row subsampling and a stronger L2 penalty matched a
    30-configuration cross-validated search within 0.005 AUC (benchmarks/bench_model.py); above 100k rows
    the learning rate rises to 0.1 because rounds get expensive."""
    small = n_train < 10_000
    if small:
        lr, leaves = 0.03, 7
    elif n_train < 100_000:
        lr, leaves = 0.05, 31
    elif n_train < 1_000_000:
        lr, leaves = 0.1, 63
    else:
        lr, leaves = 0.1, 127
    params = {
        "objective": OBJECTIVE[task],
        "metric": METRICS[task],
        "learning_rate": lr,
        "num_leaves": leaves,
        "min_data_in_leaf": int(min(1000, max(20, n_train // 1000))),
        "feature_fraction": 0.6 if small else 0.8,
        "lambda_l2": 5.0 if small else 1.0,
        "max_bin": 255,
        "min_data_per_group": 50,
        "cat_smooth": 10.0,
        "seed": seed,
        "bagging_seed": seed,
        "feature_fraction_seed": seed,
        "data_random_seed": seed,
        "verbosity": -1,
        # one thread below 20k rows: OpenMP start-up and spinning cost more than they save on a busy machine
        "num_threads": 1 if n_train < 20_000 else 0,
    }
    if small:
        params.update(bagging_fraction=0.8, bagging_freq=1)
    elif n_train >= 500_000:
        params.update(bagging_fraction=0.5, bagging_freq=1)
    if task == "multiclass":
        params["num_class"] = n_classes
    return params


TRAIN_CURVE_ROWS = 50_000

# Stop when the validation loss has not improved by more than this over the patience window: a leaking
# feature drives logloss towards 0 for thousands of rounds that change nothing a banker would see.
MIN_DELTA = 1e-5


def max_rounds(n_train: int) -> int:
    return 2000 if n_train < 100_000 else 1000


def early_stopping_rounds(n_train: int) -> int:
    return 100 if n_train < 100_000 else 30


def imbalance_params(mode: Imbalance, y: np.ndarray) -> dict:
    """``scale_pos_weight`` = non-events / events in training; ``is_unbalance`` lets LightGBM do the same.

    Weighted training inflates probabilities, so the unweighted validation logloss would stop it after a
    round or two: with weights on, early stopping watches AUC instead."""
    if mode == "is_unbalance":
        return {"is_unbalance": True, "metric": ["auc", "binary_logloss"]}
    if mode == "scale_pos_weight":
        pos = float(np.sum(y == 1))
        return {"scale_pos_weight": (len(y) - pos) / pos if pos else 1.0, "metric": ["auc", "binary_logloss"]}
    return {}


@dataclass(frozen=True)
class Fit:
    """A trained booster plus the curve of every metric by iteration, per split (``train``, ``valid``)."""

    booster: lgb.Booster
    params: dict
    best_iteration: int
    history: dict[str, dict[str, tuple[float, ...]]]


def fit(
    X_train,
    y_train: np.ndarray,
    X_valid,
    y_valid: np.ndarray,
    params: dict,
    *,
    categorical: tuple[str, ...] = (),
    rounds: int | None = None,
    stopping: int | None = None,
    progress: ProgressFn | None = None,
    record_train: bool = True,
) -> Fit:
    """Train with early stopping on the first validation metric (logloss for classification, RMSE for
    regression); the booster keeps every round but predicts with ``best_iteration``."""
    n = len(y_train)
    rounds = rounds or max_rounds(n)
    stopping = stopping or early_stopping_rounds(n)
    cats = list(categorical) or "auto"
    train_set = lgb.Dataset(X_train, y_train, categorical_feature=cats, free_raw_data=True)
    valid_set = lgb.Dataset(X_valid, y_valid, reference=train_set, categorical_feature=cats)
    sets, names = [valid_set], ["valid"]
    if record_train:
        # the train curve of the history chart: on a fixed sample past TRAIN_CURVE_ROWS, because AUC on every
        # training row at every round costs more than the round itself on millions of rows
        if n > TRAIN_CURVE_ROWS:
            rows = np.sort(np.random.default_rng(params.get("seed", 0)).choice(n, TRAIN_CURVE_ROWS, replace=False))
            curve_set = lgb.Dataset(X_train.iloc[rows], y_train[rows], reference=train_set, categorical_feature=cats)
        else:
            curve_set = train_set
        sets, names = [curve_set, valid_set], ["train", "valid"]
    history: dict = {}
    callbacks = [
        lgb.early_stopping(stopping, first_metric_only=True, verbose=False, min_delta=MIN_DELTA),
        lgb.record_evaluation(history),
    ]
    if progress is not None:

        def report(env: lgb.callback.CallbackEnv) -> None:
            for data_name, metric, value, _ in env.evaluation_result_list:
                if data_name == "valid":
                    progress(env.iteration + 1, env.end_iteration, metric, float(value))
                    return

        callbacks.append(report)
    booster = lgb.train(
        {**params, "first_metric_only": True},
        train_set,
        num_boost_round=rounds,
        valid_sets=sets,
        valid_names=names,
        callbacks=callbacks,
    )
    hist = {
        split: {m: tuple(float(v) for v in vals) for m, vals in metrics.items()} for split, metrics in history.items()
    }
    return Fit(booster, params, booster.best_iteration or booster.current_iteration(), hist)


def predict(booster: lgb.Booster, X, task: Task, *, iteration: int | None = None) -> np.ndarray:
    """Event probability (binary), n × k probabilities (multiclass) or values (regression)."""
    return booster.predict(X, num_iteration=iteration or booster.best_iteration or None)


# --- quick search ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trial:
    """One configuration of the quick search and its validation loss (lower is better: logloss, RMSE, or
    −AUC when class weighting makes AUC the stopping metric)."""

    params: tuple[tuple[str, float], ...]
    valid_loss: float
    best_iteration: int


SEARCH_SPACE: dict[str, tuple[float, ...]] = {
    "num_leaves": (7, 15, 31, 63, 127),
    "min_data_in_leaf": (10, 20, 50, 100, 300),
    "feature_fraction": (0.5, 0.7, 0.9, 1.0),
    "bagging_fraction": (0.6, 0.8, 1.0),
    "lambda_l2": (0.0, 1.0, 10.0),
    "learning_rate": (0.03, 0.05, 0.1),
    "max_depth": (-1, 4, 6, 8),
}


def sample_configs(n: int, seed: int) -> list[dict]:
    """``n`` distinct random configurations from ``SEARCH_SPACE`` (a fixed seed gives the same list)."""
    rng = np.random.default_rng(seed)
    seen, out = set(), []
    while len(out) < n and len(seen) < 10_000:
        cfg = {k: v[rng.integers(len(v))] for k, v in SEARCH_SPACE.items()}
        key = tuple(cfg.values())
        if key in seen:
            continue
        seen.add(key)
        cfg = {
            k: (int(v) if k in ("num_leaves", "min_data_in_leaf", "max_depth") else float(v)) for k, v in cfg.items()
        }
        if cfg["bagging_fraction"] < 1.0:
            cfg["bagging_freq"] = 1
        out.append(cfg)
    return out


def quick_search(
    X_train,
    y_train,
    X_valid,
    y_valid,
    base: dict,
    *,
    categorical: tuple[str, ...] = (),
    n_trials: int = 12,
    seed: int = 42,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[dict, tuple[Trial, ...]]:
    """Random search on the validation split: the base defaults compete as trial 0, so the search can only
    keep or improve the validation loss. Returns the winning params and every trial."""
    configs = [{}, *sample_configs(n_trials, seed)]
    trials = []
    for i, cfg in enumerate(configs):
        params = {**base, **cfg}
        f = fit(X_train, y_train, X_valid, y_valid, params, categorical=categorical, record_train=False)
        metric = next(iter(f.history["valid"]))
        value = f.history["valid"][metric][f.best_iteration - 1]
        loss = -value if metric == "auc" else value  # weighted runs stop on AUC: higher is better
        trials.append(Trial(tuple(sorted((k, float(v)) for k, v in cfg.items())), float(loss), f.best_iteration))
        if progress:
            progress(i + 1, len(configs))
    best = min(range(len(trials)), key=lambda i: trials[i].valid_loss)
    return {**base, **configs[best]}, tuple(trials)
