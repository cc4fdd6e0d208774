"""Score candidate features against the target: IV, univariate AUC and KS, missing rate, PSI over periods.

Everything is derived from counts. Each feature is binned once (deciles of the non-missing values for
numbers, the most frequent categories plus "other" for text; missing always gets its own bin, so a 9999
"unknown" code never hides inside a numeric bin), and the per-bin bad/good counts give WOE and IV. A bin
with no bads or no goods gets 0.5 added to both counts to keep the log finite; ``FeatureScore.smoothed``
says when that happened. AUC and KS use the raw values (ranks), missing rows excluded; AUC is reported
oriented (≥ 0.5) with ``direction`` telling whether high values mean more or fewer defaults.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from workbench.features.transforms import quantile_edges

MISSING_BIN = -1
SMOOTHING = 0.5
LEAK_AUC = 0.9
LEAK_IV = 0.5
MIN_PERIOD_ROWS = 50


@dataclass(frozen=True)
class Binning:
    """How a feature is cut: inner ``edges`` for numbers (bin i holds edges[i-1] < x <= edges[i]) or
    ``categories`` for text (the rest is one "other" bin). Missing is bin -1."""

    kind: str  # "numeric" | "categorical"
    edges: tuple[float, ...] = ()
    categories: tuple[str, ...] = ()

    def labels(self) -> list[str]:
        if self.kind == "categorical":
            return [*self.categories, "other"]
        bounds = ["-inf", *(f"{e:,.4g}" for e in self.edges), "inf"]
        return [f"({lo}, {hi}]" for lo, hi in itertools.pairwise(bounds)]

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

    @property
    def leakage_suspect(self) -> bool:
        """Too good to be true for one variable: usually recorded after the outcome (LEAK_AUC, LEAK_IV)."""
        return (self.auc is not None and self.auc > LEAK_AUC) or self.iv > LEAK_IV


def make_binning(values: pl.Series, bins: int = 10, max_categories: int = 20) -> Binning:
    dtype = values.dtype
    if dtype.is_numeric() or dtype == pl.Boolean:
        return Binning("numeric", edges=quantile_edges(values.cast(pl.Float64), bins))
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


def auc_ks(values: pl.Series, target: pl.Series) -> tuple[float | None, int, float | None]:
    """Mann-Whitney AUC (ties count half) and KS on the raw values; ``None`` when a class is absent."""
    df = pl.DataFrame({"x": values, "y": target}).drop_nulls()
    if df.schema["x"] == pl.String or isinstance(df.schema["x"], pl.Categorical | pl.Enum):
        rates = df.group_by("x").agg(pl.col("y").mean().alias("r"))
        df = df.join(rates, on="x").select(pl.col("r").alias("x"), "y")
    else:
        df = df.with_columns(pl.col("x").cast(pl.Float64)).filter(pl.col("x").is_not_nan())
    n1 = int(df["y"].sum())
    n0 = df.height - n1
    if n1 == 0 or n0 == 0:
        return None, 0, None
    ranks = df["x"].rank("average")
    auc = (float(ranks.filter(df["y"] == 1).sum()) - n1 * (n1 + 1) / 2) / (n1 * n0)
    cum = (
        df.group_by("x")
        .agg(b=pl.col("y").sum(), g=(1 - pl.col("y")).sum())
        .sort("x")
        .select((pl.col("b").cum_sum() / n1 - pl.col("g").cum_sum() / n0).abs().max())
        .item()
    )
    direction = 1 if auc >= 0.5 else -1
    return max(auc, 1 - auc), direction, float(cum)


def psi(expected: Sequence[float], actual: Sequence[float]) -> float:
    """Population stability index between two bin distributions (counts); empty bins get 0.5."""
    e = [c if c > 0 else SMOOTHING for c in expected]
    a = [c if c > 0 else SMOOTHING for c in actual]
    te, ta = sum(e), sum(a)
    return sum((x / ta - y / te) * math.log((x / ta) / (y / te)) for y, x in zip(e, a, strict=True))


def period_psi(values: pl.Series, periods: pl.Series, bins: int = 10) -> float | None:
    """Largest PSI of any later period against the first, on deciles of the first period.

    Periods with fewer than ``MIN_PERIOD_ROWS`` rows are skipped: their PSI is noise, not drift.
    """
    df = pl.DataFrame({"x": values, "p": periods}).filter(pl.col("p").is_not_null())
    sizes = df.group_by("p").len().filter(pl.col("len") >= MIN_PERIOD_ROWS).sort("p")
    if sizes.height < 2:
        return None
    order = sizes["p"].to_list()
    ref = df.filter(pl.col("p") == order[0])["x"]
    binning = make_binning(ref, bins)
    idx = binning.assign(df["x"])
    counts = pl.DataFrame({"bin": idx, "p": df["p"]}).group_by("p", "bin").len()
    all_bins = sorted(set(counts["bin"].to_list()))

    def dist(p) -> list[float]:
        c = dict(counts.filter(pl.col("p") == p).select("bin", "len").iter_rows())
        return [float(c.get(b, 0)) for b in all_bins]

    reference = dist(order[0])
    return max(psi(reference, dist(p)) for p in order[1:])


def score_feature(values: pl.Series, target: pl.Series, periods: pl.Series | None = None) -> FeatureScore:
    binning = make_binning(values)
    idx = binning.assign(values)
    counts = _bin_counts(idx, target)
    woe, iv, smoothed = woe_iv(counts)
    labels = binning.labels()
    stats = tuple(
        BinStat(bin=b, label="missing" if b == MISSING_BIN else labels[b], n=n, bad=bad, woe=w)
        for (b, n, bad), w in zip(counts.iter_rows(), woe, strict=True)
    )
    auc, direction, ks = auc_ks(values, target)
    return FeatureScore(
        name=values.name,
        iv=iv,
        auc=auc,
        direction=direction,
        ks=ks,
        missing=values.null_count() / max(values.len(), 1),
        psi=period_psi(values, periods) if periods is not None else None,
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
    y = df[target].cast(pl.Int64)
    periods = None
    if period:
        col = df[period]
        if col.dtype == pl.Date:
            col = col.cast(pl.Datetime("us"))
        periods = col.dt.truncate(every)
    return tuple(score_feature(df[n], y, periods) for n in names)


def woe_encode(values: pl.Series, score: FeatureScore) -> pl.Series:
    """Values replaced by their bin's WOE: a numeric, monotone-in-risk view for correlations."""
    idx = score.binning.assign(values)
    mapping = {s.bin: s.woe for s in score.bins}
    return idx.replace_strict(list(mapping), list(mapping.values()), default=0.0, return_dtype=pl.Float64)
