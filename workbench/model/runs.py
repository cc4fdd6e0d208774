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
from workbench.model.frame import OTHER_LEVEL, ModelError, to_pandas
from workbench.model.metrics import BinaryMetrics, MulticlassMetrics, RegressionMetrics
from workbench.privacy.gate import MaskedTable

CONTRACT_BINARY = ("auc", "gini", "ks", "logloss", "brier", "pr_auc")
CONTRACT_REGRESSION = ("rmse", "mae", "r2")
CONTRACT_MULTICLASS = ("macro_auc", "logloss", "accuracy")
SPLIT_ORDER = ("train", "valid", "test")  # a stored record's JSON sorts its keys; tables read in this order


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
        "scorecard_model": result.scorecard.to_dict() if result.scorecard else None,
        "lightgbm_reference": result.score_reference,
        "importance": [
            {"feature": f.feature, "gain": _num(f.gain), "split": f.split, "shap": _num(f.shap)}
            for f in result.importance
        ],
        "warnings": [
            {
                "code": w.code,
                "feature": w.feature,
                "severity": w.severity,
                "message": w.message(lang),
                "params": {k: v.item() if hasattr(v, "item") else v for k, v in w.params.items()},  # re-rendered in
            }  # the reader's language after a reload
            for w in result.warnings
        ],
        "features": list(result.features),
        "categorical": list(result.categorical),
        "excluded": [{"column": e.column, "reason": e.reason} for e in result.excluded],
        "pooled_levels": result.pooled_levels,
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
            "scorecard": cfg.scorecard_options.to_dict() if cfg.scorecard_options else None,
        },
        "params": {k: _num(v) if not isinstance(v, list) else v for k, v in result.params.items()},
        "best_iteration": result.best_iteration,
        "search": [
            {"params": dict(tr.params), "valid_loss": _num(tr.valid_loss), "best_iteration": tr.best_iteration}
            for tr in result.search
        ],
        "feature_build": _feature_build(cfg.feature_build, result.features),
        "feature_build_missing": cfg.feature_build_missing or None,
        "data": asdict(result.data),
        "timings": result.timings,
        "trained_at": result.trained_at,
    }


def _feature_build(build: Any, features: tuple[str, ...]) -> dict[str, Any] | None:
    """The build of the model's features only (scoring new raw tables rebuilds these and nothing else)."""
    if not build:
        return None
    from workbench.features.rebuild import FeatureBuild

    return FeatureBuild.from_dict(build).for_features(features).to_dict()


def metrics_frame(result: TrainingResult) -> pl.DataFrame:
    """The metrics table the page shows: one row per model and split (LightGBM, then the WOE scorecard),
    the contract metrics first, rounded to 4 decimals."""
    metrics = {split: metric_dict(m) for split, m in result.metrics.items()}
    scorecard = {s: metric_dict(m) for s, m in result.scorecard.metrics.items()} if result.scorecard else None
    return metrics_table(result.task, metrics, scorecard)


def metrics_table(task: str, metrics: dict[str, dict], scorecard: dict[str, dict] | None = None) -> pl.DataFrame:
    """``metrics_frame`` from a run record's metric dicts: what a stored run shows after a reload."""
    from workbench.i18n import t

    keys = {
        "binary": (*CONTRACT_BINARY, "precision", "recall", "f1"),
        "regression": CONTRACT_REGRESSION,
        "multiclass": CONTRACT_MULTICLASS,
    }[task]
    models = [("LightGBM", metrics)]
    if scorecard:
        models.append((t("model.card.scorecard"), scorecard))
    rows = []
    for model, by_split in models:
        for split in sorted(by_split, key=lambda k: SPLIT_ORDER.index(k) if k in SPLIT_ORDER else len(SPLIT_ORDER)):
            d = by_split[split]
            rows.append(
                {
                    t("model.table.model"): model,
                    t("model.table.split"): t(f"model.split.{split}"),
                    t("model.table.rows"): d.get("n"),
                }
                | {k: d.get(k) for k in keys}
            )
    return pl.DataFrame(rows, infer_schema_length=None)


def curve_record(result: TrainingResult) -> dict[str, dict[str, list[float]]]:
    """The ROC and precision-recall curves per split (already thinned), for charts drawn from a stored run."""
    return {
        split: {
            "fpr": [round(float(v), 5) for v in c.fpr],
            "tpr": [round(float(v), 5) for v in c.tpr],
            "recall": [round(float(v), 5) for v in c.recall],
            "precision": [round(float(v), 5) for v in c.precision],
        }
        for split, c in result.curves.items()
    }


def load_model(model_text: str) -> lgb.Booster:
    try:
        return lgb.Booster(model_str=model_text)
    except lgb.basic.LightGBMError as err:
        raise ModelError("model.error.model_unreadable", reason=str(err).splitlines()[0]) from err


