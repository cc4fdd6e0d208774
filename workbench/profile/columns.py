"""Column statistics in two passes over a lazy frame, and the table overview computed alongside.

Pass 1 is one ``select`` of every per-column aggregate that needs no earlier result: counts of null and NaN
(apart), approximate distinct counts (HyperLogLog), moments, min/max, all quantiles of a column from one
quantile call, zeros, negatives, a 20-bin histogram, string lengths, date ranges and counts of candidate
"unknown" codes. Pass 2 is one ``select`` of what depends on pass 1: exact value counts (top-k, exact
distinct) for columns whose approximate distinct count is within ``EXACT_DISTINCT_MAX``, the range left once
special codes are set aside, date gaps, the missing patterns, and the duplicate-row count from one row hash.
Each pass is timed (``TableProfile.timings``), so a slow statistic shows up in the benchmark, not in a guess.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

import polars as pl

from workbench.privacy.gate import MaskedTable
from workbench.profile.kinds import Kind, infer_kind, is_date_dtype, is_string_dtype

QUANTILES: tuple[float, ...] = (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)
HIST_BINS = 20
TOP_K = 10
QUANTILE_SAMPLE = 200_000  # quantiles of longer columns come from a sample of this many values
EXACT_DISTINCT_MAX = 100_000  # up to here distinct counts are exact (value counts); beyond, HyperLogLog
SPECIAL_CODES: tuple[int, ...] = (-99999, -9999, -999, -99, -9, -1, 0, 99, 999, 9999, 99999, 999999, 9999999)
SPECIAL_MIN_SHARE = 0.001  # a code must cover ≥ 0.1 % of the non-missing values (and 5 rows) to count
MISSING_PATTERN_COLUMNS = 30  # missing-pattern view over at most this many columns (most missing first)


@dataclass(frozen=True)
class TopValue:
    value: str
    count: int
    share: float  # of all rows, missing included


@dataclass(frozen=True)
class SpecialCode:
    """A value such as 9999 or -1 that sits apart from the rest of the column: "unknown", not a quantity."""

    value: float
    count: int
    share: float  # of non-missing values


@dataclass(frozen=True)
class ColumnProfile:
    """One column's statistics. Shares are fractions (0–1) of all rows unless named otherwise.

    ``missing`` = ``n_null`` + ``n_nan`` (NaN is a float value, null is absence; both are "missing" to an
    analyst, but they are counted apart because they usually come from different bugs). Moments and
    quantiles ignore both. ``distinct_exact`` says whether ``distinct`` came from exact value counts or a
    HyperLogLog estimate (about 1 % error).
    """

    name: str
    dtype: str
    kind: Kind
    kind_inferred: Kind
    rows: int
    n_null: int
    n_nan: int
    distinct: int
    distinct_exact: bool
    mean: float | None = None
    std: float | None = None
    min: float | str | None = None
    max: float | str | None = None
    quantiles: tuple[tuple[float, float], ...] = ()
    zeros: int = 0
    negatives: int = 0
    skew: float | None = None
    kurtosis: float | None = None
    histogram: tuple[tuple[float, float, int], ...] = ()  # (left edge, right edge, count)
    top: tuple[TopValue, ...] = ()
    length_min: int | None = None
    length_mean: float | None = None
    length_max: int | None = None
    date_min: date | None = None
    date_max: date | None = None
    date_largest_gap_days: int | None = None
    date_empty_months: int | None = None
    future_count: int = 0
    special_codes: tuple[SpecialCode, ...] = ()
    min_without_codes: float | None = None
    max_without_codes: float | None = None
    numeric_string_share: float | None = None  # strings only: share of values that parse as numbers
    quantiles_sampled: bool = False  # quantiles from a QUANTILE_SAMPLE-value sample (long columns)

    @property
    def missing(self) -> int:
        return self.n_null + self.n_nan

    @property
    def missing_share(self) -> float:
        return self.missing / self.rows if self.rows else 0.0

    @property
    def count(self) -> int:
        return self.rows - self.missing

    @property
    def top_share(self) -> float:
        """Share of non-missing values taken by the most frequent value (0 when unknown)."""
        return self.top[0].count / self.count if self.top and self.count else 0.0

    def quantile(self, q: float) -> float | None:
        return dict(self.quantiles).get(q)


@dataclass(frozen=True)
class MissingPattern:
    columns: tuple[str, ...]  # columns missing together in these rows (empty: complete rows)
    count: int


@dataclass(frozen=True)
class TableProfile:
    """Overview plus every column's profile: the one object charts, reports, the CLI and the page read."""

    name: str
    fingerprint: str
    rows: int
    memory_bytes: int
    duplicate_rows: int  # rows that repeat an earlier row exactly (from one 64-bit row hash)
    columns: tuple[ColumnProfile, ...]
    missing_patterns: tuple[MissingPattern, ...]
    timings: tuple[tuple[str, float], ...] = field(default=(), compare=False)
    computed_on: date = field(default_factory=date.today, compare=False)

    @property
    def n_columns(self) -> int:
        return len(self.columns)

    @property
    def missing_cells(self) -> int:
        return sum(c.missing for c in self.columns)

    @property
    def kinds(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for c in self.columns:
            out[c.kind] = out.get(c.kind, 0) + 1
        return out

    def column(self, name: str) -> ColumnProfile:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


def _k(i: int, stat: str) -> str:
    return f"{i}|{stat}"


def _values(i: int, name: str, dtype: pl.DataType) -> pl.Expr:
    """The column with NaN turned into null, so moments and quantiles skip both."""
    col = pl.col(name)
    return col.fill_nan(None) if dtype.is_float() else col


def _numeric_exprs(i: int, x: pl.Expr, rows: int) -> list[pl.Expr]:
    """NaN-sensitive statistics; pass 1 runs them on the raw column, pass 2 again on columns that hold NaN.

    Quantiles of a column longer than ``2 × QUANTILE_SAMPLE`` come from a seeded uniform sample of
    ``QUANTILE_SAMPLE`` values (rank error about 0.1 % at p99; ``ColumnProfile.quantiles_sampled`` says so):
    sorting every column of a large table costs more than every other statistic together.
    """
    q_source = x.sample(n=QUANTILE_SAMPLE, seed=0) if rows > 2 * QUANTILE_SAMPLE else x
    return [
        x.mean().alias(_k(i, "mean")),
        x.std().alias(_k(i, "std")),
        x.min().alias(_k(i, "min")),
        x.max().alias(_k(i, "max")),
        x.skew().alias(_k(i, "skew")),
        x.kurtosis().alias(_k(i, "kurt")),
        q_source.quantile(list(QUANTILES), "nearest").alias(_k(i, "q")),
        x.cast(pl.Float64).hist(bin_count=HIST_BINS, include_breakpoint=True).implode().alias(_k(i, "hist")),
    ]


def _pass1_exprs(schema: Mapping[str, pl.DataType], today: date, rows: int) -> list[pl.Expr]:
    out: list[pl.Expr] = []
    for i, (name, dtype) in enumerate(schema.items()):
        col = pl.col(name)
        out.append(col.null_count().alias(_k(i, "null")))
        out.append((col.is_nan().sum() if dtype.is_float() else pl.lit(0)).alias(_k(i, "nan")))
        if dtype == pl.Boolean:
            out.append(col.n_unique().alias(_k(i, "approx")))
            out.append(col.cast(pl.Int8).sum().alias(_k(i, "true")))
            continue
        out.append(col.approx_n_unique().alias(_k(i, "approx")))
        if dtype.is_numeric():
            out += _numeric_exprs(i, col, rows)
            x = col
            out += [(x == 0).sum().alias(_k(i, "zeros")), (x < 0).sum().alias(_k(i, "neg"))]
            out += [(x == code).sum().alias(_k(i, f"code{code}")) for code in SPECIAL_CODES]
        elif is_date_dtype(dtype):
            d = col.cast(pl.Date)
            out += [
                d.min().alias(_k(i, "dmin")),
                d.max().alias(_k(i, "dmax")),
                (d > pl.lit(today)).sum().alias(_k(i, "future")),
                d.cast(pl.Int32)
                .cast(pl.Float64)
                .hist(bin_count=HIST_BINS, include_breakpoint=True)
                .implode()
                .alias(_k(i, "hist")),
            ]
        elif is_string_dtype(dtype):
            s = col.cast(pl.String)
            lengths = s.str.len_chars()
            out += [
                lengths.min().alias(_k(i, "lmin")),
                lengths.mean().alias(_k(i, "lmean")),
                lengths.max().alias(_k(i, "lmax")),
                s.min().alias(_k(i, "min")),
                s.max().alias(_k(i, "max")),
            ]
    return out


def _num(v: object) -> float | None:
    if v is None:
        return None
    f = float(v)  # type: ignore[arg-type]
    return None if math.isnan(f) or math.isinf(f) else f


def _histogram(raw: object, *, as_dates: bool = False) -> tuple[tuple[float, float, int], ...]:
    if not raw:
        return ()
    rows = list(raw)  # type: ignore[call-overload]
    out = []
    prev = None
    for r in rows:
        right = r["breakpoint"]
        left = prev if prev is not None else None
        out.append((left, right, int(r["count"])))
        prev = right
    if out:  # first bin's left edge: polars labels bins by the right edge only
        width = (out[-1][1] - out[0][1]) / max(len(out) - 1, 1) if len(out) > 1 else 0.0
        out[0] = (out[0][1] - width, out[0][1], out[0][2])
    return tuple((float(a), float(b), c) for a, b, c in out)


def profile_columns(
    table: MaskedTable,
    *,
    kinds: Mapping[str, Kind] | None = None,
    today: date | None = None,
) -> TableProfile:
    """Profile every column of a certified table in two passes (see the module docstring).

    ``kinds`` overrides the inferred kind of named columns (the analyst knows a code is categorical);
    ``today`` is the reference for ``future_dates`` (default: the machine's date).
    """
    if not isinstance(table, MaskedTable):
        raise TypeError("profile_columns accepts only a MaskedTable (see workbench.privacy.certify)")
    today = today or date.today()
    kinds = dict(kinds or {})
    frame = table.frame
    lf = frame.lazy()
    schema = frame.schema
    names = list(schema)
    rows = frame.height
    timings: list[tuple[str, float]] = []

    t0 = time.perf_counter()
    p1 = lf.select(_pass1_exprs(schema, today, rows)).collect().row(0, named=True) if names else {}
    timings.append(("pass1_aggregates", time.perf_counter() - t0))

    # Decide what pass 2 needs: exact value counts where bounded, special codes' remaining range, gaps.
    exact_cols = [i for i, n in enumerate(names) if (p1[_k(i, "approx")] or 0) <= EXACT_DISTINCT_MAX]
    codes_seen: dict[int, list[tuple[int, int]]] = {}
    for i, (_name, dtype) in enumerate(schema.items()):
        if dtype.is_numeric() and dtype != pl.Boolean:
            nonmissing = rows - p1[_k(i, "null")] - p1[_k(i, "nan")]
            seen = [
                (code, p1[_k(i, f"code{code}")])
                for code in SPECIAL_CODES
                if p1[_k(i, f"code{code}")] >= max(5, SPECIAL_MIN_SHARE * nonmissing)
            ]
            if seen and (p1[_k(i, "approx")] or 0) > 2:  # a 0/1 flag has no "unknown" code
                codes_seen[i] = seen
    missing_cols = sorted(
        (i for i in range(len(names)) if p1[_k(i, "null")] + p1[_k(i, "nan")] > 0),
        key=lambda i: -(p1[_k(i, "null")] + p1[_k(i, "nan")]),
    )[:MISSING_PATTERN_COLUMNS]

    t0 = time.perf_counter()
    p2_exprs: list[pl.Expr] = []
    for i in exact_cols:
        p2_exprs.append(pl.col(names[i]).value_counts(sort=True, name="n").implode().alias(_k(i, "vc")))
    for i, seen in codes_seen.items():
        codes = pl.lit(pl.Series([c for c, _ in seen], dtype=schema[names[i]]))
        x = _values(i, names[i], schema[names[i]]).filter(~pl.col(names[i]).is_in(codes.implode()))
        p2_exprs += [x.min().alias(_k(i, "cmin")), x.max().alias(_k(i, "cmax"))]
    for i, name in enumerate(names):
        if is_date_dtype(schema[name]):
            d = pl.col(name).cast(pl.Date).drop_nulls().unique().sort()
            p2_exprs.append(d.diff().dt.total_days().max().alias(_k(i, "gap")))
            months = pl.col(name).cast(pl.Date).dt.truncate("1mo").drop_nulls().n_unique()
            p2_exprs.append(months.alias(_k(i, "months")))
        elif is_string_dtype(schema[name]):
            p2_exprs.append(
                pl.col(name)
                .cast(pl.String)
                .drop_nulls()
                .head(20_000)
                .str.contains(r"^\s*[-+]?\d[\d,]*(\.\d+)?\s*$")
                .mean()
                .alias(_k(i, "numstr"))
            )
    if missing_cols:
        code = pl.sum_horizontal(
            [pl.col(names[i]).is_null().cast(pl.UInt64) * (1 << b) for b, i in enumerate(missing_cols)]
            + [
                (pl.col(names[i]).is_nan().cast(pl.UInt64) * (1 << b))
                for b, i in enumerate(missing_cols)
                if schema[names[i]].is_float()
            ]
        )
        p2_exprs.append(code.value_counts(sort=True, name="n").head(TOP_K).implode().alias("missing_patterns"))
    for i, (name, dtype) in enumerate(schema.items()):
        if dtype.is_float() and p1[_k(i, "nan")]:
            p2_exprs += [e.name.suffix("|nan_free") for e in _numeric_exprs(i, _values(i, name, dtype), rows)]
    p2 = lf.select(p2_exprs).collect().row(0, named=True) if p2_exprs else {}
    for key in [k for k in p2 if k.endswith("|nan_free")]:
        p1[key.removesuffix("|nan_free")] = p2[key]
    timings.append(("pass2_value_counts", time.perf_counter() - t0))

    t0 = time.perf_counter()
    distinct_rows = frame.hash_rows(seed=0).n_unique() if names and rows else rows
    timings.append(("row_hash", time.perf_counter() - t0))

    profiles = []
    for i, (name, dtype) in enumerate(schema.items()):
        n_null, n_nan = int(p1[_k(i, "null")]), int(p1[_k(i, "nan")])
        count = rows - n_null - n_nan
        vc = p2.get(_k(i, "vc"))
        top: tuple[TopValue, ...] = ()
        if vc is not None:
            present = [
                r for r in vc if r[name] is not None and not (isinstance(r[name], float) and math.isnan(r[name]))
            ]
            distinct, exact = len(present), True
            top = tuple(TopValue(str(r[name]), int(r["n"]), r["n"] / rows) for r in present[:TOP_K])
        else:
            distinct, exact = min(int(p1[_k(i, "approx")]), count), False
            if n_null and distinct > 0:
                distinct -= 1  # HyperLogLog counts null as a value
        stats: dict[str, object] = {}
        if dtype == pl.Boolean:
            stats["mean"] = p1[_k(i, "true")] / count if count else None
            distinct, exact = int(p1[_k(i, "approx")]) - (1 if n_null else 0), True
        elif dtype.is_numeric():
            hist = p1[_k(i, "hist")]
            stats.update(
                mean=_num(p1[_k(i, "mean")]),
                std=_num(p1[_k(i, "std")]),
                min=_num(p1[_k(i, "min")]),
                max=_num(p1[_k(i, "max")]),
                zeros=int(p1[_k(i, "zeros")]),
                negatives=int(p1[_k(i, "neg")]),
                skew=_num(p1[_k(i, "skew")]),
                kurtosis=_num(p1[_k(i, "kurt")]),
                quantiles=tuple(
                    (q, float(v)) for q, v in zip(QUANTILES, p1[_k(i, "q")] or [], strict=False) if v is not None
                ),
                quantiles_sampled=rows > 2 * QUANTILE_SAMPLE,
                histogram=_histogram(hist) if count else (),
            )
            if i in codes_seen:
                cmin, cmax = _num(p2[_k(i, "cmin")]), _num(p2[_k(i, "cmax")])
                stats["special_codes"] = _special_codes(codes_seen[i], cmin, cmax, count, stats)
                stats["min_without_codes"], stats["max_without_codes"] = cmin, cmax
        elif is_date_dtype(dtype):
            dmin, dmax = p1[_k(i, "dmin")], p1[_k(i, "dmax")]
            stats.update(date_min=dmin, date_max=dmax, future_count=int(p1[_k(i, "future")]))
            if dmin is not None and dmax is not None:
                stats["min"], stats["max"] = str(dmin), str(dmax)
                span = (dmax.year - dmin.year) * 12 + dmax.month - dmin.month + 1
                stats["date_empty_months"] = span - int(p2[_k(i, "months")])
                stats["date_largest_gap_days"] = int(p2[_k(i, "gap")] or 0)
                stats["histogram"] = _histogram(p1[_k(i, "hist")])
        elif is_string_dtype(dtype):
            stats.update(
                length_min=p1[_k(i, "lmin")],
                length_mean=_num(p1[_k(i, "lmean")]),
                length_max=p1[_k(i, "lmax")],
                min=p1[_k(i, "min")],
                max=p1[_k(i, "max")],
                numeric_string_share=_num(p2.get(_k(i, "numstr"))),
            )
        inferred = infer_kind(
            name,
            dtype,
            count=count,
            distinct=distinct,
            minimum=stats.get("min") if isinstance(stats.get("min"), float) else None,  # type: ignore[arg-type]
            maximum=stats.get("max") if isinstance(stats.get("max"), float) else None,  # type: ignore[arg-type]
            mean_length=stats.get("length_mean"),  # type: ignore[arg-type]
        )
        if inferred == "categorical" and exact and distinct == 2 and is_string_dtype(dtype):
            from workbench.profile.kinds import BINARY_WORDS

            if all(tv.value.strip().lower() in BINARY_WORDS for tv in top):
                inferred = "boolean"
        profiles.append(
            ColumnProfile(
                name=name,
                dtype=str(dtype),
                kind=kinds.get(name, inferred),
                kind_inferred=inferred,
                rows=rows,
                n_null=n_null,
                n_nan=n_nan,
                distinct=distinct,
                distinct_exact=exact,
                top=top,
                **stats,  # type: ignore[arg-type]
            )
        )

    patterns: list[MissingPattern] = []
    for r in p2.get("missing_patterns") or []:
        bits = int(r[""] if "" in r else next(iter(r.values())))
        cols = tuple(names[i] for b, i in enumerate(missing_cols) if bits >> b & 1)
        patterns.append(MissingPattern(cols, int(r["n"])))

    return TableProfile(
        name=table.name,
        fingerprint=table.fingerprint,
        rows=rows,
        memory_bytes=int(frame.estimated_size()),
        duplicate_rows=rows - int(distinct_rows),
        columns=tuple(profiles),
        missing_patterns=tuple(patterns),
        timings=tuple(timings),
        computed_on=today,
    )


def _special_codes(
    seen: list[tuple[int, int]], cmin: float | None, cmax: float | None, count: int, stats: dict
) -> tuple[SpecialCode, ...]:
    """Which candidate codes sit apart from the other values.

    A positive code (99, 9999…) counts when it is above every other value or a spike of ≥ 1 % of the values;
    a negative code (-1, -999…) when every other value is non-negative; 0 when every other value is positive
    the smallest is above 1 and at least 5 % of the median (an age or income of 0 that means "not given";
    a count whose smallest other value is 1 keeps its legitimate zeros).
    """
    out = []
    median = dict(stats.get("quantiles", ())).get(0.5)
    for code, n in seen:
        if code > 0:
            apart = (cmax is not None and code > cmax) or n >= 0.01 * count
        elif code < 0:
            apart = cmin is not None and cmin >= 0
        else:
            apart = cmin is not None and cmin > 1 and median is not None and cmin >= 0.05 * median
        if apart:
            out.append(SpecialCode(float(code), int(n), n / count if count else 0.0))
    return tuple(out)


def to_datetime(value: object) -> datetime | None:
    return value if isinstance(value, datetime) else None
