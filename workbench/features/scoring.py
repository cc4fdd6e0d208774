"""Score candidate features against the target: IV, univariate AUC and KS, missing rate, PSI over periods.

Everything is derived from counts. Each feature is binned once (deciles of the non-missing values for
numbers, the most frequent categories plus "other" for text; missing always gets its own bin, and so does
each special code ``workbench.signals.codes`` finds, so a 9999 "unknown" never hides inside a numeric
bin), and the per-bin bad/good counts give WOE and IV. A bin with no bads or no goods gets 0.5 added to
both counts to keep the log finite; ``FeatureScore.smoothed`` says when that happened. AUC and KS use the
raw values (ranks), missing rows excluded; AUC is reported oriented (≥ 0.5) with ``direction`` telling
whether high values mean more or fewer defaults.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from workbench.features.target import target_coding
from workbench.features.transforms import quantile_edges
from workbench.profile.stability import psi_null
from workbench.signals import codes, leakage

MISSING_BIN = -1
SMOOTHING = 0.5
MIN_PERIOD_ROWS = 50


@dataclass(frozen=True)
class Binning:
    """How a feature is cut: inner ``edges`` for numbers (bin i holds edges[i-1] < x <= edges[i]) or
    ``categories`` for text (the rest is one "other" bin). Missing is bin -1."""

    kind: str  # "numeric" | "categorical"
    edges: tuple[float, ...] = ()
    categories: tuple[str, ...] = ()
    specials: tuple[float, ...] = ()  # special codes (``workbench.signals.codes``), one bin each after the ranges

    def labels(self) -> list[str]:
        if self.kind == "categorical":
            return [*self.categories, "other"]
        bounds = ["-inf", *(f"{e:,.4g}" for e in self.edges), "inf"]
        return [f"({lo}, {hi}]" for lo, hi in itertools.pairwise(bounds)] + [f"= {c:g}" for c in self.specials]

    def _special_bins(self, x: pl.Series, idx: pl.Series) -> pl.Series:
        first = len(self.edges) + 1
        for k, code in enumerate(self.specials):
            idx = pl.select(pl.when(x == code).then(first + k).otherwise(idx)).to_series()
        return idx

    def assign(self, values: pl.Series) -> pl.Series:
        if self.kind == "categorical":
            text = values.cast(pl.String)
            idx = text.replace_strict(list(self.categories), list(range(len(self.categories))), default=None)
            idx = idx.cast(pl.Int64).fill_null(len(self.categories))
            return pl.select(pl.when(text.is_null()).then(MISSING_BIN).otherwise(idx)).to_series()
        x = values.cast(pl.Float64)
        idx = pl.repeat(0, x.len(), dtype=pl.Int64, eager=True)
        for e in self.edges:
            idx = idx + (x > e).cast(pl.Int64)
        idx = self._special_bins(x, idx)
        return pl.select(pl.when(x.is_null() | x.is_nan()).then(MISSING_BIN).otherwise(idx)).to_series()


@dataclass(frozen=True)
class BinStat:
    bin: int  # -1 = missing
    label: str
    n: int
    bad: int
    woe: float

    @property
    def bad_rate(self) -> float | None:
        return self.bad / self.n if self.n else None


@dataclass(frozen=True)
class FeatureScore:
    name: str
    iv: float
    auc: float | None
    direction: int  # +1: higher values, more defaults; -1: fewer; 0: unknown
    ks: float | None
    missing: float
    psi: float | None
    distinct: int
    bins: tuple[BinStat, ...]
    binning: Binning
    smoothed: bool
    psi_null: float | None = None  # the PSI chance alone reaches at these period sizes (``psi_null``)

    def unstable(self, max_psi: float) -> bool:
        """Shifted more than ``max_psi`` and more than random period assignment would at these sizes."""
        return self.psi is not None and self.psi > max(max_psi, self.psi_null or 0.0)

    @property
    def leakage(self) -> leakage.LeakageGrade:
        """The grade ``workbench.signals.leakage`` gives these numbers, as the profile would."""
        return leakage.grade(
            self.name,
            iv=self.iv,
            auc=self.auc,
            events=sum(b.bad for b in self.bins),
            copy_share=leakage.copy_share((b.bad, b.n - b.bad) for b in self.bins),
        )

    @property
    def leakage_suspect(self) -> bool:
        """Evidence of leakage (IV ≥ 1, AUC ≥ 0.9 on ≥ 30 events, a copy of the target): not selected."""
        return self.leakage.suspect

    @property
    def strong_predictor(self) -> bool:
        """0.5 ≤ IV < 1 without evidence of leakage: selected, with a reviewer asked to confirm its timing."""
        return self.leakage.code == leakage.STRONG


def make_binning(values: pl.Series, bins: int = 10, max_categories: int = 20) -> Binning:
    dtype = values.dtype
    if dtype.is_numeric() or dtype == pl.Boolean:
        x = values.cast(pl.Float64)
        specials = tuple(c.value for c in codes.of_series(values)) if dtype != pl.Boolean else ()
        rest = x.filter(~x.is_in(list(specials))) if specials else x
        return Binning("numeric", edges=quantile_edges(rest, bins), specials=specials)
    counts = values.cast(pl.String).drop_nulls().value_counts(sort=True)
    cats = counts.get_column(counts.columns[0]).head(max_categories).to_list()
    return Binning("categorical", categories=tuple(str(c) for c in cats))


def _bin_counts(bin_idx: pl.Series, target: pl.Series) -> pl.DataFrame:
    return (
        pl.DataFrame({"bin": bin_idx, "y": target})
        .group_by("bin")
        .agg(n=pl.len(), bad=pl.col("y").sum().cast(pl.Int64))
        .sort("bin")
    )


def woe_iv(counts: pl.DataFrame) -> tuple[list[float], float, bool]:
    """WOE per bin (ln of bad share over good share) and IV; empty cells get 0.5 (see module docstring)."""
    raw_bad = counts["bad"].to_list()
    raw_good = [n - b for n, b in zip(counts["n"].to_list(), raw_bad, strict=True)]
    pad = [SMOOTHING if (b == 0 or g == 0) else 0.0 for b, g in zip(raw_bad, raw_good, strict=True)]
    bad = [b + p for b, p in zip(raw_bad, pad, strict=True)]
    good = [g + p for g, p in zip(raw_good, pad, strict=True)]
    smoothed = any(pad)
    tb, tg = sum(bad), sum(good)
    if tb == 0 or tg == 0:
        return [0.0] * len(bad), 0.0, smoothed
    woe = [math.log((b / tb) / (g / tg)) for b, g in zip(bad, good, strict=True)]
    iv = sum((b / tb - g / tg) * w for b, g, w in zip(bad, good, woe, strict=True))
    return woe, iv, smoothed


def _as_float(values: pl.Series, target: pl.Series) -> np.ndarray:
    """Numbers as float64 (missing → NaN); text mapped to its category's bad rate (in-sample)."""
    if values.dtype.is_numeric() or values.dtype == pl.Boolean:
        return values.cast(pl.Float64).fill_null(float("nan")).to_numpy()
    df = pl.DataFrame({"x": values.cast(pl.String), "y": target})
    return (
        df.with_columns(pl.col("y").mean().over("x").alias("r"))
        .select(pl.when(pl.col("x").is_null()).then(None).otherwise(pl.col("r")))
        .to_series()
        .cast(pl.Float64)
        .fill_null(float("nan"))
        .to_numpy()
    )