def model_input(record: dict[str, Any], booster: lgb.Booster, frame: pl.DataFrame):
    """The run's features of ``frame`` as LightGBM saw them in training (pandas, categoricals with the model's
    levels): a level the model does not know goes where training put the rare ones."""
    frame = frame.select(record["features"])
    categorical = tuple(record["categorical"])
    levels = dict(zip(categorical, booster.pandas_categorical or [], strict=False))
    frame = frame.with_columns(
        pl.when(pl.col(c).cast(pl.String).is_in(pl.lit(pl.Series(known, dtype=pl.String)).implode()))
        .then(pl.col(c).cast(pl.String))
        .otherwise(pl.when(pl.col(c).is_null()).then(None).otherwise(pl.lit(OTHER_LEVEL)))
        .alias(c)
        for c, known in levels.items()
        if OTHER_LEVEL in known
    )
    return to_pandas(frame, categorical)


def score_table(model_text: str, record: dict[str, Any], table: MaskedTable) -> np.ndarray:
    """Scores of a stored run on a certified table with the run's features (event probability for binary)."""
    missing = [f for f in record["features"] if f not in table.columns]
    if missing:
        raise ModelError("model.error.no_feature", columns=", ".join(missing))
    booster = load_model(model_text)
    return booster.predict(model_input(record, booster, table.frame))


def main_metric(task: str) -> str:
    """The one metric runs are compared on: AUC (binary), macro AUC (multiclass), RMSE (regression)."""
    return "auc" if task == "binary" else ("macro_auc" if task == "multiclass" else "rmse")


def comparison_frame(records: list[tuple[str, dict[str, Any]]]) -> pl.DataFrame:
    """One row per run: label, dataset, target, split, features, then test/valid/train AUC (or RMSE) and the
    number of warnings; what the page's comparison table and chart show."""
    rows = []
    for label, rec in records:
        main = main_metric(rec["task"])
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


SUMMARY_KEYS = (
    "task",
    "event",
    "classes",
    "threshold",
    "categorical",
    "excluded",
    "pooled_levels",
    "splits",
    "scorecard",
    "scorecard_model",
    "lightgbm_reference",
    "importance",
    "data",
    "timings",
    "trained_at",
    "best_iteration",
    "search",
    "config",
)


def save_run(result: TrainingResult, store=None, *, card: bool = True, lang: str | None = None) -> str:
    """Store the run in the workspace (``store.runs``): record, LightGBM text model and, with ``card``, the
    offline HTML model card (features' review states from ``store.reviews``). Returns the run id."""
    from workbench.store import Store, new_run_id

    store = store or Store.open()
    run_id = new_run_id()
    rec = run_record(result, lang=lang)
    card_text = None
    if card:
        from workbench.report.model_card import model_card_html

        card_text = model_card_html(result, reviews=review_states(store), run_id=run_id, lang=lang)
    store.runs.save(
        run_id=run_id,
        dataset=result.data.name,
        dataset_fingerprint=result.data.fingerprint,
        target=result.target.column,
        split=rec["split"],
        params={"lightgbm": rec["params"], "summary": {k: rec[k] for k in SUMMARY_KEYS}},
        features=rec["features"],
        metrics=rec["metrics"],
        warnings=rec["warnings"],
        model_text=result.model_text,
        card_text=card_text,
        card_format="html",
        record={**rec, "curves": curve_record(result)},
    )
    return run_id


def review_states(store) -> dict[str, str]:
    """feature → current review verdict (accept, reject, needs_change) from the features area."""
    return {name: review.verdict for name, review in store.reviews.states().items()}


def record_from_run(run) -> dict[str, Any]:
    """A stored ``Run`` back into the ``run_record`` shape (for comparison, charts and scoring); runs saved
    before the whole record was kept are rebuilt from their columns."""
    if run.record:
        return {**run.record, "run_id": run.id, "actor": run.actor, "created_at": run.created_at.isoformat()}
    summary = dict(run.params.get("summary", {}))
    return {
        **summary,
        "run_id": run.id,
        "actor": run.actor,
        "created_at": run.created_at.isoformat(),
        "target": run.target,
        "metrics": dict(run.metrics),
        "warnings": list(run.warnings),
        "features": list(run.features),
        "split": run.split,
        "params": dict(run.params.get("lightgbm", {})),
    }


def stored_runs(store, *, dataset: str | None = None, limit: int = 20) -> list[tuple[str, dict[str, Any]]]:
    """(run id, record) of the newest runs, oldest first so a comparison reads left to right in time."""
    return [(run.id, record_from_run(run)) for run in reversed(store.runs.list(dataset=dataset, limit=limit))]
