"""Monitoring a deployed model: is the population it scores still the one it was built on, and does it still rank?

* **Score PSI**: the new rows' shares per grade against the training sample's (grades are fixed at training).
* **Characteristic stability (CSI)**: the same PSI per characteristic over its scorecard bins, plus the
  characteristic analysis a validator reads beside it: Σ (new share − training share) × points, the points
  the average applicant gained (+) or lost (−) through that characteristic alone.
* **Bad rate by grade per vintage** once outcomes arrive: rows, bads and bad rate per application month × grade.
* **Champion and challenger**: two runs on the same new rows: how often they agree on the grade, the rank
  correlation of their scores, and (with outcomes) AUC and KS of each.

PSI and its bands are the profile's (``profile.stability``: < 0.1 stable, 0.1–0.25 shifting, > 0.25 major), so
the Profile page and the monitoring call the same shift by the same name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl

from workbench.model.metrics import binary_metrics
from workbench.model.points import PointsTable, ScoreBands
from workbench.profile.stability import PSIBand, psi, psi_band


@dataclass(frozen=True)
class Drift:
    """PSI of the score (over grades) or of one characteristic (over its bins) against the training sample."""

    name: str
    kind: Literal["score", "characteristic"]
    psi: float
    points_shift: float | None = None  # characteristics of a scorecard: Σ (new − training share) × points

    @property
    def band(self) -> PSIBand:
        return psi_band(self.psi) if np.isfinite(self.psi) else "stable"

    @property
    def major(self) -> bool:
        """Beyond PSI 0.25: the population moved; the score may no longer mean what it meant."""
        return self.band == "major"


def score_drift(bands: ScoreBands, reference_rows: Sequence[int], scores: np.ndarray) -> Drift:
    """Score PSI over the grades fixed at training (``reference_rows``: training rows per grade, best first)."""
    now = np.bincount(bands.band(scores), minlength=bands.n + 1)[1:]
    return Drift("score", "score", psi(np.asarray(reference_rows), now))


def characteristic_drift(
    feature: str, reference_rows: Sequence[int], codes: np.ndarray, points: PointsTable | None = None
) -> Drift:
    """CSI of one characteristic over its bins (``reference_rows``: training rows per bin)."""
    ref = np.asarray(reference_rows, dtype=np.float64)
    now = np.bincount(codes, minlength=len(ref)).astype(np.float64)
    shift = None
    if points is not None and ref.sum() and now.sum():
        shift = float(((now / now.sum() - ref / ref.sum()) * points.points(feature)).sum())
    return Drift(feature, "characteristic", psi(ref, now), shift)


def vintage_bad_rates(vintage: pl.Series, band: np.ndarray, outcome: np.ndarray, *, every: str = "1mo") -> pl.DataFrame:
    """Rows, bads and bad rate per vintage (``every`` of the date ``vintage``) × grade; rows without an outcome
    (null) are left out, since their loans have not matured yet."""
    frame = pl.DataFrame({"vintage": vintage, "band": band, "bad": outcome}).drop_nulls("bad")
    if frame.schema["vintage"].is_temporal():
        frame = frame.with_columns(pl.col("vintage").dt.truncate(every))
    return (
        frame.group_by("vintage", "band")
        .agg(rows=pl.len(), bads=pl.col("bad").cast(pl.Int64).sum())
        .with_columns(bad_rate=pl.col("bads") / pl.col("rows"))
        .sort("vintage", "band")
    )


def _risk(score: np.ndarray) -> np.ndarray:
    """Scores (higher = safer) as a rank in (0, 1) that rises with risk: AUC and KS depend on the order only."""
    order = pl.Series(-score).rank("average").to_numpy()
    return order / (len(order) + 1)


@dataclass(frozen=True)
class Challenge:
    """Two runs on the same rows. ``crosstab``: rows per (champion grade, challenger grade)."""

    champion: str
    challenger: str
    rows: int
    same_band: float  # share of rows both put in the same grade
    rank_correlation: float  # Spearman of the two scores
    crosstab: pl.DataFrame
    auc: tuple[float, float] | None = None  # with outcomes: (champion, challenger)
    ks: tuple[float, float] | None = None


def champion_challenger(
    champion: tuple[str, np.ndarray, np.ndarray],
    challenger: tuple[str, np.ndarray, np.ndarray],
    outcome: np.ndarray | None = None,
) -> Challenge:
    """``(name, score, band)`` of each run on the same rows; higher scores are better (fewer events)."""
    (na, sa, ba), (nb, sb, bb) = champion, challenger
    ranks = pl.DataFrame({"a": sa, "b": sb}).select(pl.corr("a", "b", method="spearman")).item()
    crosstab = (
        pl.DataFrame({"champion_band": ba, "challenger_band": bb})
        .group_by("champion_band", "challenger_band")
        .agg(rows=pl.len())
        .sort("champion_band", "challenger_band")
    )
    auc = ks = None
    if outcome is not None:
        known = ~np.isnan(np.asarray(outcome, dtype=np.float64))
        y = np.asarray(outcome, dtype=np.float64)[known].astype(np.int64)
        ma, mb = (binary_metrics(y, _risk(np.asarray(s, dtype=np.float64)[known]), 0.5) for s in (sa, sb))
        auc, ks = (ma.auc, mb.auc), (ma.ks, mb.ks)
    return Challenge(
        na, nb, len(sa), float(np.mean(np.asarray(ba) == np.asarray(bb))), float(ranks or 0.0), crosstab, auc, ks
    )
