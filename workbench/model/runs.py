"""A training run as data: the JSON record stored in the workspace (``store.runs``), printed by the CLI, and
compared side by side; plus reloading the stored LightGBM text model to score a certified table.

The record holds what a reviewer needs to repeat the run (config, data fingerprint, policy version, params,
features) and what it showed (metrics, importance, warnings); the model itself is LightGBM's text format,
readable without pickle and identical across platforms.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

import lightgbm as lgb
import numpy as np
import polars as pl

from workbench.model.baseline import TrainingResult
from workbench.model.frame import ModelError, to_pandas
from workbench.model.metrics import BinaryMetrics, MulticlassMetrics, RegressionMetrics
from workbench.privacy.gate import MaskedTable

CONTRACT_BINARY = ("auc", "gini", "ks", "logloss", "brier", "pr_auc")
CONTRACT_REGRESSION = ("rmse", "mae", "r2")
CONTRACT_MULTICLASS = ("macro_auc", "logloss", "accuracy")


def _num(v: Any) -> Any:
    """JSON has no NaN: a metric that cannot be computed (one class in a split) becomes null."""
    if isinstance(v, float | np.floating):
        return None if not math.isfinite(float(v)) else round(float(v), 6)
    return v


def metric_dict(m: BinaryMetrics | RegressionMetrics | MulticlassMetrics) -> dict[str, Any]:
    d = asdict(m)
    return {k: (list(v) if isinstance(v, tuple) else _num(v)) for k, v in d.items()}


def contract_metrics(result: TrainingResult) -> dict[str, dict[str, Any]]:
    keys = {"binary": CONTRACT_BINARY, "regression": CONTRACT_REGRESSION, "multiclass": CONTRACT_MULTICLASS}[
        result.task
    ]
    out = {}
    for split, m in result.metrics.items():
        full = metric_dict(m)
        out[split] = {k: full[k] for k in keys} | {k: v for k, v in full.items() if k not in keys}
    return out


def run_record(result: TrainingResult, *, lang: str | None = None) -> dict[str, Any]:
    """Everything about a run except the model text, JSON-ready (the CLI's ``--json`` is this dict)."""
    cfg = result.config
    return {
        "task": result.task,
        "target": result.target.column,
        "event": result.event,
        "classes": list(result.target.classes),
        "threshold": _num(result.threshold) if result.threshold is not None else None,
        "metrics": contract_metrics(result),
        "scorecard": {s: metric_dict(m) for s, m in result.scorecard.metrics.items()} if result.scorecard else None,
        "importance": [
            {"feature": f.feature, "gain": _num(f.gain), "split": f.split, "shap": _num(f.shap)}
            for f in result.importance
        ],
        "warnings": [
            {"code": w.code, "feature": w.feature, "severity": w.severity, "message": w.message(lang)}
            for w in result.warnings
        ],
        "features": list(result.features),
        "categorical": list(result.categorical),
        "excluded": [{"column": e.column, "reason": e.reason} for e in result.excluded],
        "splits": [
            {
                "name": s.name,
                "rows": s.rows,
                "events": s.events,
                "period": list(s.period) if s.period else None,
                "groups": s.groups,
            }
            for s in result.splits
        ],
        "split": {
            "kind": cfg.split.kind,
            "column": cfg.split.column,
            "seed": cfg.split.seed,
            "valid_frac": cfg.split.valid_frac,
            "test_frac": cfg.split.test_frac,
        },
        "config": {
            "imbalance": cfg.imbalance,
            "search": cfg.search,
            "search_trials": cfg.search_trials,
            "seed": cfg.seed,
            "shap_rows": cfg.shap_rows,
            "exclude": list(cfg.exclude),
        },
        "params": {k: _num(v) if not isinstance(v, list) else v for k, v in result.params.items()},
        "best_iteration": result.best_iteration,
        "search": [
            {"params": dict(tr.params), "valid_loss": _num(tr.valid_loss), "best_iteration": tr.best_iteration}
            for tr in result.search
        ],
        "data": asdict(result.data),
        "timings": result.timings,
        "trained_at": result.trained_at,
    }


def metrics_frame(result: TrainingResult) -> pl.DataFrame:
    """The metrics table the page shows: one row per model and split (LightGBM, then the WOE scorecard),
    the contract metrics first, rounded to 4 decimals."""
    from workbench.i18n import t

    keys = {
        "binary": (*CONTRACT_BINARY, "precision", "recall", "f1"),
        "regression": CONTRACT_REGRESSION,
        "multiclass": CONTRACT_MULTICLASS,
    }[result.task]
    models = [("LightGBM", result.metrics)]
    if result.scorecard:
        models.append((t("model.card.scorecard"), result.scorecard.metrics))
    rows = []
    for model, metrics in models:
        for split, m in metrics.items():
            d = metric_dict(m)
            rows.append({"model": model, "split": t(f"model.split.{split}"), "rows": d["n"]} | {k: d[k] for k in keys})
    return pl.DataFrame(rows, infer_schema_length=None)


def load_model(model_text: str) -> lgb.Booster:
    try:
        return lgb.Booster(model_str=model_text)
    except lgb.basic.LightGBMError as err:
        raise ModelError("model.error.model_unreadable", reason=str(err).splitlines()[0]) from err


def score_table(model_text: str, record: dict[str, Any], table: MaskedTable) -> np.ndarray:
    """Scores of a stored run on a certified table with the run's features (event probability for binary)."""
    missing = [f for f in record["features"] if f not in table.columns]
    if missing:
        raise ModelError("model.error.no_feature", columns=", ".join(missing))
    X = to_pandas(table.frame.select(record["features"]), tuple(record["categorical"]))
    return load_model(model_text).predict(X)


def comparison_frame(records: list[tuple[str, dict[str, Any]]]) -> pl.DataFrame:
    """One row per run: label, dataset, target, split, features, then test/valid/train AUC (or RMSE) and the
    number of warnings; what the page's comparison table and chart show."""
    rows = []
    for label, rec in records:
        main = "auc" if rec["task"] == "binary" else ("macro_auc" if rec["task"] == "multiclass" else "rmse")
        row = {
            "run": label,
            "dataset": rec["data"]["name"],
            "target": rec["target"],
            "split": rec["split"]["kind"] + (f":{rec['split']['column']}" if rec["split"]["column"] else ""),
            "features": len(rec["features"]),
            "metric": main,
        }
        for split in ("train", "valid", "test"):
            row[split] = rec["metrics"].get(split, {}).get(main)
        row["scorecard_test"] = (rec.get("scorecard") or {}).get("test", {}).get("auc")
        row["warnings"] = len(rec["warnings"])
        rows.append(row)
    return pl.DataFrame(rows, infer_schema_length=None)


def save_run(result: TrainingResult, store=None) -> str | None:
    """Store the run (record + LightGBM text) in the workspace; returns its id, or None when this
    installation has no workspace store."""
    try:
        from workbench.store import Store
    except ImportError:
        return None
    store = store or Store.open()
    return store.runs.add(run_record(result), result.model_text)
