"""Pairwise association between columns, on a stated sample: Pearson, Spearman, Cramér's V, correlation ratio.

Pairwise statistics are computed on a uniform sample of at most ``SAMPLE_ROWS`` rows (seeded, so the same
table gives the same numbers) and the result says how many rows were used. Ranks for Spearman are computed
once per column (average ranks over its non-missing values), then Pearson on ranks gives Spearman for every
pair from one matrix product. Missing values are dropped pair by pair (pairwise-complete); with missing
values on both sides, Spearman uses the column's own ranks rather than re-ranking the complete pairs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import polars as pl

from workbench.privacy.gate import MaskedTable
from workbench.profile.columns import TableProfile

SAMPLE_ROWS = 100_000
MAX_LEVELS = 50  # categoricals: top levels kept, the rest pooled as one "other" level
Method = Literal["pearson", "spearman", "cramers_v", "correlation_ratio"]


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    method: Method
    value: float  # Pearson/Spearman in [-1, 1]; Cramér's V and correlation ratio in [0, 1]


@dataclass(frozen=True)
class Correlations:
    rows: int  # rows of the table
    sample_size: int  # rows the statistics were computed on
    numeric: tuple[str, ...]
    pearson: tuple[tuple[float, ...], ...]
    spearman: tuple[tuple[float, ...], ...]
    categorical: tuple[str, ...]
    cramers_v: tuple[tuple[float, ...], ...]
    ratio: tuple[Pair, ...]  # numeric × categorical
    seconds: float = field(default=0.0, compare=False)

    @property
    def sampled(self) -> bool:
        return self.sample_size < self.rows

    def pairs(self) -> tuple[Pair, ...]:
        """Every pair once, strongest association first (absolute value)."""
        out: list[Pair] = []
        for m, name in ((self.pearson, "pearson"), (self.spearman, "spearman")):
            for i, a in enumerate(self.numeric):
                for j in range(i + 1, len(self.numeric)):
                    if not np.isnan(m[i][j]):
                        out.append(Pair(a, self.numeric[j], name, m[i][j]))  # type: ignore[arg-type]
        for i, a in enumerate(self.categorical):
            for j in range(i + 1, len(self.categorical)):
                if not np.isnan(self.cramers_v[i][j]):
                    out.append(Pair(a, self.categorical[j], "cramers_v", self.cramers_v[i][j]))
        out += [p for p in self.ratio if not np.isnan(p.value)]
        return tuple(sorted(out, key=lambda p: -abs(p.value)))

    def top_pairs(self, n: int = 20) -> tuple[Pair, ...]:
        """Strongest pairs, one row per column pair (the method with the largest absolute value)."""
        seen: set[frozenset[str]] = set()
        out = []
        for p in self.pairs():
            key = frozenset((p.a, p.b))
            if key not in seen:
                seen.add(key)
                out.append(p)
            if len(out) == n:
                break
        return tuple(out)


def _pairwise_corr(frame: pl.DataFrame) -> np.ndarray:
    """Pearson for every column pair of ``frame`` (null = missing), pairwise-complete, in one ``select``."""
    cols = frame.columns
    p = len(cols)
    r = np.eye(p)
    if p < 2:
        return r
    exprs = [pl.corr(cols[i], cols[j]).alias(f"{i}_{j}") for i in range(p) for j in range(i + 1, p)]
    row = frame.select(exprs).row(0)
    k = 0
    for i in range(p):
        for j in range(i + 1, p):
            v = row[k]
            r[i, j] = r[j, i] = np.nan if v is None else max(-1.0, min(1.0, v))
            k += 1
    return r


def _codes(series: pl.Series) -> tuple[np.ndarray, int]:
    """Integer codes 0..k-1 of the top ``MAX_LEVELS`` levels (others pooled), -1 for missing."""
    s = series.cast(pl.String)
    top = s.drop_nulls().value_counts(sort=True).head(MAX_LEVELS)[s.name]
    mapping = pl.DataFrame({s.name: top, "code": pl.int_range(len(top), eager=True, dtype=pl.Int64)})
    codes = s.to_frame().join(mapping, on=s.name, how="left", maintain_order="left")["code"]
    other = len(top)
    codes = pl.when(s.is_null()).then(-1).otherwise(codes.fill_null(other)).alias("c")
    arr = pl.select(codes).to_series().to_numpy().astype(np.int64)
    return arr, other + 1


def _cramers_v(a: np.ndarray, ka: int, b: np.ndarray, kb: int) -> float:
    """Cramér's V (no bias correction) from the contingency table of two coded columns (-1 = missing)."""
    keep = (a >= 0) & (b >= 0)
    n = int(keep.sum())
    if n == 0:
        return float("nan")
    table = np.bincount(a[keep] * kb + b[keep], minlength=ka * kb).reshape(ka, kb).astype(np.float64)
    table = table[table.sum(1) > 0][:, table.sum(0) > 0]
    r, c = table.shape
    if min(r, c) < 2:
        return float("nan")
    expected = table.sum(1, keepdims=True) * table.sum(0, keepdims=True) / n
    chi2 = float(((table - expected) ** 2 / expected).sum())
    return float(np.sqrt(chi2 / n / (min(r, c) - 1)))


