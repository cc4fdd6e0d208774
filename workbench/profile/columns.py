"""Column statistics in two passes per column batch, and the table overview computed alongside.

A table in memory is one batch. A table on disk (a certified Parquet scan) is read a few columns at a time
(``reading.read_batches``), so a 10M-row table is never held whole; every per-column statistic is local to
its column, and the cross-column ones (duplicate rows, missing patterns, the row sample) are accumulated
batch by batch.

Pass 1 is one ``select`` of every per-column aggregate that needs no earlier result: counts of null and NaN
(apart), approximate distinct counts (HyperLogLog), moments, min/max, zeros, negatives, a 20-bin histogram,
string lengths, date ranges, and counts of the "unknown" codes the row sample holds. Pass 2 holds what
depends on pass 1: exact value counts (top-k, exact distinct) for columns whose approximate distinct count is
within ``EXACT_DISTINCT_MAX``, each a ``group_by`` run in parallel (``value_counts`` inside a ``select`` runs
on one thread), the range left once special codes are set aside, and date gaps. A column whose row sample
holds few values (``FEW_LEVELS``: grades, counts, flags coded 0/1, dates) skips pass 1 but for its missing
counts: one ``group_by`` of its values gives every statistic, exactly (``levels``, ``_text_levels``).
Quantiles of the other columns come from one seeded row sample, gathered once per batch and reused by the
pairwise statistics (``correlations``). Each pass is timed (``TableProfile.timings``), so a slow statistic
shows up in the benchmark, not in a guess.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
import polars as pl

from workbench.io.table import sample_positions, take_rows
from workbench.privacy.gate import MaskedTable
from workbench.profile import levels
from workbench.profile.kinds import Kind, infer_kind, is_date_dtype, is_string_dtype
from workbench.profile.reading import read_batches
from workbench.signals import codes
from workbench.signals.codes import SpecialCode

QUANTILES: tuple[float, ...] = (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)
HIST_BINS = 20
TOP_K = 10
QUANTILE_SAMPLE = 200_000  # quantiles of columns over twice this long come from a row sample this size
ROW_SAMPLE = QUANTILE_SAMPLE  # the seeded row sample of the numeric columns, for quantiles and special codes
PAIR_SAMPLE = 50_000  # of those rows, the ones kept with every column for pairwise statistics and the probe
EXACT_DISTINCT_MAX = 100_000  # up to here distinct counts are exact (value counts); beyond, HyperLogLog
SPECIAL_CODES = codes.KNOWN  # the agreed spellings; ``workbench.signals.codes`` also finds others
MISSING_PATTERN_COLUMNS = 30  # missing-pattern view over at most this many columns (most missing first)


@dataclass(frozen=True)
class TopValue:
    value: str
    count: int
    share: float  # of all rows, missing included


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


def stat_key(i: int, stat: str) -> str:
    return f"{i}|{stat}"


def _values(i: int, name: str, dtype: pl.DataType) -> pl.Expr:
    """The column with NaN turned into null, so moments and quantiles skip both."""
    col = pl.col(name)
    return col.fill_nan(None) if dtype.is_float() else col


def _quantile_expr(i: int, x: pl.Expr) -> pl.Expr:
    return x.quantile(list(QUANTILES), "nearest").alias(stat_key(i, "q"))


def _numeric_exprs(i: int, x: pl.Expr, *, quantiles: bool) -> list[pl.Expr]:
    """NaN-sensitive statistics; pass 1 runs them on the raw column, pass 2 again on columns that hold NaN.

    Quantiles of a column longer than ``2 × QUANTILE_SAMPLE`` come from the seeded row sample of
    ``QUANTILE_SAMPLE`` rows instead (``quantiles=False`` here; rank error about 0.1 % at p99;
    ``ColumnProfile.quantiles_sampled`` says so): sorting every column of a large table costs more than every
    other statistic together.
    """
    return [
        x.mean().alias(stat_key(i, "mean")),
        x.std().alias(stat_key(i, "std")),
        x.min().alias(stat_key(i, "min")),
        x.max().alias(stat_key(i, "max")),
        x.skew().alias(stat_key(i, "skew")),
        x.kurtosis().alias(stat_key(i, "kurt")),
        *([_quantile_expr(i, x)] if quantiles else []),
        x.cast(pl.Float64).hist(bin_count=HIST_BINS, include_breakpoint=True).implode().alias(stat_key(i, "hist")),
    ]


def _sample_quantiles(piece: pl.DataFrame, columns: list[tuple[int, str]]) -> dict[str, list[float]]:
    """Quantiles of long numeric columns from the row sample, NaN and null set aside: each column's
    sample sorted once by numpy (a quarter of what ``Expr.quantile`` takes for seven levels; two columns
    at a time, since numpy sorts without holding the interpreter), then the value at rank
    ``round(q × (n - 1))``, as "nearest" gives."""

    def one(name: str) -> list[float]:
        values = np.sort(piece[name].cast(pl.Float64).to_numpy())  # null as NaN, and numpy sorts NaN last
        present = values[: values.size - int(np.isnan(values).sum())]
        return levels.sorted_quantiles(present, QUANTILES) if present.size else []

    with ThreadPoolExecutor(2) as pool:
        found = list(pool.map(one, [n for _i, n in columns]))
    return {stat_key(i, "q"): q for (i, _n), q in zip(columns, found, strict=True)}


def _pass1_exprs(
    items: list[tuple[int, str, pl.DataType]],
    today: date,
    rows: int,
    few_levels: frozenset[int] = frozenset(),
    candidates: Mapping[int, list[int]] | None = None,
) -> list[pl.Expr]:
    """Pass 1 of one batch. Columns in ``few_levels`` (few distinct values in the row sample) get only
    their null and NaN counts here: every other statistic comes from their value counts in pass 2
    (``_text_levels``, ``levels``). ``candidates``: the special codes other than 0 that the row sample
    holds, per numeric column; only those are counted (0 is counted as ``zeros``)."""
    out: list[pl.Expr] = []
    exact_quantiles = rows <= 2 * QUANTILE_SAMPLE
    for i, name, dtype in items:
        col = pl.col(name)
        out.append(col.null_count().alias(stat_key(i, "null")))
        out.append((col.is_nan().sum() if dtype.is_float() else pl.lit(0)).alias(stat_key(i, "nan")))
        if i in few_levels:
            continue
        if dtype == pl.Boolean:
            out.append(col.n_unique().alias(stat_key(i, "approx")))
            out.append(col.cast(pl.Int8).sum().alias(stat_key(i, "true")))
            continue
        out.append(col.approx_n_unique().alias(stat_key(i, "approx")))
        if dtype.is_numeric():
            out += _numeric_exprs(i, col, quantiles=exact_quantiles)
            out += [(col == 0).sum().alias(stat_key(i, "zeros")), (col < 0).sum().alias(stat_key(i, "neg"))]
            out += [(col == c).sum().alias(stat_key(i, f"code{c}")) for c in (candidates or {}).get(i, [])]
        elif is_date_dtype(dtype):
            d = col.cast(pl.Date)
            out += [
                d.min().alias(stat_key(i, "dmin")),
                d.max().alias(stat_key(i, "dmax")),
                (d > pl.lit(today)).sum().alias(stat_key(i, "future")),
                d.cast(pl.Int32)
                .cast(pl.Float64)
                .hist(bin_count=HIST_BINS, include_breakpoint=True)
                .implode()
                .alias(stat_key(i, "hist")),
            ]
        elif is_string_dtype(dtype):
            s = col.cast(pl.String)
            lengths = s.str.len_chars()
            out += [
                lengths.min().alias(stat_key(i, "lmin")),
                lengths.mean().alias(stat_key(i, "lmean")),
                lengths.max().alias(stat_key(i, "lmax")),
                s.min().alias(stat_key(i, "min")),
                s.max().alias(stat_key(i, "max")),
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


def _pass2(
    chunk: pl.DataFrame,
    items: list[tuple[int, str, pl.DataType]],
    p1: dict[str, object],
    rows: int,
    sampled_quantiles: bool,
    few_levels: frozenset[int] = frozenset(),
    today: date | None = None,
) -> dict[str, object]:
    """What depends on pass 1, for one batch: exact value counts where bounded, the range left once special
    codes are set aside, date gaps, and the NaN-free moments of float columns that hold NaN.

    Columns in ``few_levels`` get every statistic from their value counts: text from ``_text_levels``,
    numbers and dates from ``levels``; those statistics are written into ``p1`` under pass 1's keys."""
    few_text = [(i, n) for i, n, d in items if i in few_levels and is_string_dtype(d)]
    few_values = [(i, n, d) for i, n, d in items if i in few_levels and not is_string_dtype(d)]
    counted = [
        (i, n) for i, n, _d in items if i not in few_levels and (p1[stat_key(i, "approx")] or 0) <= EXACT_DISTINCT_MAX
    ]
    exprs: list[pl.Expr] = []
    for i, name, dtype in items:
        if i in few_levels:
            continue
        seen = codes_seen(i, dtype, p1, rows)
        if seen:
            codes = pl.lit(pl.Series([c for c, _ in seen], dtype=dtype))
            x = _values(i, name, dtype).filter(~pl.col(name).is_in(codes.implode()))
            # every statistic without the candidates: the codes when all are confirmed (the usual case)
            exprs += [e.name.suffix("|seen") for e in _numeric_exprs(i, x, quantiles=not sampled_quantiles)]
        if is_date_dtype(dtype):
            d = pl.col(name).cast(pl.Date).drop_nulls().unique().sort()
            exprs.append(d.diff().dt.total_days().max().alias(stat_key(i, "gap")))
            months = pl.col(name).cast(pl.Date).dt.truncate("1mo").drop_nulls().n_unique()
            exprs.append(months.alias(stat_key(i, "months")))
        elif is_string_dtype(dtype):
            exprs.append(
                pl.col(name)
                .cast(pl.String)
                .drop_nulls()
                .head(20_000)
                .str.contains(NUMERIC_TEXT)
                .mean()
                .alias(stat_key(i, "numstr"))
            )
        if dtype.is_float() and p1[stat_key(i, "nan")]:
            exprs += [
                e.name.suffix("|nan_free")
                for e in _numeric_exprs(i, _values(i, name, dtype), quantiles=not sampled_quantiles)
            ]
    queries = [_value_counts(chunk, n) for _i, n in counted]
    queries += [_text_levels(chunk, n) for _i, n in few_text]
    if exprs:
        queries.append(chunk.lazy().select(exprs))
    with ThreadPoolExecutor(2) as pool:  # numpy counts numbers while polars counts text
        value_counts = pool.map(levels.sorted_counts, [chunk[n] for _i, n, _d in few_values])
        results = pl.collect_all(queries) if queries else []
        level_frames = list(value_counts)
    out: dict[str, object] = {}
    for (i, _n), res in zip(counted + few_text, results, strict=False):
        row = res.row(0, named=True)
        out[stat_key(i, "distinct")] = int(row["distinct"] or 0)
        out[stat_key(i, "top")] = row["top"] or []
        for stat in ("lmin", "lmean", "lmax", "min", "max", "numstr"):
            if stat in row:
                out[stat_key(i, stat)] = row[stat]
    for (i, _n, dtype), counts in zip(few_values, level_frames, strict=True):
        out.update(stats_from_levels(i, dtype, counts, p1, rows, today or date.today()))
    if exprs:
        out.update(results[-1].row(0, named=True))
    for key in [k for k in out if k.endswith(("|min|seen", "|max|seen"))]:  # the range without the candidates
        out[key.removesuffix("|seen").replace("|min", "|cmin").replace("|max", "|cmax")] = out.pop(key)
    return out