def auc_ks(values: pl.Series, target: pl.Series) -> tuple[float | None, int, float | None]:
    """Mann-Whitney AUC (ties count half) and KS on the raw values; ``None`` when a class is absent.

    One sort of the non-missing values gives both: average ranks per distinct value for the AUC and the
    cumulative bad/good shares for the KS.
    """
    x = _as_float(values, target)
    y = target.cast(pl.Int64).to_numpy()
    keep = ~np.isnan(x)
    x, y = x[keep], y[keep]
    n1 = int(y.sum())
    n0 = x.size - n1
    if n1 == 0 or n0 == 0:
        return None, 0, None
    uniq, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    avg_rank = np.cumsum(counts) - (counts - 1) / 2.0
    bad = np.bincount(inverse, weights=y, minlength=uniq.size)
    auc = (float((avg_rank * bad).sum()) - n1 * (n1 + 1) / 2) / (n1 * n0)
    good = counts - bad
    ks = float(np.abs(np.cumsum(bad) / n1 - np.cumsum(good) / n0).max())
    direction = 1 if auc >= 0.5 else -1
    return max(auc, 1 - auc), direction, ks


def psi(expected: Sequence[float], actual: Sequence[float]) -> float:
    """Population stability index of two count vectors over the same bins.

    The profile's definition (``workbench.profile.stability.psi``) so the Profile and Features pages agree:
    bins empty in both periods are dropped, a bin empty in one period gets 0.5.
    """
    from workbench.profile.stability import psi as profile_psi

    return profile_psi(np.asarray(expected, dtype=float), np.asarray(actual, dtype=float))


def _period_codes(periods: pl.Series) -> tuple[np.ndarray, int]:
    """Periods as 0, 1, 2… in time order (-1 = none or too small to compare), and how many there are.

    Periods with fewer than ``MIN_PERIOD_ROWS`` rows are left out: their PSI is noise, not drift.
    """
    sizes = periods.drop_nulls().value_counts().filter(pl.col("count") >= MIN_PERIOD_ROWS).sort(periods.name)
    order = sizes[periods.name].to_list()
    codes = periods.replace_strict(order, list(range(len(order))), default=-1, return_dtype=pl.Int64)
    return codes.to_numpy(), len(order)


