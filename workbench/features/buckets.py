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

import polars as pl

from workbench.features.expressions import AGE, US_PER_DAY
from workbench.features.spec import FeatureSpec

GROUP = "_g"
BUCKET = "_b"
DECOMPOSABLE = frozenset(
    {"count", "sum", "mean", "min", "max", "share", "ratio", "trend", "days_since_last", "days_since_first"}
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
    """Which partial statistics each filter signature needs, then the pivoted frame that holds them."""

    def __init__(self) -> None:
        self.need: dict[tuple[str, ...], set[tuple[str, str | None]]] = {}

    def want(self, signature: tuple[str, ...], stat: str, column: str | None = None) -> None:
        self.need.setdefault(signature, set()).add((stat, column))

    @staticmethod
    def name(stat: str, column: str | None, bucket: int, values: Sequence[str]) -> str:
        return "\x1f".join([stat, column or "", str(bucket), *values])

    def build(self, joined: pl.LazyFrame) -> pl.LazyFrame:
        """One group_by and pivot per filter signature, joined into one row per label row."""
        out = joined.select(GROUP).unique()
        for signature, stats in self.need.items():
            aggs = []
            for stat, col in sorted(stats, key=lambda x: (x[0], x[1] or "")):
                alias = f"{stat}\x1f{col or ''}"
                if stat == "n":
                    aggs.append(pl.len().alias(alias))
                elif stat == "nn":
                    aggs.append(pl.col(col).count().alias(alias))
                elif stat in ("sum", "min", "max"):
                    aggs.append(getattr(pl.col(col), stat)().alias(alias))
                elif stat == "minage":
                    aggs.append(pl.col(AGE).min().alias(alias))
                elif stat == "maxage":
                    aggs.append(pl.col(AGE).max().alias(alias))
            parts = joined.group_by(GROUP, BUCKET, *signature).agg(aggs)
            on = pl.concat_str([pl.col(BUCKET).cast(pl.String), *[pl.col(c) for c in signature]], separator="\x1f")
            long = parts.with_columns(on.alias("_on")).drop(BUCKET, *signature)
            value_cols = [f"{stat}\x1f{col or ''}" for stat, col in stats]
            wide = long.collect().pivot(on="_on", index=GROUP, values=value_cols, separator="\x1e")
            if len(value_cols) == 1:  # polars names single-value pivots by the `on` value alone
                wide = wide.rename({c: f"{value_cols[0]}\x1e{c}" for c in wide.columns if c != GROUP})
            wide = wide.rename({c: c.replace("\x1e", "\x1f") for c in wide.columns if c != GROUP})
            out = out.join(wide.lazy(), on=GROUP, how="left")
        return out


def _cols(present: set[str], stat: str, column: str | None, buckets: range, values: Sequence[str]) -> list[pl.Expr]:
    names = [_Partials.name(stat, column, b, values) for b in buckets]
    return [pl.col(n) for n in names if n in present]


def _hsum(cols: list[pl.Expr]) -> pl.Expr:
    return pl.sum_horizontal(cols) if cols else pl.lit(0)


def plan_partials(specs: Sequence[FeatureSpec]) -> _Partials:
    p = _Partials()
    for s in specs:
        sig = tuple(c for c, _ in s.filter)
        agg, col = s.aggregation, s.column
        if agg == "count":
            p.want(sig, "n")
        elif agg == "sum":
            p.want(sig, "sum", col)
        elif agg == "mean":
            p.want(sig, "sum", col)
            p.want(sig, "nn", col)
        elif agg in ("min", "max"):
            p.want(sig, agg, col)
        elif agg in ("share", "ratio", "trend"):
            stat = ("sum", col) if col else ("n", None)
            p.want(sig, *stat)
            den_sig = tuple(c for c, _ in s.denominator_filter) if agg == "ratio" else ()
            if agg != "trend":
                p.want(den_sig, *stat)
        elif agg == "days_since_last":
            p.want(sig, "minage")
        elif agg == "days_since_first":
            p.want(sig, "maxage")
        elif agg == "last":
            p.want(sig, "minage")
    return p


def partial_expr(spec: FeatureSpec, bounds: Sequence[int], present: set[str]) -> pl.Expr:
    """The feature from the pivoted partials (columns missing from ``present`` mean no such events)."""
    agg, col = spec.aggregation, spec.column
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