def stats_from_levels(
    i: int, dtype: pl.DataType, counts: pl.DataFrame, p1: dict[str, object], rows: int, today: date
) -> dict[str, object]:
    """A numeric or date column's statistics from its value counts (``levels``): pass 1's keys go into
    ``p1``, the rest (distinct, top, range without codes, date gaps) are returned as pass 2's."""
    out: dict[str, object] = {
        stat_key(i, "distinct"): counts.height,
        stat_key(i, "top"): _top_rows(counts, date_days=is_date_dtype(dtype)),
    }
    p1[stat_key(i, "approx")] = counts.height
    if not counts.height:  # nothing but null and NaN: what pass 1 gives an empty column
        stats = ("dmin", "dmax", "hist") if is_date_dtype(dtype) else ("mean", "std", "min", "max", "skew", "kurt")
        p1.update({stat_key(i, s): None for s in stats})
        p1.update({stat_key(i, s): 0 for s in ("zeros", "neg", "future")})
        p1.update({stat_key(i, "q"): [], stat_key(i, "hist"): [], stat_key(i, "codes"): []})
        return out
    v, n = counts["v"].to_numpy(), counts["n"].to_numpy()  # sorted by value (``levels.sorted_counts``)
    if is_date_dtype(dtype):
        found = levels.date_stats(i, v, n, today=today, bins=HIST_BINS)
        out[stat_key(i, "gap")], out[stat_key(i, "months")] = (
            found.pop(stat_key(i, "gap")),
            found.pop(stat_key(i, "months")),
        )
        p1.update(found)
        return out
    found = codes.find(v, n) if dtype != pl.Boolean else ()
    keep = ~np.isin(v, np.array([c.value for c in found], dtype=np.float64))
    if found and keep.any():  # codes left out of moments, quantiles and the histogram; the range stays whole
        p1.update(
            levels.numeric_stats(i, v[keep], n[keep], codes=SPECIAL_CODES, quantile_levels=QUANTILES, bins=HIST_BINS)
        )
        p1.update({stat_key(i, "min"): v[0].item(), stat_key(i, "max"): v[-1].item()})
        p1.update({stat_key(i, "zeros"): int(n[v == 0].sum()), stat_key(i, "neg"): int(n[v < 0].sum())})
        out[stat_key(i, "cmin")], out[stat_key(i, "cmax")] = v[keep][0].item(), v[keep][-1].item()
    else:
        p1.update(levels.numeric_stats(i, v, n, codes=SPECIAL_CODES, quantile_levels=QUANTILES, bins=HIST_BINS))
    p1[stat_key(i, "special")] = found
    p1[stat_key(i, "qexact")] = True
    return out


