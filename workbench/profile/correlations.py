"""Pairwise association between columns, on a stated sample: Pearson, Spearman, Cramér's V, correlation ratio.

Pairwise statistics are computed on a uniform sample of at most ``SAMPLE_ROWS`` rows (seeded, so the same
table gives the same numbers) and the result says how many rows were used: every statistic here costs in
proportion to it. On the 1M-row benchmark table, 50k rows against 200k move Pearson and Spearman by at most
0.014 and η and Cramér's V by at most 0.024 (their noise floor, about √((levels − 1) / n), is what moves); the
alerts start at 0.9. Ranks for Spearman are computed once per column (average ranks over its non-missing
values), then Pearson on ranks gives Spearman for every pair from one matrix product. Missing values are
dropped pair by pair (pairwise-complete); with missing values on both sides, Spearman uses the column's own
ranks rather than re-ranking the complete pairs.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import polars as pl
from scipy import sparse
from threadpoolctl import threadpool_limits

from workbench.io.table import sample_positions
from workbench.privacy.gate import MaskedTable
from workbench.profile.columns import PAIR_SAMPLE, TableProfile

SAMPLE_ROWS = PAIR_SAMPLE  # 50k: standard error of r under 1/√n = 0.0045
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


def _centred(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each column of ``x`` (NaN = missing) minus the mean of its present values, 0 where absent (so it adds
    nothing to sums); and where values are present."""
    present = ~np.isnan(x)
    centred = np.where(present, x, 0.0)
    centred -= centred.sum(0) / np.maximum(present.sum(0), 1)
    np.copyto(centred, 0.0, where=~present)
    return centred, present


def _pairwise_corr(centred: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Pearson for every column pair (``_centred`` columns), pairwise-complete, from five matrix products:
    per pair, the sums over the rows where both values are present.

    Columns are centred on their own mean first, so the sums of squares do not cancel for large amounts
    (KRW balances in the billions). A pair with fewer than two complete rows or no spread is NaN.
    """
    p = centred.shape[1]
    if p < 2:
        return np.eye(p)
    m = present.astype(np.float64)
    n = m.T @ m
    sx = centred.T @ m  # sx[i, j]: sum of column i over rows where i and j are both present
    sxx = (centred * centred).T @ m
    sxy = centred.T @ centred
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = sxy - sx * sx.T / n
        var_a = sxx - sx * sx / n
        var_b = var_a.T
        r = cov / np.sqrt(var_a * var_b)
    spread = (var_a > 1e-12 * np.maximum(sxx, 1.0)) & (var_b > 1e-12 * np.maximum(sxx.T, 1.0))
    r = np.where((n >= 2) & spread, np.clip(r, -1.0, 1.0), np.nan)
    np.fill_diagonal(r, 1.0)
    return r


def _codes(sample: pl.DataFrame, categorical: tuple[str, ...]) -> list[tuple[np.ndarray, int]]:
    """Integer codes 0..k-1 of each categorical's top ``MAX_LEVELS`` levels (the rest pooled as level k-1
    when there is a rest), -1 for missing: two ``select``s over every column at once."""
    if not categorical:
        return []
    text = [pl.col(c).cast(pl.String) for c in categorical]
    tops = sample.select(
        t.drop_nulls().value_counts(sort=True).struct.field(c).head(MAX_LEVELS).implode()
        for c, t in zip(categorical, text, strict=True)
    ).row(0)
    levels = [len(top) for top in tops]
    coded = sample.select(
        pl.when(t.is_null())
        .then(-1)
        .otherwise(t.replace_strict(top, list(range(len(top))), default=len(top), return_dtype=pl.Int32))
        .alias(c)
        for c, t, top in zip(categorical, text, tops, strict=True)
    )
    out = []
    for c, k in zip(categorical, levels, strict=True):
        arr = coded[c].to_numpy().astype(np.int64)
        out.append((arr, k + 1 if (arr == k).any() else k))
    return out


def _cramers_matrix(coded: list[tuple[np.ndarray, int]]) -> np.ndarray:
    """Cramér's V (no bias correction) of every pair of coded columns, over the rows where both are
    present: missing becomes one more level, counted in the contingency table and then dropped, so no
    pair filters its rows."""
    p = len(coded)
    out = np.eye(p)
    shifted = [(np.where(c >= 0, c, k).astype(np.int64), k) for c, k in coded]
    for i in range(p):
        a, ka = shifted[i]
        for j in range(i + 1, p):
            b, kb = shifted[j]
            table = np.bincount(a * (kb + 1) + b, minlength=(ka + 1) * (kb + 1)).reshape(ka + 1, kb + 1)
            out[i, j] = out[j, i] = _cramers_v(table[:ka, :kb].astype(np.float64))
    return out


def _cramers_v(table: np.ndarray) -> float:
    """Cramér's V of one contingency table (empty rows and columns dropped); NaN under 2 × 2."""
    n = table.sum()
    if n == 0:
        return float("nan")
    table = table[table.sum(1) > 0][:, table.sum(0) > 0]
    r, c = table.shape
    if min(r, c) < 2:
        return float("nan")
    expected = table.sum(1, keepdims=True) * table.sum(0, keepdims=True) / n
    chi2 = float(((table - expected) ** 2 / expected).sum())
    return float(np.sqrt(chi2 / n / (min(r, c) - 1)))


