"""Windowed aggregations from per-bucket partial aggregates: the fast path of the engine.

Every window ends at the cutoff, so the windows nest: 7 ⊂ 30 ⊂ 90 ⊂ … days. Cutting each event's age into
buckets at the window edges (0–7, 7–30, 30–90, …) makes a window the union of its first buckets, and every
decomposable aggregation of a window a combination of per-bucket partials: counts and sums add up, minima
and maxima take the min/max, a mean is a sum over a count of non-missing values, days since the last (first)
event is the smallest (largest) age. So the millions of event rows are grouped **once** per set of filter
columns into (label row, bucket, category) partials, pivoted to one row per label row, and each feature is a
horizontal sum/min/max over a handful of columns — instead of one masked pass over all rows per feature.

Aggregations that do not decompose (std, median, distinct counts, filtered last values) are left to the
direct expressions of ``expressions.event_expr`` over the raw rows. Both paths give identical values; the
tests compare them through the exported polars code, which uses the direct expressions only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from workbench.features.expressions import AGE, US_PER_DAY, use_column
from workbench.features.spec import FeatureSpec

GROUP = "_g"
BUCKET = "_b"
DECOMPOSABLE = frozenset(
    {
        "count",
        "sum",
        "mean",
        "min",
        "max",
        "share",
        "ratio",
        "trend",
        "days_since_last",
        "days_since_first",
        "limit_use",
    }
)


def decomposable(spec: FeatureSpec) -> bool:
    return spec.aggregation in DECOMPOSABLE or (spec.aggregation == "last" and not spec.filter)


def edges(specs: Sequence[FeatureSpec]) -> list[int]:
    """Bucket edges in days: every window end (and trend base end); one open bucket past the last edge."""
    out = set()
    for s in specs:
        if s.window:
            out.add(s.window)
        if s.window and s.base_window:
            out.add(s.window + s.base_window)
    return sorted(out)


def bucket_expr(bounds: Sequence[int]) -> pl.Expr:
    """Bucket index: 0 for age ≤ bounds[0] days, 1 for bounds[0] < age ≤ bounds[1], …"""
    idx = pl.lit(0, dtype=pl.UInt8)
    for b in bounds:
        idx = idx + (pl.col(AGE) > b * US_PER_DAY).cast(pl.UInt8)
    return idx.alias(BUCKET)


def _upto(bounds: Sequence[int], days: int | None) -> int:
    """Buckets 0..k make up a window of ``days`` (all buckets when ``days`` is None)."""
    return len(bounds) if days is None else bounds.index(days)


class _Partials:
    """Which partial statistics each filter signature needs, then the partials themselves.

    Partials are computed with ``numpy.bincount`` (and ``minimum.at``/``maximum.at``) on one integer cell per
    row — (label group, bucket, category combination) — instead of a hash group_by on those keys: the
    cells are dense and small (groups × buckets × categories), so this is a handful of linear passes.
    """

    def __init__(self) -> None:
        self.need: dict[tuple[str, ...], set[tuple[str, str | None]]] = {}
        self.values: dict[str, set[str]] = {}

    def want(self, filter_: Sequence[tuple[str, str]], stat: str, column: str | None = None) -> None:
        signature = tuple(c for c, _ in filter_)
        self.need.setdefault(signature, set()).add((stat, column))
        for c, v in filter_:
            self.values.setdefault(c, set()).add(v)

    @staticmethod
    def name(stat: str, column: str | None, bucket: int, values: Sequence[str]) -> str:
        return "\x1f".join([stat, column or "", str(bucket), *values])

    def build(self, joined: pl.DataFrame, n_groups: int, n_buckets: int) -> pl.DataFrame:
        """Row ``i`` of the result is label group ``i``; one column per (stat, bucket, category values).

        Cells are float64 (exact for counts, KRW sums and microsecond ages below 2**53); min/max/age cells
        with no events are null, count and sum cells are 0 (the same as "no events" for a sum).
        """
        group = joined.get_column(GROUP).cast(pl.Int64).to_numpy()
        bucket = joined.get_column(BUCKET).cast(pl.Int64).to_numpy()
        base = group * n_buckets + bucket
        columns: list[pl.Series] = []
        for signature, stats in self.need.items():
            combo = np.zeros(joined.height, dtype=np.int64)
            levels: list[list[str]] = []
            width = 1
            for c in signature:
                vals = sorted(self.values[c])
                codes = (
                    joined.get_column(c)
                    .cast(pl.String)
                    .replace_strict(vals, list(range(len(vals))), default=len(vals), return_dtype=pl.Int64)
                )
                combo += codes.fill_null(len(vals)).to_numpy() * width
                width *= len(vals) + 1  # the last code of each column is "other or missing"
                levels.append(vals)
            cell = base * width + combo
            size = n_groups * n_buckets * width
            for stat, col in sorted(stats, key=lambda x: (x[0], x[1] or "")):
                grid = _partial(stat, col, joined, cell, size).reshape(n_groups, n_buckets, width)
                for b in range(n_buckets):
                    for index, values in _combos(levels):
                        name = self.name(stat, col, b, values)
                        columns.append(pl.Series(name, np.ascontiguousarray(grid[:, b, index]), nan_to_null=True))
        return pl.DataFrame(columns)


def _combos(levels: list[list[str]]):
    """(flat index, values) of every combination of known values (the "other" code excluded)."""
    out = [(0, [])]
    width = 1
    for vals in levels:
        out = [(i + j * width, [*v, val]) for i, v in out for j, val in enumerate(vals)]
        width *= len(vals) + 1
    return out


def _partial(stat: str, col: str | None, joined: pl.DataFrame, cell: np.ndarray, size: int) -> np.ndarray:
    if stat == "n":
        return np.bincount(cell, minlength=size).astype(np.float64)
    source = joined.get_column(AGE if stat in ("minage", "maxage") else col).cast(pl.Float64)
    x = source.to_numpy()
    ok = ~np.isnan(x)
    if stat == "nn":
        return np.bincount(cell, weights=ok.astype(np.float64), minlength=size)
    if stat == "sum":
        return np.bincount(cell, weights=np.where(ok, x, 0.0), minlength=size)
    smallest = stat in ("min", "minage")
    out = np.full(size, np.inf if smallest else -np.inf)
    (np.minimum if smallest else np.maximum).at(out, cell[ok], x[ok])
    out[np.isinf(out)] = np.nan
    return out


def _cols(present: set[str], stat: str, column: str | None, buckets: range, values: Sequence[str]) -> list[pl.Expr]:
    names = [_Partials.name(stat, column, b, values) for b in buckets]
    return [pl.col(n) for n in names if n in present]


def _hsum(cols: list[pl.Expr]) -> pl.Expr:
    return pl.sum_horizontal(cols) if cols else pl.lit(0)


def _as_plain(spec: FeatureSpec) -> tuple[str, str | None]:
    """(aggregation, column) to build from: a ``limit_use`` is the mean or max of its per-event use column."""
    if spec.aggregation == "limit_use":
        return str(spec.param("stat")), use_column(spec)
    return spec.aggregation, spec.column


def plan_partials(specs: Sequence[FeatureSpec]) -> _Partials:
    p = _Partials()
    for s in specs:
        (agg, col), f = _as_plain(s), s.filter
        if agg == "count":
            p.want(f, "n")
        elif agg == "sum":
            p.want(f, "sum", col)
        elif agg == "mean":
            p.want(f, "sum", col)
            p.want(f, "nn", col)
        elif agg in ("min", "max"):
            p.want(f, agg, col)
        elif agg in ("share", "ratio", "trend"):
            stat = ("sum", col) if col else ("n", None)
            p.want(f, *stat)
            if agg != "trend":
                p.want(s.denominator_filter if agg == "ratio" else (), *stat)
        elif agg == "days_since_last":
            p.want(f, "minage")
        elif agg == "days_since_first":
            p.want(f, "maxage")
        elif agg == "last":
            p.want(f, "minage")
    return p


def partial_expr(spec: FeatureSpec, bounds: Sequence[int], present: set[str]) -> pl.Expr:
    """The feature from the pivoted partials (columns missing from ``present`` mean no such events)."""
    agg, col = _as_plain(spec)
    vals = [v for _, v in spec.filter]
    upto = range(_upto(bounds, spec.window) + 1)

    def total(stat: str, column: str | None, values: Sequence[str], buckets: range = upto) -> pl.Expr:
        return _hsum(_cols(present, stat, column, buckets, values))

    if agg == "count":
        expr = total("n", None, vals).cast(pl.Int64)
    elif agg == "sum":
        expr = total("sum", col, vals)
    elif agg == "mean":
        n = total("nn", col, vals)
        expr = pl.when(n > 0).then(total("sum", col, vals) / n)
    elif agg in ("min", "max"):
        cols = _cols(present, agg, col, upto, vals)
        fn = pl.min_horizontal if agg == "min" else pl.max_horizontal
        expr = fn(cols) if cols else pl.lit(None, dtype=pl.Float64)
    elif agg in ("share", "ratio"):
        stat = "sum" if col else "n"
        den_vals = [v for _, v in spec.denominator_filter] if agg == "ratio" else []
        num, den = total(stat, col, vals), total(stat, col, den_vals)
        expr = pl.when(den != 0).then(num / den)
    elif agg == "trend":
        assert spec.window is not None and spec.base_window is not None
        stat = "sum" if col else "n"
        k, k2 = _upto(bounds, spec.window), _upto(bounds, spec.window + spec.base_window)
        recent, base = total(stat, col, vals), total(stat, col, vals, range(k + 1, k2 + 1))
        expr = pl.when(base != 0).then((recent / spec.window) / (base / spec.base_window))
    elif agg in ("days_since_last", "days_since_first"):
        stat = "minage" if agg == "days_since_last" else "maxage"
        cols = _cols(present, stat, None, upto, vals)
        fn = pl.min_horizontal if stat == "minage" else pl.max_horizontal
        expr = (fn(cols) / US_PER_DAY) if cols else pl.lit(None, dtype=pl.Float64)
    elif agg == "last":
        # the last event overall (the rows are sorted by time) if it lies inside the window
        cols = _cols(present, "minage", None, range(len(bounds) + 1), vals)
        newest = pl.min_horizontal(cols) if cols else pl.lit(None, dtype=pl.Int64)
        limit = None if spec.window is None else spec.window * US_PER_DAY
        inside = newest.is_not_null() if limit is None else newest <= limit
        expr = pl.when(inside).then(pl.col(f"_last\x1f{col}"))
    else:
        raise ValueError(agg)
    return expr.alias(spec.name)