def _top_rows(counts: pl.DataFrame, *, date_days: bool) -> list[dict[str, object]]:
    """The ``TOP_K`` most frequent values of a (v, n) frame, as ``_TOP_VALUES`` gives them (dates as
    dates again: ``levels`` counts them as days)."""
    if not counts.height:
        return []
    if date_days:
        counts = counts.with_columns(pl.col("v").cast(pl.Date))
    return counts.select(_TOP_VALUES).item()


# of a (v, n) frame of value counts: the TOP_K most frequent values, ties in value order
_TOP_VALUES = pl.struct("v", "n").sort_by(["n", "v"], descending=[True, False]).head(TOP_K).implode().alias("top")
NUMERIC_TEXT = r"^\s*[-+]?\d[\d,]*(\.\d+)?\s*$"
FEW_PROBE = 20_000  # rows of the row sample that decide whether a column has few values
FEW_LEVELS = 10_000  # at most this many values in the probe: the column is profiled from its value counts


def _text_levels(chunk: pl.DataFrame, name: str) -> pl.LazyFrame:
    """Every statistic of a text column with few levels from one ``group_by`` of its values: distinct, top,
    min/max, lengths (weighted by count) and the share of values that read as numbers. Cheaper than
    hashing, measuring and comparing a million strings once per statistic."""
    levels = chunk.lazy().filter(pl.col(name).is_not_null()).group_by(pl.col(name).cast(pl.String).alias("v"))
    return text_stats(levels.len("n"))


