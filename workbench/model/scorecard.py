"""The traditional scorecard beside the gradient-boosted model: bins → monotone trend → expert edits → WOE →
logistic regression → points.

Bins are fit on the training split only (``bins``: quantile pre-bins, missing and special codes apart, rare
levels pooled as "other"), then each numeric characteristic follows its trend (``monotone``, ``auto`` by
default), then the expert's stored edits are replayed (``edits``). WOE and IV come from the bin counts with the
profile's zero-count rule. The logistic regression on WOE gives one coefficient per characteristic; ``points``
turns them into the points table, the score and grades 1–10.

The fitted scorecard is data: ``to_dict``/``from_dict`` give the JSON stored with the run, from which a new
month is scored (``scoring``), exported as SQL or polars code (``scorecard_export``) and explained
(``reasons``) with exactly the same points.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np
import polars as pl
from sklearn.linear_model import LogisticRegression

from workbench.model.bins import FeatureBins, count, initial_binning
from workbench.model.edits import BinEdit, EditedBins, LeftOut, apply_edits, edits_to_json
from workbench.model.metrics import BinaryMetrics, binary_metrics
from workbench.model.monotone import TrendResult, apply_trend
from workbench.model.points import (
    N_BANDS,
    PointsScale,
    PointsTable,
    ScoreBands,
    band_table,
    fit_bands,
    points_table,
    score_distribution,
    score_from_codes,
)
from workbench.signals import codes

FIT_SAMPLE = 200_000  # bins, WOE and the logistic fit use at most this many training rows


@dataclass(frozen=True)
class ScorecardOptions:
    """What the analyst decides about the scorecard: the default trend of numeric characteristics, the
    expert's bin edits (replayed after the trend; a ``trend`` edit overrides it per characteristic), special
    codes per characteristic, the points scale and the number of grades."""

    trend: str = "auto"
    edits: tuple[BinEdit, ...] = ()
    specials: tuple[tuple[str, tuple[float, ...]], ...] = ()
    scale: PointsScale = field(default_factory=PointsScale)
    n_bands: int = N_BANDS
    edits_version: int = 0  # the stored version of the edits (``store.bin_edits``), 0 when none

    def to_dict(self) -> dict[str, Any]:
        return {
            "trend": self.trend,
            "edits": edits_to_json(self.edits),
            "edits_version": self.edits_version,
            "specials": {c: list(v) for c, v in self.specials},
            "scale": self.scale.to_dict(),
            "n_bands": self.n_bands,
        }


@dataclass(frozen=True, eq=False)
class Scorecard:
    """Bins, logistic coefficients (one per characteristic, on WOE), the points scale and grades, and what the
    scorecard showed on each split (metrics, bad rate per grade, score distribution)."""

    features: tuple[FeatureBins, ...]
    intercept: float
    coefficients: tuple[float, ...]
    scale: PointsScale
    bands: ScoreBands
    metrics: dict[str, BinaryMetrics] = field(default_factory=dict)
    trends: tuple[TrendResult, ...] = ()
    band_rates: dict[str, pl.DataFrame] = field(default_factory=dict)  # split → band_table
    distribution: pl.DataFrame | None = None  # score_distribution of the test (else valid) split
    left_out: tuple[LeftOut, ...] = ()  # stored edits not replayed: the bins they were made on are gone

    @cached_property
    def points(self) -> PointsTable:
        return points_table(self.features, self.intercept, self.coefficients, self.scale)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(fb.feature for fb in self.features)

    def feature(self, name: str) -> FeatureBins:
        for fb in self.features:
            if fb.feature == name:
                return fb
        raise KeyError(name)

    def codes(self, frame: pl.DataFrame) -> dict[str, np.ndarray]:
        """Bin number of every row per characteristic."""
        return {fb.feature: fb.binning.codes(frame[fb.feature]) for fb in self.features}

    def woe_matrix(self, frame: pl.DataFrame) -> np.ndarray:
        codes = self.codes(frame)
        return np.column_stack([fb.woe[codes[fb.feature]] for fb in self.features])

    def probability(self, frame: pl.DataFrame) -> np.ndarray:
        """The logistic regression's event probability (before points are rounded)."""
        z = self.intercept + self.woe_matrix(frame) @ np.asarray(self.coefficients)
        return 1 / (1 + np.exp(-z))

    def score(self, frame: pl.DataFrame) -> np.ndarray:
        """Total points of every row: the number the SQL and polars exports reproduce exactly."""
        return score_from_codes(self.points, self.codes(frame))

    def to_dict(self) -> dict[str, Any]:
        """The deployable scorecard as JSON (no metrics): bins with training counts, coefficients, scale, grades."""
        return {
            "features": [fb.to_dict() for fb in self.features],
            "intercept": self.intercept,
            "coefficients": list(self.coefficients),
            "scale": self.scale.to_dict(),
            "bands": list(self.bands.edges),
            "band_rows": self.band_rates["train"]["rows"].to_list() if "train" in self.band_rates else [],
            "trends": [asdict(r) for r in self.trends],
            "edits_left_out": [e.to_dict() | {"message": e.message()} for e in self.left_out],
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Scorecard:
        return cls(
            tuple(FeatureBins.from_dict(f) for f in d["features"]),
            float(d["intercept"]),
            tuple(float(c) for c in d["coefficients"]),
            PointsScale.from_dict(d.get("scale")),
            ScoreBands(tuple(float(e) for e in d.get("bands", ()))),
            trends=tuple(TrendResult(**r) for r in d.get("trends", ())),
            band_rates={"train": pl.DataFrame({"rows": d["band_rows"]})} if d.get("band_rows") else {},
            left_out=tuple(LeftOut.from_dict(e) for e in d.get("edits_left_out", ())),
        )


def fit_bins(
    s: pl.Series, y: np.ndarray, *, trend: str = "none", specials: Sequence[float] = (), edits: Sequence[BinEdit] = ()
) -> tuple[FeatureBins, TrendResult]:
    """One characteristic on the training rows: pre-bins, the trend, then the expert's edits."""
    edited = edit_bins(s, y, trend=trend, specials=specials, edits=edits)
    return edited.bins, edited.trend  # type: ignore[return-value]


def edit_bins(
    s: pl.Series, y: np.ndarray, *, trend: str = "none", specials: Sequence[float] = (), edits: Sequence[BinEdit] = ()
) -> EditedBins:
    """``fit_bins`` with the stored edits left out (their bins are gone) listed."""
    fb = count(initial_binning(s, specials=specials), s, y)
    fb, outcome = apply_trend(fb, trend)
    edited = apply_edits(fb, edits, s, y)
    return replace(edited, trend=edited.trend or outcome)


def with_stored_edits(store, dataset: str, target: str, options: ScorecardOptions | None = None) -> ScorecardOptions:
    """``options`` with the expert's current edits for ``dataset``/``target`` from the workspace appended, so the
    next fit replays them (and the run records which version it used). Edits stored by bin number only (before
    edits named their bins' contents) are placed on the bins they were made on when a stored run shows them,
    else marked to be left out (``edit_history``)."""
    from workbench.model.edit_history import stored_edits

    options = options or ScorecardOptions()
    current = store.bin_edits.current(dataset, target)
    if current is None:
        return options
    edits = stored_edits(store, dataset, target)
    return replace(options, edits=(*options.edits, *edits), edits_version=current.version)


def fit_scorecard(
    X: pl.DataFrame,
    y: np.ndarray,
    splits: dict[str, np.ndarray],
    *,
    threshold: float = 0.5,
    seed: int = 42,
    options: ScorecardOptions | None = None,
) -> Scorecard:
    """Bins and the logistic regression are fit on ``splits['train']`` only (on a seeded sample of
    ``FIT_SAMPLE`` rows past that size: quantile edges and WOE counts are stable long before); the
    validation and test splits are scored in full, the training metrics on the fitted rows. A numeric
    characteristic's special codes are those ``workbench.signals.codes`` finds on the training rows (one rule
    with the profile and the leakage grades), unless ``options.specials`` lists the characteristic's own."""
    options = options or ScorecardOptions()
    train = splits["train"]
    if len(train) > FIT_SAMPLE:
        train = np.sort(np.random.default_rng(seed).choice(train, FIT_SAMPLE, replace=False))
    splits = {**splits, "train": train}
    Xt, yt = X[train], y[train]
    specials = {**codes.of_frame(Xt, Xt.columns), **dict(options.specials)}  # the expert's list wins
    fitted = [
        edit_bins(Xt[c], yt, trend=options.trend, specials=specials.get(c, ()), edits=options.edits) for c in X.columns
    ]
    fbs = tuple(e.bins for e in fitted)
    shell = Scorecard(fbs, 0.0, tuple(0.0 for _ in fbs), options.scale, ScoreBands(()))
    enc = {name: shell.woe_matrix(X[idx]) for name, idx in splits.items() if len(idx)}
    lr = LogisticRegression(C=1.0, max_iter=1000)
    lr.fit(enc["train"], yt)
    card = Scorecard(fbs, float(lr.intercept_[0]), tuple(float(c) for c in lr.coef_[0]), options.scale, ScoreBands(()))
    scores = {name: card.score(X[idx]) for name, idx in splits.items() if len(idx)}
    bands = fit_bands(scores["train"], options.n_bands)
    shown = "test" if "test" in scores else "valid"
    return Scorecard(
        fbs,
        card.intercept,
        card.coefficients,
        options.scale,
        bands,
        metrics={
            name: binary_metrics(y[idx], lr.predict_proba(enc[name])[:, 1], threshold)
            for name, idx in splits.items()
            if len(idx)
        },
        trends=tuple(e.trend for e in fitted),  # type: ignore[misc]
        band_rates={name: band_table(bands, s, y[splits[name]]) for name, s in scores.items()},
        distribution=score_distribution(scores[shown], y[splits[shown]]) if shown in scores else None,
        left_out=tuple(sorted((e for f in fitted for e in f.left_out), key=lambda e: e.number)),
    )


__all__ = ["Scorecard", "ScorecardOptions", "fit_bins", "fit_scorecard", "with_stored_edits"]
