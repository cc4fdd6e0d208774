"""Pre-binning shared by target analysis (WOE/IV) and stability (PSI): bins as polars expressions.

A numeric column is cut at quantile edges; missing values (null and NaN) get bin 0 and each special code
(9999, -1, …) a bin of its own, so an "unknown" never falls into a numeric range. A categorical column keeps
its most frequent levels and pools the rest into "other". Every bin has a label a banker can read.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl

BinKind = Literal["missing", "special", "range", "category", "other"]
MISSING_LABEL = "missing"
OTHER_LABEL = "other"


@dataclass(frozen=True)
class BinSpec:
    """How one column is binned. ``edges`` are inner cut points: bin k is [edges[k-1], edges[k])."""

    column: str
    numeric: bool
    edges: tuple[float, ...] = ()
    specials: tuple[float, ...] = ()
    levels: tuple[str, ...] = ()

    @property
    def n_bins(self) -> int:
        body = len(self.edges) + 1 if self.numeric else len(self.levels) + 1
        return 1 + len(self.specials) + body

    def labels(self) -> tuple[tuple[str, BinKind, float | None, float | None], ...]:
        """(label, kind, lower, upper) per bin index."""
        out: list[tuple[str, BinKind, float | None, float | None]] = [(MISSING_LABEL, "missing", None, None)]
        out += [(f"= {_fmt(s)}", "special", s, s) for s in self.specials]
        if self.numeric and not self.edges:  # one value (e.g. all 0 in the reference month): one open bin
            out.append(("all", "range", None, None))
        elif self.numeric:
            bounds = [-math.inf, *self.edges, math.inf]
            for lo, hi in itertools.pairwise(bounds):
                label = (
                    f"< {_fmt(hi)}"
                    if lo == -math.inf
                    else f"≥ {_fmt(lo)}"
                    if hi == math.inf
                    else f"[{_fmt(lo)}, {_fmt(hi)})"
                )
                out.append((label, "range", None if lo == -math.inf else lo, None if hi == math.inf else hi))
        else:
            out += [(lv, "category", None, None) for lv in self.levels]
            out.append((OTHER_LABEL, "other", None, None))
        return tuple(out)

    def expr(self) -> pl.Expr:
        """Bin index (UInt16) of every row: 0 missing, 1..s specials, then ranges or levels, last "other"."""
        col = pl.col(self.column)
        base = 1 + len(self.specials)
        if self.numeric:
            x = col.cast(pl.Float64)
            body = pl.lit(pl.Series(self.edges, dtype=pl.Float64)).search_sorted(x, side="right").cast(pl.UInt16)
            out = pl.when(x.is_null() | x.is_nan()).then(pl.lit(0, pl.UInt16))
            for k, s in enumerate(self.specials):
                out = out.when(x == s).then(pl.lit(1 + k, pl.UInt16))
            return out.otherwise(body + base).alias(self.column)
        s = col.cast(pl.String)
        mapping = pl.Series(list(self.levels), dtype=pl.String)
        idx = s.replace_strict(mapping, pl.Series(range(len(self.levels)), dtype=pl.UInt16), default=None)
        return (
            pl.when(s.is_null())
            .then(pl.lit(0, pl.UInt16))
            .otherwise(idx.fill_null(len(self.levels)).cast(pl.UInt16) + base)
            .alias(self.column)
        )


def _fmt(v: float) -> str:
    """Thousands-separated; an infinite or NaN value (no integer form) prints as itself instead of raising."""
    if not math.isfinite(v):
        return f"{v}"
    if v == int(v) and abs(v) < 1e15:
        return f"{int(v):,}"
    return f"{v:,.4g}"


def quantile_edges(values: np.ndarray, n_bins: int) -> tuple[float, ...]:
    """Inner cut points at the 1/n … (n-1)/n quantiles of ``values`` (no missing), duplicates removed
    (the rule is ``edges_from_counts``'s: one sort gives the distinct values and their counts)."""
    if values.size == 0:
        return ()
    xs = np.sort(values)
    new = np.empty(xs.size, dtype=bool)
    new[0] = True
    np.not_equal(xs[1:], xs[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    return edges_from_counts(xs[starts], np.diff(np.append(starts, xs.size)), n_bins)


def edges_from_counts(values: np.ndarray, counts: np.ndarray, n_bins: int) -> tuple[float, ...]:
    """Inner cut points of a column given as its distinct ``values`` (sorted) and their ``counts``: the value
    at rank floor(k/n × (N-1)) for k = 1 … n-1, duplicates removed.

    With at most ``n_bins`` distinct values every value gets its own bin (cut between neighbours), so a
    low-cardinality feature is never split inside a value nor merged across values. Exact whichever engine
    counted the values (polars on the rows, Spark as value counts).
    """
    if values.size == 0:
        return ()
    if values.size <= n_bins:
        return tuple(float(v) for v in values[1:])
    ends = np.cumsum(counts)
    positions = np.floor(np.arange(1, n_bins) / n_bins * (ends[-1] - 1)).astype(np.int64)
    return edges_above(values[np.searchsorted(ends, positions, side="right")], float(values[0]))


def edge_levels(n_bins: int) -> list[float]:
    """The quantile levels 1/n … (n-1)/n whose values cut a column into ``n_bins`` bins."""
    return [k / n_bins for k in range(1, n_bins)]


def edges_above(quantiles: Sequence[float] | np.ndarray, minimum: float) -> tuple[float, ...]:
    """Cut points from quantile values (exact, or approximate from Spark's ``percentile_approx``): distinct,
    sorted, and above the column's ``minimum`` (an edge at the minimum would leave the first bin empty)."""
    edges = np.unique(np.asarray(quantiles, dtype=np.float64))
    return tuple(float(v) for v in edges[edges > minimum])


def numeric_specs(
    sample: pl.DataFrame,
    columns: Sequence[str],
    *,
    n_bins: int,
    specials: dict[str, tuple[float, ...]] | None = None,
) -> list[BinSpec]:
    """Quantile bin specs for numeric columns, edges taken from ``sample`` without missing or special values."""
    specials = specials or {}
    out = []
    for c in columns:
        sp = tuple(specials.get(c, ()))
        x = sample[c].cast(pl.Float64).fill_nan(None).drop_nulls()
        if sp:
            x = x.filter(~x.is_in(pl.Series(sp, dtype=pl.Float64).implode()))
        out.append(BinSpec(c, True, quantile_edges(x.to_numpy(), n_bins), sp))
    return out


def categorical_specs(frame: pl.DataFrame, columns: Sequence[str], *, max_levels: int) -> list[BinSpec]:
    """Level bins: the ``max_levels`` most frequent levels (ties by name), the rest pooled as "other"."""
    if not columns:
        return []
    counts = frame.select(
        pl.col(c).cast(pl.String).drop_nulls().value_counts(sort=True, name="n").head(max_levels).implode().alias(c)
        for c in columns
    ).row(0, named=True)
    return [BinSpec(c, False, levels=tuple(str(r[c]) for r in counts[c])) for c in columns]


def _numeric_codes(spec: BinSpec, x: np.ndarray) -> np.ndarray:
    """Bin index (uint8/uint16) of float values: ranges by summing ``x >= edge`` in place (branch-free,
    about three times faster than a binary search on unsorted data), NaN to bin 0, special codes next."""
    dtype = np.uint8 if spec.n_bins < 128 else np.uint16
    body = np.full(x.shape, 1 + len(spec.specials), dtype=dtype)
    hit = np.empty(x.shape, dtype=bool)
    for e in spec.edges:
        np.greater_equal(x, e, out=hit)
        body += hit
    body[np.isnan(x)] = 0
    for k, v in enumerate(spec.specials):
        body[x == v] = 1 + k
    return body


def bin_index(spec: BinSpec, values: pl.Series) -> np.ndarray:
    """Bin index of every value (see ``BinSpec.expr``); numeric specs are computed with numpy."""
    if not spec.numeric:
        return values.to_frame(spec.column).select(spec.expr()).to_series().to_numpy().astype(np.intp)
    return _numeric_codes(spec, values.cast(pl.Float64).to_numpy()).astype(np.intp)


def _count(codes: np.ndarray, group: np.ndarray, keep: np.ndarray | None, n_bins: int, n_groups: int) -> np.ndarray:
    key = codes.astype(np.intp) * n_groups + group
    counts = np.bincount(key if keep is None else key[keep], minlength=n_bins * n_groups)
    return counts.reshape(n_bins, n_groups).T.copy()


def fit_numeric_and_count(
    frame: pl.DataFrame,
    columns: Sequence[str],
    group: np.ndarray,
    n_groups: int,
    *,
    n_bins: int,
    specials: dict[str, tuple[float, ...]] | None = None,
    edge_rows: np.ndarray | None = None,
    threads: int = 2,
) -> tuple[list[BinSpec], dict[str, np.ndarray]]:
    """Quantile bins for numeric columns and their counts per group, one column at a time, in threads.

    Edges come from the rows ``edge_rows`` (indices: a seeded sample, or the reference period) without
    missing or special values; counts cover every row whose group is ≥ 0. Each column is read once into
    numpy (numpy releases the GIL, so two threads use both cores) and memory stays at a few columns.
    """
    from concurrent.futures import ThreadPoolExecutor

    specials = specials or {}
    group = np.asarray(group, dtype=np.intp)
    keep = None if bool((group >= 0).all()) else group >= 0

    def one(column: str) -> tuple[BinSpec, np.ndarray]:
        x = frame[column].cast(pl.Float64).to_numpy()
        sp = tuple(specials.get(column, ()))
        fit = x if edge_rows is None else x[edge_rows]
        ok = ~np.isnan(fit)
        for v in sp:
            ok &= fit != v
        spec = BinSpec(column, True, quantile_edges(fit[ok], n_bins), sp)
        return spec, _count(_numeric_codes(spec, x), group, keep, spec.n_bins, n_groups)

    if threads > 1 and len(columns) > 1:
        with ThreadPoolExecutor(threads) as pool:
            done = list(pool.map(one, columns))
    else:
        done = [one(c) for c in columns]
    return [s for s, _ in done], {s.column: c for s, c in done}


def count_bins(
    frame: pl.DataFrame, specs: Sequence[BinSpec], group: np.ndarray, n_groups: int, *, threads: int = 2
) -> dict[str, np.ndarray]:
    """Row counts per (group, bin) for every spec: column → array [n_groups, n_bins].

    ``group`` holds an integer 0..n_groups-1 per row of ``frame`` (the target's 0/1, or a period index);
    rows with a negative group are not counted.
    """
    from concurrent.futures import ThreadPoolExecutor

    group = np.asarray(group, dtype=np.intp)
    keep = None if bool((group >= 0).all()) else group >= 0

    def one(spec: BinSpec) -> tuple[str, np.ndarray]:
        return spec.column, _count(bin_index(spec, frame[spec.column]), group, keep, spec.n_bins, n_groups)

    if threads > 1 and len(specs) > 1:
        with ThreadPoolExecutor(threads) as pool:
            return dict(pool.map(one, specs))
    return dict(one(s) for s in specs)