def text_stats(g: pl.LazyFrame) -> pl.LazyFrame:
    """``_text_levels``'s statistics from value counts (``v`` the text, ``n`` its rows), wherever they were
    counted (here by polars, on a cluster by Spark)."""
    length, n = pl.col("v").str.len_chars(), pl.col("n")
    return g.select(
        pl.len().alias("distinct"),
        _TOP_VALUES,
        pl.col("v").min().alias("min"),
        pl.col("v").max().alias("max"),
        length.min().alias("lmin"),
        ((length * n).sum() / n.sum()).alias("lmean"),
        length.max().alias("lmax"),
        (pl.col("v").str.contains(NUMERIC_TEXT).cast(pl.Int64) * n).sum().truediv(n.sum()).alias("numstr"),
    )


def codes_seen(i: int, dtype: pl.DataType, p1: Mapping[str, object], rows: int) -> list[tuple[int, int]]:
    """Candidate "unknown" codes frequent enough to matter (``codes.MIN_SHARE``); none for a 0/1 flag."""
    if not dtype.is_numeric() or dtype == pl.Boolean:
        return []
    nonmissing = rows - p1[stat_key(i, "null")] - p1[stat_key(i, "nan")]  # type: ignore[operator]
    found = {int(r["v"]): int(r["n"]) for r in p1[stat_key(i, "codes")] or []}  # type: ignore[attr-defined]
    seen = sorted((code, n) for code, n in found.items() if codes.enough(n, nonmissing))  # type: ignore[arg-type]
    return seen if seen and (p1[stat_key(i, "approx")] or 0) > 2 else []  # type: ignore[operator]


def confirmed_codes(
    i: int, seen: list[tuple[int, int]], p1: Mapping[str, object], p2: Mapping[str, object], rows: int
) -> tuple[SpecialCode, ...]:
    """Which seen candidates sit apart from the rest of the column (``codes.apart``), with their shares."""
    count = rows - p1[stat_key(i, "null")] - p1[stat_key(i, "nan")]  # type: ignore[operator]
    cmin, cmax = _num(p2.get(stat_key(i, "cmin"))), _num(p2.get(stat_key(i, "cmax")))
    median = dict(zip(QUANTILES, p1.get(stat_key(i, "q")) or [], strict=False)).get(0.5)  # type: ignore[call-overload]
    return tuple(
        SpecialCode(float(c), int(n), n / count if count else 0.0)
        for c, n in seen
        if codes.apart(c, n, count, cmin, cmax, _num(median))  # type: ignore[arg-type]
    )


