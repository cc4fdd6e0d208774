"""Scoring new data with a stored run: the scorecard or the LightGBM model, as trained, on a new certified table.

The run's record carries everything needed (``runs.run_record``): the scorecard's bins, coefficients, scale
and grades (``scorecard_model``); LightGBM's features, categorical levels (pooled rare levels go where
training put them) and its score reference (``lightgbm_reference``). The output keeps every input column, so
scores join back on the bank's own keys, and adds ``score``, ``score_band`` (grade 1 best), the event
probability and three reasons in Korean and English (``reasons``).

A table missing a column the model needs is refused, naming the columns; an input that already has a column
the output would add is refused too (nothing is overwritten silently). Drift beyond PSI 0.25 on the score or
on a characteristic is reported by name (``monitor``): the score may not mean on this month what it meant in
training.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import polars as pl

from workbench.errors import UserError
from workbench.model import monitor, reasons
from workbench.model.points import PointsScale, ScoreBands, band_table, round_points
from workbench.model.scorecard import Scorecard
from workbench.privacy.gate import MaskedTable

ModelKind = Literal["scorecard", "lightgbm"]
MODELS: tuple[str, ...] = ("scorecard", "lightgbm")
SCORE, BAND, PROBABILITY = "score", "score_band", "event_probability"
ADDED = (SCORE, BAND, PROBABILITY, *(f"reason_{k}{s}" for k in range(1, reasons.TOP + 1) for s in ("", "_ko", "_en")))


class ScoringError(UserError):
    """New data that the stored run cannot score as asked."""


@dataclass(frozen=True, eq=False)
class ScoreResult:
    """The scored table (input columns first) and what monitoring saw on it."""

    run_id: str | None
    model: ModelKind
    frame: pl.DataFrame
    bands: ScoreBands
    drift: tuple[monitor.Drift, ...]

    @property
    def scores(self) -> np.ndarray:
        return self.frame[SCORE].to_numpy()

    @property
    def alerts(self) -> tuple[monitor.Drift, ...]:
        return tuple(d for d in self.drift if d.major)

    def band_table(self, outcome: np.ndarray | None = None) -> pl.DataFrame:
        """Rows and share per grade on the new data; with ``outcome`` (1 event, 0 not, NaN not known yet) the
        bads and bad rate over the rows whose outcome is known."""
        if outcome is None:
            return band_table(self.bands, self.scores)
        known = ~np.isnan(outcome)
        return band_table(self.bands, self.scores[known], outcome[known])


def available(record: Mapping[str, Any]) -> tuple[ModelKind, ...]:
    """The models a run can score with: its scorecard and/or its LightGBM model (binary runs)."""
    out: list[ModelKind] = []
    if record.get("scorecard_model"):
        out.append("scorecard")
    if record.get("lightgbm_reference"):
        out.append("lightgbm")
    return tuple(out)


def _check_columns(columns: list[str], needed: list[str]) -> None:
    missing = [c for c in needed if c not in columns]
    if missing:
        raise ScoringError("scorecard.score.missing_columns", columns=", ".join(missing), n=len(missing))
    taken = [c for c in ADDED if c in columns]
    if taken:
        raise ScoringError("scorecard.score.column_taken", columns=", ".join(taken))


def model_columns(record: Mapping[str, Any], model: str | None = None) -> list[str]:
    """The columns the run's model reads (the scorecard's characteristics, or LightGBM's features)."""
    kind = model or next(iter(available(record)), "scorecard")
    if kind == "scorecard" and record.get("scorecard_model"):
        return [f["feature"] for f in record["scorecard_model"]["features"]]
    return list(record.get("features", ()))


def feature_build(record: Mapping[str, Any]):
    """The run's feature build (``features.rebuild``), or None for a run trained on a table built otherwise."""
    from workbench.features.rebuild import FeatureBuild

    return FeatureBuild.from_dict(record["feature_build"]) if record.get("feature_build") else None


def needs_rebuild(record: Mapping[str, Any], columns: list[str], model: str | None = None) -> bool:
    """Whether ``columns`` (a new table) lack model columns that the run's feature build can make."""
    build = feature_build(record)
    return build is not None and any(c not in columns and c in build.names for c in model_columns(record, model))