def _correlation_ratios(centred: np.ndarray, present: np.ndarray, coded: list[tuple[np.ndarray, int]]) -> np.ndarray:
    """η of every numeric column (``_centred``) against every coded categorical (-1 = missing): a
    categoricals × columns array, 0–1.

    η² = between-group sum of squares / total sum of squares, over rows where both values are present.
    Every categorical's levels, and one more slot for its missing rows, become columns of one sparse one-hot
    matrix with exactly one entry per categorical in every row (built as CSR directly, nothing to sort), so
    the per-level counts and sums of all numeric columns come from one sparse product (counts only for
    columns with missing values; the others share the level sizes). A categorical's total sum of squares is
    the column's minus that of its missing rows, so squares need no per-level product. Fewer than three rows
    or no spread gives NaN.
    """
    m, p = centred.shape
    if not coded or p == 0:
        return np.empty((len(coded), p))
    widths = [k + 1 for _c, k in coded]  # the levels, then the missing slot
    offsets = np.cumsum([0, *widths])
    slots = np.empty((m, len(coded)), dtype=np.int32)
    for i, (c, k) in enumerate(coded):
        slots[:, i] = np.where(c >= 0, c, k) + offsets[i]
    onehot = sparse.csr_matrix(
        (np.ones(slots.size), slots.ravel(), np.arange(0, slots.size + 1, len(coded))), shape=(m, offsets[-1])
    )
    gaps = ~present.all(0)  # columns with missing values need their own per-level counts
    s_g = np.asarray(onehot.T @ centred)  # slots × columns
    n_g = np.repeat(np.bincount(slots.ravel(), minlength=offsets[-1]).astype(np.float64)[:, None], p, axis=1)
    if gaps.any():
        n_g[:, gaps] = np.asarray(onehot.T @ present[:, gaps].astype(np.float64))
    squares = (centred * centred).sum(0)
    out = np.full((len(coded), p), np.nan)
    for i, (c, k) in enumerate(coded):
        lo, hi = offsets[i], offsets[i] + k  # the levels, without the missing slot
        missing = np.flatnonzero(c < 0)
        ss = squares - (centred[missing] ** 2).sum(0) if missing.size else squares
        n, s = n_g[lo:hi].sum(0), s_g[lo:hi].sum(0)
        with np.errstate(invalid="ignore", divide="ignore"):
            total = ss - s * s / n
            between = (s_g[lo:hi] ** 2 / np.where(n_g[lo:hi] > 0, n_g[lo:hi], 1.0)).sum(0) - s * s / n
            eta = np.sqrt(np.clip(between / total, 0.0, 1.0))
        out[i] = np.where((n >= 3) & (total > 1e-12 * np.maximum(ss, 1.0)), eta, np.nan)
    return out