def _without_codes(
    chunk: pl.DataFrame,
    items: list[tuple[int, str, pl.DataType]],
    found: Mapping[int, tuple[SpecialCode, ...]],
    piece: pl.DataFrame,
    sampled_quantiles: bool,
    seen: Mapping[int, list[tuple[int, int]]],
    p2: Mapping[str, object],
) -> dict[str, object]:
    """Moments, quantiles, histogram and range of the columns holding special codes, the codes left out.

    Pass 2 computed them without every candidate (``|seen``); when every candidate is confirmed, those are
    the numbers. Otherwise one more ``select`` over those columns only (their sample quantiles from the row
    sample, likewise)."""
    exprs, sampled, out = [], [], {}
    for i, name, dtype in items:
        if not found.get(i):
            continue
        if {c.value for c in found[i]} == {float(c) for c, _n in seen[i]}:
            ready = {k.removesuffix("|seen"): v for k, v in p2.items() if k.startswith(f"{i}|") and k.endswith("|seen")}
            out.update(ready)
            out.update(
                {stat_key(i, "min"): p2.get(stat_key(i, "cmin")), stat_key(i, "max"): p2.get(stat_key(i, "cmax"))}
            )
            if sampled_quantiles and name in piece.columns:
                sampled.append((i, name, [c.value for c in found[i]]))
            continue
        listed = pl.lit(pl.Series([c.value for c in found[i]], dtype=pl.Float64)).implode()
        x = _values(i, name, dtype).filter(~pl.col(name).cast(pl.Float64).is_in(listed))
        exprs += _numeric_exprs(i, x, quantiles=not sampled_quantiles)
        if sampled_quantiles and name in piece.columns:
            sampled.append((i, name, [c.value for c in found[i]]))
    out.update(chunk.select(exprs).row(0, named=True) if exprs else {})
    for i, name, listed in sampled:
        kept = piece.select(pl.col(name).cast(pl.Float64).fill_nan(None)).filter(~pl.col(name).is_in(listed))
        out.update(_sample_quantiles(kept, [(i, name)]))
    for i in found:
        if stat_key(i, "min") in out:
            out[stat_key(i, "cmin")], out[stat_key(i, "cmax")] = (
                out.pop(stat_key(i, "min")),
                out.pop(stat_key(i, "max")),
            )
    return out


def _is_number(dtype: pl.DataType) -> bool:
    return dtype.is_numeric() and dtype != pl.Boolean


def _pair_positions(rows: int, positions: np.ndarray | None) -> np.ndarray | None:
    """``PAIR_SAMPLE`` of the row sample's positions (seeded): the rows kept with every column."""
    if positions is None:
        return sample_positions(rows, PAIR_SAMPLE, seed=0)
    keep = sample_positions(len(positions), PAIR_SAMPLE, seed=0)
    return positions if keep is None else positions[keep]