def _check_build(record: Mapping[str, Any], columns: list[str], model: str) -> None:
    """A run trained on a CSV feature table whose build was not beside it (``feature_build_missing``) cannot
    make the features a new table lacks: refused naming the sidecar and what to do, not as bare missing columns."""
    sidecar = record.get("feature_build_missing")
    missing = [c for c in model_columns(record, model) if c not in columns]
    if sidecar and missing and feature_build(record) is None:
        run, names = str(record.get("run_id") or "—"), ", ".join(missing)
        raise ScoringError("scorecard.score.no_build", run=run, sidecar=sidecar, columns=names, n=len(missing))


def _characteristics(card: Scorecard | None, frame: pl.DataFrame) -> list[monitor.Drift]:
    if card is None:
        return []
    codes = card.codes(frame)
    return [
        monitor.characteristic_drift(fb.feature, [b.total for b in fb.table.bins], codes[fb.feature], card.points)
        for fb in card.features
    ]


def score_run(
    record: Mapping[str, Any],
    table: MaskedTable,
    *,
    model: str | None = None,
    model_text: str | None = None,
    catalog: Mapping[str, tuple[str, str]] | None = None,
    tables: Mapping[str, MaskedTable] | None = None,
) -> ScoreResult:
    """Score ``table`` with the run ``record`` (``model``: scorecard by default when the run has one).

    ``model_text`` is the stored LightGBM model (needed for ``lightgbm``); ``catalog`` maps feature names to
    their (Korean, English) descriptions for the reasons. ``table`` may be a new month's *label* table: when
    it lacks the model's features and the run kept its feature build, they are rebuilt from ``tables`` (the
    related tables by the spec's names) and the output keeps the label table's columns only.
    """
    kinds = available(record)
    if not kinds:  # a run stored before runs kept their scorecard and score reference
        raise ScoringError("scorecard.score.old_run", run=str(record.get("run_id") or "—"))
    kind = model or kinds[0]
    build = feature_build(record)
    if build is not None:  # a generated feature is named in reasons by its spec's description
        catalog = {s.name: (s.description_ko, s.description_en) for s in build.specs} | dict(catalog or {})
    if kind not in kinds:
        raise ScoringError("scorecard.score.no_model", model=str(kind), available=", ".join(kinds) or "—")
    card = Scorecard.from_dict(record["scorecard_model"]) if record.get("scorecard_model") else None
    frame, keep = table.frame, None
    _check_build(record, table.columns, kind)
    if needs_rebuild(record, table.columns, kind):
        from workbench.features.rebuild import rebuild

        _check_columns(table.columns, [])  # an output column already there: refused before any work
        frame, keep = rebuild(build, {**(tables or {}), build.label: table}), table.columns
    if kind == "scorecard":
        assert card is not None
        _check_columns(frame.columns, list(card.names))
        scores = card.score(frame)
        probability = card.probability(frame)
        bands, band_rows = card.bands, record["scorecard_model"].get("band_rows", [])
        why = reasons.scorecard_reasons(card, frame, reasons.descriptions(card.names, catalog))
    else:
        from workbench.model.runs import load_model, model_input

        if model_text is None:
            raise ScoringError("scorecard.score.no_model", model=kind, available=", ".join(kinds))
        features = list(record["features"])
        _check_columns(frame.columns, features)
        ref = record["lightgbm_reference"]
        booster = load_model(model_text)
        X = model_input(dict(record), booster, frame)
        probability = booster.predict(X)
        scores = round_points(PointsScale.from_dict(ref["scale"]).from_probability(probability))
        bands, band_rows = ScoreBands(tuple(ref["bands"])), ref["rows"]
        contrib = np.asarray(booster.predict(X, pred_contrib=True))[:, :-1]
        why = reasons.shap_reasons(contrib, features, reasons.descriptions(features, catalog))
    drift = [monitor.score_drift(bands, band_rows, scores)] if band_rows else []
    drift += _characteristics(card, frame)
    out = (
        (frame if keep is None else frame.select(keep))
        .with_columns(
            pl.Series(SCORE, scores, dtype=pl.Float64),
            pl.Series(BAND, bands.band(scores), dtype=pl.Int64),
            pl.Series(PROBABILITY, probability, dtype=pl.Float64),
        )
        .hstack(why)
    )
    return ScoreResult(record.get("run_id"), kind, out, bands, tuple(drift))  # type: ignore[arg-type]