def period_psi(values: pl.Series, periods: pl.Series, bins: int = 10) -> float | None:
    """Largest PSI of any later period against the first, on deciles of the first period."""
    codes, n = _period_codes(periods)
    return _period_psi(values, codes, n, bins)[0]


def _period_psi(
    values: pl.Series, codes: np.ndarray, n_periods: int, bins: int = 10
) -> tuple[float | None, float | None]:
    """(largest PSI of a later period against the first, the ``psi_null`` of that period's sizes)."""
    if n_periods < 2:
        return None, None
    binning = make_binning(values.filter(pl.Series(codes == 0)), bins)
    idx = _codes(values, binning) + 1  # 0 = missing
    width = int(idx.max()) + 1 if idx.size else 1
    keep = codes >= 0
    table = np.zeros((n_periods, width))
    np.add.at(table, (codes[keep], idx[keep]), 1)
    worst: tuple[float | None, float | None] = (None, None)
    for p in range(1, n_periods):
        value = psi(table[0], table[p])
        if math.isfinite(value) and (worst[0] is None or value > worst[0]):
            used = int(((table[0] > 0) | (table[p] > 0)).sum())
            worst = (value, psi_null(used, table[0].sum(), table[p].sum(), n_periods - 1))
    return worst


def _codes(values: pl.Series, binning: Binning) -> np.ndarray:
    """Bin index per row (-1 = missing) as numpy: ``searchsorted`` on the edges for numbers."""
    if binning.kind == "categorical":
        return binning.assign(values).to_numpy()
    x = values.cast(pl.Float64).fill_null(float("nan")).to_numpy()
    idx = np.searchsorted(np.asarray(binning.edges, dtype=float), x, side="left")
    for k, code in enumerate(binning.specials):
        idx = np.where(x == code, len(binning.edges) + 1 + k, idx)
    return np.where(np.isnan(x), MISSING_BIN, idx)


def score_feature(values: pl.Series, target: pl.Series, periods: pl.Series | None = None) -> FeatureScore:
    codes, n_periods = _period_codes(periods) if periods is not None else (None, 0)
    return _score(values, target, codes, n_periods)


def _score(values: pl.Series, target: pl.Series, codes: np.ndarray | None, n_periods: int) -> FeatureScore:
    binning = make_binning(values)
    idx = _codes(values, binning)
    y = target.cast(pl.Int64).to_numpy()
    present = np.unique(idx)
    n = np.bincount(idx + 1, minlength=int(present.max()) + 2)
    bad = np.bincount(idx + 1, weights=y, minlength=n.size)
    counts = pl.DataFrame(
        {"bin": present, "n": n[present + 1].astype(np.int64), "bad": bad[present + 1].astype(np.int64)}
    )
    woe, iv, smoothed = woe_iv(counts)
    labels = binning.labels()
    stats = tuple(
        BinStat(bin=b, label="missing" if b == MISSING_BIN else labels[b], n=n, bad=bad, woe=w)
        for (b, n, bad), w in zip(counts.iter_rows(), woe, strict=True)
    )
    auc, direction, ks = auc_ks(values, target)
    drift = _period_psi(values, codes, n_periods) if codes is not None else (None, None)
    return FeatureScore(
        name=values.name,
        iv=iv,
        auc=auc,
        direction=direction,
        ks=ks,
        missing=values.null_count() / max(values.len(), 1),
        psi=drift[0],
        psi_null=drift[1],
        distinct=values.n_unique(),
        bins=stats,
        binning=binning,
        smoothed=smoothed,
    )


def score_features(
    frame: pl.DataFrame, names: Sequence[str], target: str, *, period: str | None = None, every: str = "1q"
) -> tuple[FeatureScore, ...]:
    """One score per feature, in ``names`` order. ``period`` (the cutoff column) is cut into ``every``
    periods (polars duration, a quarter by default) for PSI. Rows with a missing target are left out."""
    df = frame.filter(pl.col(target).is_not_null())
    y = df.select(target_coding(df.get_column(target)).expr().cast(pl.Int64)).to_series()
    codes, n_periods = None, 0
    if period:
        col = df[period]
        if col.dtype == pl.Date:
            col = col.cast(pl.Datetime("us"))
        codes, n_periods = _period_codes(col.dt.truncate(every))
    return tuple(_score(df[n], y, codes, n_periods) for n in names)


def woe_encode(values: pl.Series, score: FeatureScore) -> pl.Series:
    """Values replaced by their bin's WOE: a numeric, monotone-in-risk view for correlations."""
    idx = score.binning.assign(values)
    mapping = {s.bin: s.woe for s in score.bins}
    return idx.replace_strict(list(mapping), list(mapping.values()), default=0.0, return_dtype=pl.Float64)