def correlations(
    table: MaskedTable,
    profile: TableProfile,
    *,
    sample_rows: int = SAMPLE_ROWS,
    seed: int = 0,
    sample: pl.DataFrame | None = None,
) -> Correlations:
    """Associations between the table's numeric and categorical columns (kinds from ``profile``).

    ``sample``: a seeded uniform row sample already taken (``scan_columns`` gathers one while it reads the
    table); a random ``sample_rows`` of it is used, so a table on disk is not read again.

    Identifier-like, text and date columns take no part. Booleans count as categorical, and also as numeric
    0/1 when stored as numbers or booleans (a "Y"/"N" flag is categorical only).
    """
    t0 = time.perf_counter()
    if sample is None:
        sample = table.sample_rows(sample_rows, seed=seed)
    elif sample.height > sample_rows:
        sample = sample[sample_positions(sample.height, sample_rows, seed=seed)]
    schema = sample.schema
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
    specials = {c.name: [s.value for s in c.special_codes] for c in profile.columns if c.special_codes}
    with threadpool_limits(1, user_api="blas"):
        return _associations(table.height, sample, numeric, categorical, t0, specials)


def _number(name: str, specials: dict[str, list[float]]) -> pl.Expr:
    """A numeric column as floats with NaN and its special codes (``workbench.signals.codes``) as missing:
    a -1 "never contacted" on 82 % of rows would otherwise make the correlation."""
    x = pl.col(name).cast(pl.Float64).fill_nan(None)
    if name not in specials:
        return x
    return pl.when(x.is_in(specials[name])).then(None).otherwise(x).alias(name)


def _associations(
    rows: int,
    sample: pl.DataFrame,
    numeric: tuple[str, ...],
    categorical: tuple[str, ...],
    t0: float,
    specials: dict[str, list[float]] | None = None,
) -> Correlations:
    """The matrices, on one BLAS thread: the products are small (30 × 50k), and OpenBLAS's spinning
    threads made one of them take 3 s instead of 0.02 s while another process used the second core.

    Pearson, Spearman and Cramér's V are worked out on a second thread while this one ranks and codes the
    columns and computes the correlation ratios: numpy lets go of the interpreter in its products, so the two
    halves share the machine's cores instead of taking turns (about a tenth off the whole)."""
    num = sample.select(_number(n, specials or {}) for n in numeric)
    x = num.to_numpy().astype(np.float64, copy=False) if numeric else np.empty((sample.height, 0))
    centred, present = _centred(x)
    with ThreadPoolExecutor(1) as pool:
        pearson = pool.submit(_pairwise_corr, centred, present) if numeric else None
        if numeric:
            ranks = num.select(pl.all().rank("average").cast(pl.Float64)).to_numpy().astype(np.float64, copy=False)
            spearman = pool.submit(_pairwise_corr, *_centred(ranks))
        codes = _codes(sample, categorical)
        cramers = pool.submit(_cramers_matrix, codes)
        etas = _correlation_ratios(centred, present, codes)
        v = cramers.result()
        matrices = (pearson.result(), spearman.result()) if pearson is not None else (np.empty((0, 0)),) * 2
    pearson_m, spearman_m = matrices
    ratio = tuple(
        Pair(n, c, "correlation_ratio", float(etas[ci, j]))
        for ci, c in enumerate(categorical)
        for j, n in enumerate(numeric)
        if n != c
    )

    def tup(m: np.ndarray) -> tuple[tuple[float, ...], ...]:
        return tuple(tuple(float(y) for y in row) for row in m)

    return Correlations(
        rows=rows,
        sample_size=sample.height,
        numeric=numeric,
        pearson=tup(pearson_m),
        spearman=tup(spearman_m),
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
