"""Points: the scorecard as the bank deploys it, a whole number of points per characteristic × bin.

Scaling (Siddiqi): score = offset + factor × ln(odds of good), factor = PDO / ln 2, offset = base score −
factor × ln(base odds). With the logistic regression on WOE, ln(odds of good) = −(b0 + Σ bᵢ·WOEᵢ), so a
characteristic's bin earns  (offset − factor·b0) / n − factor · bᵢ · WOEᵢⱼ  points (n characteristics), rounded
half up to a whole point; the score is the sum of the points. Defaults: 600 points at odds 50:1, 20 points to
double the odds. ``PointsScale.korean_bureau()`` is the 1–1000 range Korean bureaus (NICE, KCB) print: 600 at
50:1 with 60 points to double the odds, so applicants spread over the whole range, and a score beyond it is
capped at 1 or 1000.

Score bands are grades 1 (best) … 10 (worst) cut at the deciles of the training scores, so each grade holds
about a tenth of the training applicants; the cut points are stored with the scorecard and reused as is on
new data (a band's meaning must not move with the month scored).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import polars as pl

from workbench.model.bins import FeatureBins
from workbench.profile.binning import quantile_edges

N_BANDS = 10


@dataclass(frozen=True)
class PointsScale:
    """Base score at base odds (good:bad), points to double the odds; optional floor and cap of the score."""

    base_score: float = 600.0
    base_odds: float = 50.0
    pdo: float = 20.0
    low: float | None = None
    high: float | None = None

    @classmethod
    def korean_bureau(cls) -> PointsScale:
        return cls(600.0, 50.0, 60.0, 1.0, 1000.0)

    @property
    def factor(self) -> float:
        return self.pdo / math.log(2)

    @property
    def offset(self) -> float:
        return self.base_score - self.factor * math.log(self.base_odds)

    def clip(self, scores: np.ndarray) -> np.ndarray:
        if self.low is None and self.high is None:
            return scores
        return np.clip(scores, self.low, self.high)

    def from_probability(self, p: np.ndarray) -> np.ndarray:
        """The score of an event probability (unrounded): offset + factor × ln((1 − p) / p)."""
        p = np.clip(np.asarray(p, dtype=np.float64), 1e-12, 1 - 1e-12)
        return self.clip(self.offset + self.factor * np.log((1 - p) / p))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any] | None) -> PointsScale:
        return cls(**dict(d)) if d else cls()


def round_points(x: np.ndarray) -> np.ndarray:
    """Half up (0.5 → 1, −0.5 → 0), as a bank's rulebook reads, not numpy's half-to-even."""
    return np.floor(np.asarray(x, dtype=np.float64) + 0.5)


@dataclass(frozen=True)
class PointsRow:
    feature: str
    bin: int
    label: str
    kind: str
    rows: int
    bad_rate: float | None
    woe: float
    coefficient: float
    raw: float  # points before rounding
    points: int


@dataclass(frozen=True)
class PointsTable:
    """Points per characteristic × bin; ``points(feature)`` indexed by bin number."""

    scale: PointsScale
    rows: tuple[PointsRow, ...]

    def points(self, feature: str) -> np.ndarray:
        return np.array([r.points for r in self.rows if r.feature == feature], dtype=np.float64)

    @property
    def features(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.feature for r in self.rows))

    def frame(self) -> pl.DataFrame:
        return pl.DataFrame([asdict(r) for r in self.rows], schema_overrides={"bad_rate": pl.Float64})

    @property
    def min_score(self) -> float:
        return float(self.scale.clip(np.array(sum(self.points(f).min() for f in self.features))))

    @property
    def max_score(self) -> float:
        return float(self.scale.clip(np.array(sum(self.points(f).max() for f in self.features))))


def points_table(
    features: Sequence[FeatureBins], intercept: float, coefficients: Sequence[float], scale: PointsScale
) -> PointsTable:
    """Points of every bin (see the module docstring for the formula)."""
    n = len(features)
    share = (scale.offset - scale.factor * intercept) / n if n else 0.0
    rows = []
    for fb, b in zip(features, coefficients, strict=True):
        raw = share - scale.factor * b * fb.woe
        pts = round_points(raw)
        for k, bin_ in enumerate(fb.table.bins):
            rows.append(
                PointsRow(fb.feature, k, bin_.label, bin_.kind, bin_.total, bin_.event_rate, float(fb.woe[k]), float(b),
                          float(raw[k]), int(pts[k]))
            )  # fmt: skip
    return PointsTable(scale, tuple(rows))


def score_from_codes(table: PointsTable, codes: Mapping[str, np.ndarray]) -> np.ndarray:
    """Total points of each row from its bin number per characteristic, floored/capped by the scale."""
    total = sum(table.points(f)[codes[f]] for f in table.features)
    return table.scale.clip(np.asarray(total, dtype=np.float64))


@dataclass(frozen=True)
class ScoreBands:
    """Grades 1 (highest scores) … n: inner cut points ascending, band k holds scores in [cut, next cut)."""

    edges: tuple[float, ...]

    @property
    def n(self) -> int:
        return len(self.edges) + 1

    def band(self, scores: np.ndarray) -> np.ndarray:
        above = np.searchsorted(np.asarray(self.edges, dtype=np.float64), np.asarray(scores, dtype=np.float64), "right")
        return (self.n - above).astype(np.int64)

    def bounds(self, band: int) -> tuple[float | None, float | None]:
        """(lowest score, first score above) of a band; None where open-ended."""
        k = self.n - band  # position among the ranges, lowest scores first
        lo = self.edges[k - 1] if k > 0 else None
        hi = self.edges[k] if k < len(self.edges) else None
        return lo, hi


def fit_bands(scores: np.ndarray, n: int = N_BANDS) -> ScoreBands:
    """Cut points at the 1/n … (n−1)/n quantiles of the training scores (ties collapse: maybe fewer bands)."""
    s = np.asarray(scores, dtype=np.float64)
    return ScoreBands(quantile_edges(s[~np.isnan(s)], n))


def band_table(bands: ScoreBands, scores: np.ndarray, y: np.ndarray | None = None) -> pl.DataFrame:
    """Rows, share and (with outcomes) events and bad rate per band, best band first."""
    band = bands.band(scores)
    rows = np.bincount(band, minlength=bands.n + 1)[1:]
    out: dict[str, Any] = {
        "band": list(range(1, bands.n + 1)),
        "score_from": [bands.bounds(k)[0] for k in range(1, bands.n + 1)],
        "score_to": [bands.bounds(k)[1] for k in range(1, bands.n + 1)],
        "rows": rows.tolist(),
        "share": (rows / max(1, rows.sum())).tolist(),
    }
    if y is not None:
        ev = np.bincount(band, weights=np.asarray(y, dtype=np.float64), minlength=bands.n + 1)[1:]
        out["events"] = ev.round().astype(np.int64).tolist()
        out["bad_rate"] = [float(e / r) if r else None for e, r in zip(ev, rows, strict=True)]
    return pl.DataFrame(
        out, schema_overrides={"score_from": pl.Float64, "score_to": pl.Float64, "bad_rate": pl.Float64}
    )


def score_distribution(scores: np.ndarray, y: np.ndarray, width: float = 20.0) -> pl.DataFrame:
    """Goods and bads per score bucket of ``width`` points (the histogram a validator draws)."""
    s = np.asarray(scores, dtype=np.float64)
    lo = np.floor(s / width) * width
    return (
        pl.DataFrame({"score_from": lo, "bad": np.asarray(y, dtype=np.int64)})
        .group_by("score_from")
        .agg(rows=pl.len(), bads=pl.col("bad").sum())
        .with_columns(goods=pl.col("rows") - pl.col("bads"))
        .sort("score_from")
    )


def reference(scores: np.ndarray, scale: PointsScale, n: int = N_BANDS) -> dict[str, Any]:
    """What scoring new data needs from training: the scale, the grade cut points and the training rows per
    grade (for the score PSI), as JSON."""
    bands = fit_bands(scores, n)
    rows = np.bincount(bands.band(scores), minlength=bands.n + 1)[1:]
    return {"scale": scale.to_dict(), "bands": list(bands.edges), "rows": rows.tolist()}