def _correlation_ratios(sample: pl.DataFrame, cat: str, numeric: tuple[str, ...]) -> list[float]:
    """η of every numeric column against one categorical, from one ``group_by`` (0–1).

    η² = between-group sum of squares / total sum of squares, over rows where both values are present.
    """
    cols = [n for n in numeric if n != cat]
    if not cols:
        return []
    g = (
        sample.lazy()
        .filter(pl.col(cat).is_not_null())
        .group_by(pl.col(cat).cast(pl.String).alias("__g"))
        .agg(
            [pl.col(n).cast(pl.Float64).fill_nan(None).count().alias(f"n{i}") for i, n in enumerate(cols)]
            + [pl.col(n).cast(pl.Float64).fill_nan(None).sum().alias(f"s{i}") for i, n in enumerate(cols)]
            + [(pl.col(n).cast(pl.Float64).fill_nan(None) ** 2).sum().alias(f"q{i}") for i, n in enumerate(cols)]
        )
        .collect()
    )
    out = []
    for i in range(len(cols)):
        n_g, s_g = g[f"n{i}"].to_numpy().astype(np.float64), g[f"s{i}"].to_numpy()
        n, s, ss = n_g.sum(), s_g.sum(), g[f"q{i}"].sum()
        total = ss - s * s / n if n else 0.0
        if n < 3 or total <= 1e-12 * max(ss, 1.0):
            out.append(float("nan"))
            continue
        between = float(np.sum(np.where(n_g > 0, s_g * s_g / np.where(n_g > 0, n_g, 1), 0.0))) - s * s / n
        out.append(float(np.sqrt(min(1.0, max(0.0, between / total)))))
    return out


def correlations(
    table: MaskedTable, profile: TableProfile, *, sample_rows: int = SAMPLE_ROWS, seed: int = 0
) -> Correlations:
    """Associations between the table's numeric and categorical columns (kinds from ``profile``).

    Identifier-like, text and date columns take no part. Booleans count as categorical, and also as numeric
    0/1 when stored as numbers or booleans (a "Y"/"N" flag is categorical only).
    """
    t0 = time.perf_counter()
    frame = table.frame
    sample = frame.sample(sample_rows, seed=seed) if frame.height > sample_rows else frame
    schema = frame.schema
    numeric = tuple(
        c.name
        for c in profile.columns
        if c.distinct > 1
        and (
            c.kind == "numeric"
            or (c.kind == "boolean" and (schema[c.name].is_numeric() or schema[c.name] == pl.Boolean))
        )
    )
    categorical = tuple(c.name for c in profile.columns if c.kind in ("categorical", "boolean") and c.distinct > 1)
    if numeric:
        num = sample.select(pl.col(n).cast(pl.Float64).fill_nan(None) for n in numeric)
        ranks = num.select(pl.all().rank("average").cast(pl.Float64))
        pearson, spearman = _pairwise_corr(num), _pairwise_corr(ranks)
    else:
        pearson = spearman = np.empty((0, 0))
    codes = [_codes(sample[c]) for c in categorical]
    v = np.eye(len(categorical))
    for i in range(len(categorical)):
        for j in range(i + 1, len(categorical)):
            v[i, j] = v[j, i] = _cramers_v(*codes[i], *codes[j])
    ratio_list = []
    for c in categorical:
        etas = _correlation_ratios(sample, c, numeric)
        ratio_list += [
            Pair(n, c, "correlation_ratio", e) for n, e in zip([n for n in numeric if n != c], etas, strict=True)
        ]
    ratio = tuple(ratio_list)

    def tup(m: np.ndarray) -> tuple[tuple[float, ...], ...]:
        return tuple(tuple(float(y) for y in row) for row in m)

    return Correlations(
        rows=frame.height,
        sample_size=sample.height,
        numeric=numeric,
        pearson=tup(pearson),
        spearman=tup(spearman),
        categorical=categorical,
        cramers_v=tup(v),
        ratio=ratio,
        seconds=time.perf_counter() - t0,
    )


def available_methods(corr: Correlations) -> tuple[str, ...]:
    """The matrices ``corr`` holds, in display order: Pearson and Spearman need two numeric columns,
    Cramér's V two categorical ones."""
    offered = (("pearson", corr.numeric), ("spearman", corr.numeric), ("cramers_v", corr.categorical))
    return tuple(m for m, ok in offered if ok)