def _probe_rows(pair: pl.DataFrame) -> pl.DataFrame:
    """``FEW_PROBE`` rows of the pair sample, every k-th, so a table sorted by date is probed over its
    whole length."""
    return pair.gather_every(max(pair.height // FEW_PROBE, 1))


def _probe_distinct(probe: pl.DataFrame, items: list[tuple[int, str, pl.DataType]]) -> dict[int, int]:
    """Distinct non-missing values in the probe rows (``_probe_rows``), for text, numbers and dates (not
    times of day).

    A column with at most ``FEW_LEVELS`` of them is cheaper to count by value than to scan once per
    statistic, and is profiled from its value counts; either way the statistics are exact, the probe
    only picks the cheaper road."""
    probed = [(i, n) for i, n, d in items if _is_number(d) or is_string_dtype(d) or d == pl.Date]
    if not probed:
        return {}
    found = probe.select(pl.col(n).drop_nulls().n_unique().alias(str(i)) for i, n in probed).row(0)
    return {i: k for (i, _n), k in zip(probed, found, strict=True)}


def _unique_column(
    chunk: pl.DataFrame, probed: int, distinct: Mapping[int, int], names: list[str], rows: int
) -> str | None:
    """A column of ``chunk`` with a different value in every row (a customer or account key), or None.

    Duplicate rows otherwise need a hash of every row over every column; a key column proves there are
    none with one exact distinct count. Only columns whose probe rows are all distinct are tried."""
    keys = [names[i] for i, k in distinct.items() if k == probed and probed > 1]
    for name in sorted(keys, key=lambda n: not chunk.schema[n].is_numeric())[:2]:  # numbers hash fastest
        if chunk[name].n_unique() == rows:
            return name
    return None


def _code_candidates(
    piece: pl.DataFrame, probe: pl.DataFrame, items: list[tuple[int, str, pl.DataType]]
) -> dict[int, list[int]]:
    """The special codes other than 0 that occur in the row sample, per numeric column: the agreed spellings
    (a code frequent enough to count, ``codes.MIN_SHARE`` of a column longer than the sample, so ≥ 200 rows
    expected in it, is all but certain to be there) and those ``codes.find`` finds in the probe rows'
    value counts. Pass 1 then counts only these on the whole column."""
    numbers = [(i, n) for i, n, d in items if _is_number(d)]
    if not numbers:
        return {}
    out = _known_candidates(piece, numbers)
    for i, name in numbers:
        counts = levels.sorted_counts(probe[name])
        found = codes.find(counts["v"].cast(pl.Float64).to_numpy(), counts["n"].to_numpy(), min_rows=2)
        extra = {int(c.value) for c in found if c.value != 0}
        if extra:
            out[i] = sorted(set(out.get(i, [])) | extra)
    return out


def _known_candidates(piece: pl.DataFrame, numbers: list[tuple[int, str]]) -> dict[int, list[int]]:
    wanted = pl.lit(pl.Series([float(c) for c in SPECIAL_CODES if c])).implode()
    found = piece.select(
        pl.col(n).cast(pl.Float64).filter(pl.col(n).cast(pl.Float64).is_in(wanted)).unique().implode().alias(str(i))
        for i, n in numbers
    ).row(0)
    return {i: sorted(int(c) for c in codes) for (i, _n), codes in zip(numbers, found, strict=True) if codes}


@dataclass(frozen=True)
class ColumnPass:
    """What one read of the table yields: the column profiles, and the seeded row sample (every column,
    at most ``PAIR_SAMPLE`` rows) that the pairwise statistics reuse instead of reading the table again."""

    profile: TableProfile
    sample: pl.DataFrame


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
    return scan_columns(table, kinds=kinds, today=today).profile


def _value_counts(chunk: pl.DataFrame, name: str) -> pl.LazyFrame:
    """Exact distinct count and top values of one column, NaN and null set aside (a ``group_by``, which
    runs in parallel with the other columns' under ``collect_all``)."""
    x = pl.col(name)
    present = x.is_not_null() & (~x.is_nan() if chunk.schema[name].is_float() else pl.lit(True))
    groups = chunk.lazy().filter(present).group_by(x.alias("v")).len("n")
    return groups.select(pl.len().alias("distinct"), _TOP_VALUES)


def scan_columns(
    table: MaskedTable,
    *,
    kinds: Mapping[str, Kind] | None = None,
    today: date | None = None,
) -> ColumnPass:
    """``profile_columns``, also returning the row sample it gathered on the way."""
    if not isinstance(table, MaskedTable):
        raise TypeError("profile_columns accepts only a MaskedTable (see workbench.privacy.certify)")
    today = today or date.today()
    kinds = dict(kinds or {})
    schema = table.schema
    names = list(schema)
    index = {n: i for i, n in enumerate(names)}
    rows = table.height
    positions = sample_positions(rows, ROW_SAMPLE, seed=0)
    pair_positions = _pair_positions(rows, positions)
    sampled_quantiles = rows > 2 * QUANTILE_SAMPLE
    timings = {"read": 0.0, "pass1_aggregates": 0.0, "pass2_value_counts": 0.0, "row_hash": 0.0}
    p1: dict[str, object] = {}
    p2: dict[str, object] = {}
    missing_masks: dict[int, pl.Series] = {}
    row_hash: np.ndarray | None = None
    unique_key: str | None = None  # a column proven to hold no value twice: then no row repeats either
    memory = 0
    pieces: list[pl.DataFrame] = []

    batches = read_batches(table, names)
    while True:
        t0 = time.perf_counter()
        chunk = next(batches, None)
        if chunk is None:
            break
        batch = chunk.columns
        memory += int(chunk.estimated_size())
        items = [(index[n], n, schema[n]) for n in batch]
        pair = take_rows(chunk, pair_positions)
        pieces.append(pair)
        timings["read"] += time.perf_counter() - t0

        t0 = time.perf_counter()
        probe = _probe_rows(pair)
        distinct = _probe_distinct(probe, items)
        few = frozenset(i for i, k in distinct.items() if k <= FEW_LEVELS)
        numbers = [n for i, n, d in items if i not in few and _is_number(d)]  # the rest come from value counts
        piece = take_rows(chunk.select(numbers), positions) if numbers else pl.DataFrame()
        unique_key = unique_key or _unique_column(chunk, probe.height, distinct, names, rows)
        candidates = _code_candidates(piece, probe, [it for it in items if it[0] not in few])
        b1 = chunk.select(_pass1_exprs(items, today, rows, few, candidates)).row(0, named=True)
        for i, _n, d in items:
            if i not in few and _is_number(d):
                counted = [{"v": float(c), "n": b1.pop(stat_key(i, f"code{c}"))} for c in candidates.get(i, [])]
                b1[stat_key(i, "codes")] = [{"v": 0.0, "n": b1[stat_key(i, "zeros")]}, *counted]
        if sampled_quantiles:
            b1.update(_sample_quantiles(piece, [(i, n) for i, n, d in items if i not in few and _is_number(d)]))
        timings["pass1_aggregates"] += time.perf_counter() - t0

        t0 = time.perf_counter()
        b2 = _pass2(chunk, items, b1, rows, sampled_quantiles, few, today)
        seen = {i: c for i, _n, d in items if i not in few and (c := codes_seen(i, d, b1, rows))}
        found = {i: confirmed_codes(i, c, b1, b2, rows) for i, c in seen.items()}
        b1.update({stat_key(i, "special"): f for i, f in found.items()})
        clean = _without_codes(chunk, items, found, piece, sampled_quantiles, seen, b2)
        for i in few:  # exact distinct counts; text counted by level also takes its statistics from pass 2
            b1[stat_key(i, "approx")] = b2[stat_key(i, "distinct")]
            if is_string_dtype(schema[names[i]]):
                b1.update({stat_key(i, s): b2[stat_key(i, s)] for s in ("lmin", "lmean", "lmax", "min", "max")})
        p1.update(b1)
        p2.update(b2)
        for key in [k for k in clean if k.endswith(("|cmin", "|cmax"))]:
            p2[key] = clean.pop(key)
        p1.update({f"{k}|clean": v for k, v in clean.items()})
        for i, name, _dtype in items:
            if b1[stat_key(i, "null")] + b1[stat_key(i, "nan")] > 0:
                col = chunk[name]
                missing_masks[i] = col.is_null() | col.is_nan() if b1[stat_key(i, "nan")] else col.is_null()
        timings["pass2_value_counts"] += time.perf_counter() - t0

        t0 = time.perf_counter()
        if rows and unique_key is None:
            row_hash = _combine_hashes(row_hash, chunk.hash_rows(seed=0).to_numpy())
        timings["row_hash"] += time.perf_counter() - t0
        del chunk

    for key in [k for k in p2 if k.endswith("|nan_free")]:
        p1[key.removesuffix("|nan_free")] = p2[key]
    for key in [k for k in p1 if k.endswith("|clean")]:  # codes left out: after the NaN-free values
        p1[key.removesuffix("|clean")] = p1.pop(key)
    distinct_rows = pl.Series(row_hash).n_unique() if row_hash is not None and unique_key is None else rows
    sample = pl.concat(pieces, how="horizontal") if pieces and names else pl.DataFrame()
    timed = tuple((k, v) for k, v in timings.items() if k != "read" or not table.in_memory)

    profiles = column_profiles(schema, rows, p1, p2, kinds)
    profile = TableProfile(
        name=table.name,
        fingerprint=table.fingerprint,
        rows=rows,
        memory_bytes=memory,
        duplicate_rows=rows - int(distinct_rows),
        columns=tuple(profiles),
        missing_patterns=_missing_patterns(names, missing_masks),
        timings=timed,
        computed_on=today,
    )
    return ColumnPass(profile, sample)


def column_profiles(
    schema: pl.Schema,
    rows: int,
    p1: Mapping[str, object],
    p2: Mapping[str, object],
    kinds: Mapping[str, Kind],
    *,
    approximate_quantiles: bool = False,
) -> list[ColumnProfile]:
    """Every column's profile from the statistics of both passes (keys ``{i}|stat``), kinds inferred: the
    one assembly whichever engine computed the statistics (polars here, Spark in ``workbench.spark``).
    ``approximate_quantiles``: quantiles not counted from value counts are approximate (``quantiles_sampled``)."""
    profiles = []
    for i, (name, dtype) in enumerate(schema.items()):
        n_null, n_nan = int(p1[stat_key(i, "null")]), int(p1[stat_key(i, "nan")])
        count = rows - n_null - n_nan
        top: tuple[TopValue, ...] = ()
        if stat_key(i, "distinct") in p2:
            distinct, exact = int(p2[stat_key(i, "distinct")]), True  # type: ignore[call-overload]
            top = tuple(TopValue(str(r["v"]), int(r["n"]), r["n"] / rows) for r in p2[stat_key(i, "top")])  # type: ignore[attr-defined]
        else:
            distinct, exact = min(int(p1[stat_key(i, "approx")]), count), False
            if n_null and distinct > 0:
                distinct -= 1  # HyperLogLog counts null as a value
        stats: dict[str, object] = {}
        if dtype == pl.Boolean:
            stats["mean"] = p1[stat_key(i, "true")] / count if count else None
            distinct, exact = int(p1[stat_key(i, "approx")]) - (1 if n_null else 0), True
        elif dtype.is_numeric():
            hist = p1[stat_key(i, "hist")]
            stats.update(
                mean=_num(p1[stat_key(i, "mean")]),
                std=_num(p1[stat_key(i, "std")]),
                min=_num(p1[stat_key(i, "min")]),
                max=_num(p1[stat_key(i, "max")]),
                zeros=int(p1[stat_key(i, "zeros")]),
                negatives=int(p1[stat_key(i, "neg")]),
                skew=_num(p1[stat_key(i, "skew")]),
                kurtosis=_num(p1[stat_key(i, "kurt")]),
                quantiles=tuple(
                    (q, float(v)) for q, v in zip(QUANTILES, p1[stat_key(i, "q")] or [], strict=False) if v is not None
                ),
                quantiles_sampled=(approximate_quantiles or rows > 2 * QUANTILE_SAMPLE)
                and not p1.get(stat_key(i, "qexact")),
                histogram=_histogram(hist) if count else (),
            )
            if found := p1.get(stat_key(i, "special")):
                stats["special_codes"] = found
                stats["min_without_codes"] = _num(p2.get(stat_key(i, "cmin")))
                stats["max_without_codes"] = _num(p2.get(stat_key(i, "cmax")))
        elif is_date_dtype(dtype):
            dmin, dmax = p1[stat_key(i, "dmin")], p1[stat_key(i, "dmax")]
            stats.update(date_min=dmin, date_max=dmax, future_count=int(p1[stat_key(i, "future")]))
            if dmin is not None and dmax is not None:
                stats["min"], stats["max"] = str(dmin), str(dmax)
                span = (dmax.year - dmin.year) * 12 + dmax.month - dmin.month + 1
                stats["date_empty_months"] = span - int(p2[stat_key(i, "months")])
                gap = p2[stat_key(i, "gap")]  # None with two dates or more: not computed (Spark, many dates)
                stats["date_largest_gap_days"] = int(gap) if gap is not None else (0 if dmin == dmax else None)
                stats["histogram"] = _histogram(p1[stat_key(i, "hist")])
        elif is_string_dtype(dtype):
            stats.update(
                length_min=p1[stat_key(i, "lmin")],
                length_mean=_num(p1[stat_key(i, "lmean")]),
                length_max=p1[stat_key(i, "lmax")],
                min=p1[stat_key(i, "min")],
                max=p1[stat_key(i, "max")],
                numeric_string_share=_num(p2.get(stat_key(i, "numstr"))),
            )
        inferred = infer_kind(
            name,
            dtype,
            count=count,
            distinct=distinct,
            minimum=stats.get("min") if isinstance(stats.get("min"), float) else None,  # type: ignore[arg-type]
            maximum=stats.get("max") if isinstance(stats.get("max"), float) else None,  # type: ignore[arg-type]
            mean_length=stats.get("length_mean"),  # type: ignore[arg-type]
            length_min=stats.get("length_min"),  # type: ignore[arg-type]
            length_max=stats.get("length_max"),  # type: ignore[arg-type]
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

    return profiles


_HASH_MIX = np.uint64(0x9E3779B97F4A7C15)  # odd, so multiplying by it is a bijection on 64-bit words


def _combine_hashes(acc: np.ndarray | None, h: np.ndarray) -> np.ndarray:
    """One 64-bit hash per row over every batch: ``acc × K xor h`` (wrapping), which keeps equal rows equal
    and is a bijection in each argument, so distinct rows collide no more often than one hash would."""
    if acc is None:
        return h.copy()
    np.multiply(acc, _HASH_MIX, out=acc)
    np.bitwise_xor(acc, h, out=acc)
    return acc


def _missing_patterns(names: list[str], masks: Mapping[int, pl.Series]) -> tuple[MissingPattern, ...]:
    """The ``TOP_K`` most common sets of columns missing together, over the ``MISSING_PATTERN_COLUMNS``
    most-missing columns: each row's missing columns as one bit code, then one count of the codes."""
    chosen = sorted(masks, key=lambda i: (-int(masks[i].sum()), i))[:MISSING_PATTERN_COLUMNS]
    if not chosen:
        return ()
    bit = [
        pl.when(masks[i]).then(pl.lit(1 << b, pl.UInt32)).otherwise(pl.lit(0, pl.UInt32)) for b, i in enumerate(chosen)
    ]
    code = pl.select(pl.sum_horizontal(bit).alias("code"))  # ≤ 30 columns: one 32-bit word per row
    counts = code.group_by("code").len("n").sort(["n", "code"], descending=[True, False]).head(TOP_K)
    out = []
    for bits, n in counts.iter_rows():
        cols = tuple(names[i] for b, i in enumerate(chosen) if bits >> b & 1)
        out.append(MissingPattern(cols, int(n)))
    return tuple(out)


def to_datetime(value: object) -> datetime | None:
    return value if isinstance(value, datetime) else None