def score_stored(
    store, run_id: str, table: MaskedTable, *, model: str | None = None, tables: Mapping[str, MaskedTable] | None = None
) -> ScoreResult:
    """``score_run`` with a run from the workspace: its record, its LightGBM text when needed, the catalog's
    descriptions. ``model`` None: the scorecard when the run has one."""
    from workbench.model.runs import record_from_run

    record = record_from_run(store.runs.get(run_id))
    lightgbm = model == "lightgbm" or (model is None and not record.get("scorecard_model"))
    text = store.runs.model_text(run_id) if lightgbm else None
    return score_run(record, table, model=model, model_text=text, catalog=catalog_descriptions(store), tables=tables)


def challenge(
    champion: ScoreResult, challenger: ScoreResult, record: Mapping[str, Any], outcome: str | None = None
) -> monitor.Challenge:
    """Two scorings of the same rows side by side (with the outcome column's AUC and KS when given)."""
    y = outcome_values(champion.frame, outcome, record) if outcome else None
    return monitor.champion_challenger(
        (str(champion.run_id), champion.scores, champion.frame[BAND].to_numpy()),
        (str(challenger.run_id), challenger.scores, challenger.frame[BAND].to_numpy()),
        y,
    )


def challenge_record(duel: monitor.Challenge, model: str) -> dict[str, Any]:
    return {
        "champion": duel.champion,
        "challenger": duel.challenger,
        "model": model,
        "rows": duel.rows,
        "same_band": duel.same_band,
        "rank_correlation": duel.rank_correlation,
        "auc": list(duel.auc) if duel.auc else None,
        "ks": list(duel.ks) if duel.ks else None,
        "crosstab": duel.crosstab.to_dicts(),
    }


def catalog_descriptions(store) -> dict[str, tuple[str, str]]:
    """feature → (description_ko, description_en) from the workspace's feature catalog."""
    return {f.name: (f.description_ko, f.description_en) for f in store.features.list()}


def outcome_values(frame: pl.DataFrame, column: str, record: Mapping[str, Any]) -> np.ndarray:
    """1.0 for the run's event value, 0.0 for the other, NaN where the outcome is not known yet."""
    s = frame[column]
    event = str(record.get("event") if record.get("event") is not None else "1")
    text = s.cast(pl.String).str.strip_chars()
    return (
        pl.select(pl.when(s.is_null()).then(None).otherwise((text == event).cast(pl.Float64)))
        .to_series()
        .fill_null(np.nan)
        .to_numpy()
    )


def score_record(
    result: ScoreResult, record: Mapping[str, Any], *, outcome: str | None = None, vintage: str | None = None
) -> dict[str, Any]:
    """What a scoring showed, JSON-ready (the CLI's ``--json``, the page's tables): rows, model, columns added,
    score summary, grades (bad rate with ``outcome``), drift and its alerts, bad rate per vintage."""
    from workbench.i18n import t

    scores = result.scores
    payload = {
        "run_id": result.run_id,
        "model": result.model,
        "rows": result.frame.height,
        "columns_added": [c for c in ADDED if c in result.frame.columns],
        "score": {"min": float(scores.min()), "max": float(scores.max()), "mean": float(scores.mean())}
        if len(scores)
        else None,
        "drift": [
            {
                "name": d.name,
                "kind": d.kind,
                "psi": round(d.psi, 6) if np.isfinite(d.psi) else None,
                "band": d.band,
                "points_shift": d.points_shift,
            }
            for d in result.drift
        ],
        "alerts": [
            {
                "code": "drift",
                "feature": d.name,
                "psi": round(d.psi, 6),
                "message": t("scorecard.score.drift", name=d.name, psi=f"{d.psi:.3f}"),
            }
            for d in result.alerts
        ],
    }
    if outcome:
        y = outcome_values(result.frame, outcome, record)
        payload["bands"] = result.band_table(y).to_dicts()
        if vintage:
            payload["vintages"] = (
                monitor.vintage_bad_rates(
                    result.frame[vintage], result.frame["score_band"].to_numpy(), pl.Series(y, nan_to_null=True)
                )
                .with_columns(pl.col("vintage").cast(pl.String))
                .to_dicts()
            )
    else:
        payload["bands"] = result.band_table().to_dicts()
    return payload
