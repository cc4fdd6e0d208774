"""``workbench profile --engine spark``: the profile of a certified Parquet file computed on Apache Spark, where
only aggregates leave the cluster and every statistic is derived locally by the code the polars engine uses.

Jobs, each one scan of the file on the cluster (the columns are renamed ``c0 … cN`` first, so a Korean or
dotted header never needs quoting):

1. **column aggregates**: nulls, NaN, approximate distinct counts (HyperLogLog, ``RSD``), moments, min/max,
   zeros, negatives, counts of the agreed special codes (``codes.KNOWN``), text lengths, date ranges, dates
   later than the time column;
2. **rows per period** of the time column (with ``--time-col``);
3. **value counts** of every column with at most ``FEW_LEVELS`` distinct values (and of the target), overall
   and in the reference period: their statistics, special codes, category levels and bin edges are exact
   (``columns.stats_from_levels``, ``binning.edges_from_counts``), as the polars engine's;
4. **numeric columns with more values**: moments, quantiles, histogram and bin edges with their special codes
   left out; quantiles and edges come from ``percentile_approx`` (rank error about 1/``ACCURACY``), so the
   result names those columns (``approximate_edges``, ``ColumnProfile.quantiles_sampled``);
5. **bin counts** of every feature × bin × target × period in one aggregation over the features stacked
   (one row per row and feature: ``explode`` of the binned values, then ``groupBy``);
6. **distinct rows**: a 64-bit hash of every row, counted once.

WOE, IV, AUC, KS (``target.analysis_from_counts``) and PSI (``stability.stability_from_counts``) then read
those counts, so on the same bins both engines give the same numbers. Not computed on Spark: correlations and
missing patterns (they need rows, not aggregates: the profile says the sample is empty), a numeric target's
correlation and mutual information, and the largest gap between dates of a column with many dates.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from workbench.errors import UserError
from workbench.privacy.gate import MaskedTable
from workbench.profile import Profile, assemble
from workbench.profile.binning import BinSpec, edge_levels, edges_above, edges_from_counts
from workbench.profile.columns import (
    FEW_LEVELS,
    HIST_BINS,
    QUANTILES,
    SPECIAL_CODES,
    TableProfile,
    codes_seen,
    column_profiles,
    confirmed_codes,
    stat_key,
    stats_from_levels,
    text_stats,
)
from workbench.profile.correlations import Correlations
from workbench.profile.kinds import Kind, is_date_dtype, is_string_dtype
from workbench.profile.stability import (
    check_periods,
    stability_columns,
    stability_from_counts,
)
from workbench.profile.target import TargetCounts, TargetError, analysis_from_counts, event_of_levels, feature_columns
from workbench.spark.session import job_progress

N_BINS = 10  # quantile bins of a numeric feature, as the polars engine cuts them
MAX_LEVELS = 20  # levels of a categorical feature before "other"
ACCURACY = 10_000  # percentile_approx accuracy: rank error about 1/ACCURACY of the rows
MEDIAN_ACCURACY = 100  # the first pass's median (is 0 a code?): rank error 1 %, a small buffer per column
RSD = 0.05  # relative standard deviation of approx_count_distinct (Spark's default; 0.01 took 7× as long)
EPOCH = date(1970, 1, 1)
DAY_TEXT = r"^\d{4}-\d{2}-\d{2}$"  # the texts a time column may hold, as stability.period_expr reads them
MONTH_TEXT = r"^\d{4}-\d{2}$"


class SparkProfileError(UserError):
    """The file cannot be profiled on Spark (changed since it was certified, not Parquet, a Spark failure)."""


@dataclass(frozen=True)
class Injected:
    """Bins to use instead of fitting them (features by name): the polars engine's, to compare engines on the
    same bins."""

    target: Mapping[str, BinSpec] | None = None
    stability: Mapping[str, BinSpec] | None = None


def first_line(err: BaseException) -> str:
    """The first meaningful line of a Spark/JVM failure, short enough for a one-line message (py4j: the
    JVM's own exception, which says what went wrong)."""
    java = getattr(err, "java_exception", None)
    text = str(java.toString()) if java is not None else str(err)
    return (text.strip().split("\n")[0].strip() or type(err).__name__)[:200]


def _F():
    from pyspark.sql import functions as F

    return F


def _number(dtype: pl.DataType) -> bool:
    return dtype.is_numeric() and dtype != pl.Boolean


def _present(c, dtype: pl.DataType):
    """The column with NaN read as missing (Spark treats NaN as a value)."""
    F = _F()
    return F.when(~F.isnan(c), c) if dtype.is_float() else c


def _days(c):
    F = _F()
    return F.datediff(F.to_date(c), F.lit(EPOCH.isoformat()))


def period_column(c, dtype: pl.DataType):
    """The first day of each row's month, as ``stability.period_expr`` reads dates and texts."""
    F = _F()
    if dtype == pl.String:
        day = F.when(c.rlike(DAY_TEXT), c.cast("date"))
        month = F.when(c.rlike(MONTH_TEXT), F.concat(c, F.lit("-01")).cast("date"))
        return F.trunc(F.coalesce(day, month), "month")
    return F.trunc(F.to_date(c), "month")


def _moments(x, k: Callable[[str], str]) -> list:
    """Mean, sample standard deviation, min and max (skew and kurtosis: ``_power_sums``; Spark's own
    ``skewness``/``kurtosis`` took six times as long as every other aggregate of the pass together)."""
    F = _F()
    return [
        F.mean(x).alias(k("mean")),
        F.stddev_samp(x).alias(k("std")),
        F.min(x).alias(k("min")),
        F.max(x).alias(k("max")),
    ]


def _power_sums(x, center: float, k: Callable[[str], str]) -> list:
    """Count and sums of (x - center)^1…4: plain sums, cheap on Spark; ``center`` near the mean keeps large
    amounts from cancelling."""
    F = _F()
    d = x - F.lit(center)
    return [F.count(x).alias(k("n")), *[F.sum(F.pow(d, p)).alias(k(f"s{p}")) for p in (1, 2, 3, 4)]]


def _skew_kurt(n: int, s1: float, s2: float, s3: float, s4: float) -> tuple[float | None, float | None]:
    """Skew and excess kurtosis (both biased, as polars computes them) from sums of powers about any center."""
    if not n:
        return None, None
    mu, e2, e3, e4 = s1 / n, s2 / n, s3 / n, s4 / n
    m2 = e2 - mu * mu
    if m2 <= 0:
        return None, None
    m3 = e3 - 3 * mu * e2 + 2 * mu**3
    m4 = e4 - 4 * mu * e3 + 6 * mu * mu * e2 - 3 * mu**4
    return m3 / m2**1.5, m4 / m2**2 - 3.0


def _pass1(df, schema: pl.Schema, today: date, time_column: str | None) -> dict[str, object]:
    """Job 1: every per-column aggregate that needs no earlier result, under the polars engine's keys."""
    F = _F()
    names = list(schema)
    exprs = [F.count(F.lit(1)).alias("rows")]
    known = [float(c) for c in SPECIAL_CODES if c]
    for i, (name, dtype) in enumerate(schema.items()):
        c = F.col(f"c{i}")
        k = lambda s, i=i: stat_key(i, s)  # noqa: E731
        exprs.append(F.count(F.when(c.isNull(), 1)).alias(k("null")))
        exprs.append((F.count(F.when(F.isnan(c), 1)) if dtype.is_float() else F.lit(0)).alias(k("nan")))
        exprs.append(F.approx_count_distinct(_present(c, dtype), RSD).alias(k("approx")))
        if dtype == pl.Boolean:
            exprs.append(F.count(F.when(c, 1)).alias(k("true")))
        elif _number(dtype):
            x = _present(c, dtype).cast("double")
            rest = F.when(~x.isin([0.0, *known]), x)
            exprs += [
                *_moments(x, k),
                F.percentile_approx(x, 0.5, MEDIAN_ACCURACY).alias(k("median")),
                F.count(F.when(x == 0, 1)).alias(k("zeros")),
                F.count(F.when(x < 0, 1)).alias(k("neg")),
                F.min(rest).alias(k("cmin")),
                F.max(rest).alias(k("cmax")),
            ]
        elif is_date_dtype(dtype):
            d = F.to_date(c)
            exprs += [
                F.min(d).alias(k("dmin")),
                F.max(d).alias(k("dmax")),
                F.count(F.when(d > F.lit(today.isoformat()).cast("date"), 1)).alias(k("future")),
            ]
            if time_column is not None and name != time_column and schema[time_column].is_temporal():
                anchor = F.col(f"c{names.index(time_column)}").cast("timestamp")
                x = c.cast("timestamp")
                both = x.isNotNull() & anchor.isNotNull()
                exprs += [
                    F.count(F.when(both & (x > anchor), 1)).alias(k("after")),
                    F.count(F.when(both, 1)).alias(k("both")),
                ]
        elif is_string_dtype(dtype):
            s = c.cast("string")
            exprs += [
                F.min(F.length(s)).alias(k("lmin")),
                F.mean(F.length(s)).alias(k("lmean")),
                F.max(F.length(s)).alias(k("lmax")),
                F.min(s).alias(k("min")),
                F.max(s).alias(k("max")),
            ]
    row = df.agg(*exprs).collect()[0].asDict()
    for i, (_name, dtype) in enumerate(schema.items()):
        if row[stat_key(i, "null")] and row[stat_key(i, "approx")] is not None:
            row[stat_key(i, "approx")] += 1  # polars' HyperLogLog counts null as a value; column_profiles takes it off
        if _number(dtype):  # the median only decides whether 0 is a code (codes.apart); quantiles come later
            row[stat_key(i, "skew")] = row[stat_key(i, "kurt")] = None
            median = row.pop(stat_key(i, "median"))
            row[stat_key(i, "q")] = [median if q == 0.5 else None for q in QUANTILES]
    return row


def _value_counts(df, keyed: Sequence[tuple[int, object, object]], ref) -> pl.DataFrame:
    """Job 3: one ``groupBy`` of several columns' present values stacked (``explode``): ``key`` (which column),
    ``v`` (a number, or days since 1970), ``s`` (a text), ``ref`` (in the reference period), ``n`` rows."""
    F = _F()
    schema = {"key": pl.Int64, "v": pl.Float64, "s": pl.String, "ref": pl.Boolean, "n": pl.Int64}
    if not keyed:
        return pl.DataFrame(schema=schema)
    items = F.array(*[F.struct(F.lit(k).alias("key"), v.alias("v"), s.alias("s")) for k, v, s in keyed])
    stacked = df.select(F.explode(items).alias("x"), ref.alias("ref")).select("x.key", "x.v", "x.s", "ref")
    present = stacked.where(F.col("v").isNotNull() | F.col("s").isNotNull())
    rows = present.groupBy("key", "v", "s", "ref").count().collect()
    return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")


def _keyed(i: int, dtype: pl.DataType, *, as_text: bool):
    """(number, text) of a column's present values for ``_value_counts``; a number's text only where it is
    read as text (``as_text``: the target's levels, a number the analyst calls categorical), since writing
    doubles as text was most of this job's time."""
    F = _F()
    c = F.col(f"c{i}")
    if is_date_dtype(dtype):
        return _days(c).cast("double"), F.lit(None).cast("string")
    if _number(dtype):
        x = _present(c, dtype).cast("double")
        return x, F.when(x.isNotNull(), c.cast("string")) if as_text else F.lit(None).cast("string")
    return F.lit(None).cast("double"), c.cast("string")


def _few(dtype: pl.DataType, approx: int | None, few_levels: int) -> bool:
    """Counted by value (exact statistics), as the polars engine's ``FEW_LEVELS`` rule: numbers, texts,
    booleans and dates (not times of day)."""
    usable = _number(dtype) or is_string_dtype(dtype) or dtype in (pl.Date, pl.Boolean)
    return usable and approx is not None and approx <= few_levels


def _level_frame(sub: pl.DataFrame, dtype: pl.DataType) -> pl.DataFrame:
    """(``v``, ``n``) sorted by value, as ``levels.sorted_counts`` gives them (dates as Int32 days)."""
    by = sub.group_by("v").agg(pl.col("n").sum()).sort("v")
    cast = pl.Int32 if is_date_dtype(dtype) else dtype
    return by.select(pl.col("v").cast(cast), pl.col("n").cast(pl.UInt32))


def _text_frame(sub: pl.DataFrame) -> pl.DataFrame:
    return sub.group_by("s").agg(pl.col("n").sum()).rename({"s": "v"})


def _histogram(x, lo: float, hi: float) -> list:
    """``HIST_BINS`` equal-width bins over [lo, hi] laid out as ``pl.Expr.hist`` lays them (right edges,
    right-closed, the first closed on both sides): the count expressions, in bin order."""
    F = _F()
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    width = (hi - lo) / HIST_BINS
    at = F.least(F.greatest(F.ceil((x - F.lit(lo)) / F.lit(width)) - 1, F.lit(0)), F.lit(HIST_BINS - 1))
    return [F.count(F.when(at == k, 1)) for k in range(HIST_BINS)], [lo + width * (k + 1) for k in range(HIST_BINS)]


@dataclass(frozen=True)
class _Wide:
    """What job 4 gives for one numeric column with many values: edges over every row and over the
    reference period (approximate quantiles)."""

    edges: tuple[float, ...]
    reference_edges: tuple[float, ...] | None


def _wide_numbers(df, schema: pl.Schema, wide: Sequence[int], p1: dict, p2: dict, ref) -> dict[int, _Wide]:
    """Job 4: moments, quantiles, histogram and bin edges of numeric columns with many values, their
    special codes left out (``percentile_approx``: approximate)."""
    F = _F()
    if not wide:
        return {}
    levels = edge_levels(N_BINS)
    exprs, layout = [], {}
    for i in wide:
        dtype = schema.dtypes()[i]
        x = _present(F.col(f"c{i}"), dtype).cast("double")
        found = [c.value for c in p1.get(stat_key(i, "special")) or ()]
        if found:
            x = F.when(~x.isin(found), x)
        k = lambda s, i=i: f"{i}|w|{s}"  # noqa: E731
        exprs.append(F.percentile_approx(x, [*QUANTILES, *levels], ACCURACY).alias(k("q")))
        exprs += _moments(x, k) if found else [F.min(x).alias(k("min"))]
        if p1.get(stat_key(i, "mean")) is not None:
            exprs += _power_sums(x, float(p1[stat_key(i, "mean")]), k)
        if ref is not None:
            at_ref = F.when(ref, x)
            exprs += [F.percentile_approx(at_ref, levels, ACCURACY).alias(k("rq")), F.min(at_ref).alias(k("rmin"))]
        lo = p2.get(stat_key(i, "cmin")) if found else p1.get(stat_key(i, "min"))
        hi = p2.get(stat_key(i, "cmax")) if found else p1.get(stat_key(i, "max"))
        if lo is not None and hi is not None:
            counts, right = _histogram(x, float(lo), float(hi))
            exprs += [e.alias(k(f"h{j}")) for j, e in enumerate(counts)]
            layout[i] = right
    row = df.agg(*exprs).collect()[0].asDict()
    out = {}
    for i in wide:
        k = lambda s, i=i: f"{i}|w|{s}"  # noqa: E731
        q = row[k("q")]
        if q is None:  # nothing but missing values and codes
            out[i] = _Wide((), None)
            continue
        p1[stat_key(i, "q")] = q[: len(QUANTILES)]
        if k("n") in row:
            sums = [row[k(f"s{p}")] or 0.0 for p in (1, 2, 3, 4)]
            p1[stat_key(i, "skew")], p1[stat_key(i, "kurt")] = _skew_kurt(int(row[k("n")]), *sums)
        if k("mean") in row:
            p1.update({stat_key(i, s): row[k(s)] for s in ("mean", "std")})
            p2[stat_key(i, "cmin")], p2[stat_key(i, "cmax")] = row[k("min")], row[k("max")]
        if i in layout:
            p1[stat_key(i, "hist")] = [{"breakpoint": b, "count": row[k(f"h{j}")]} for j, b in enumerate(layout[i])]
        edges = edges_above(q[len(QUANTILES) :], row[k("min")])
        rq = row.get(k("rq"))
        out[i] = _Wide(edges, None if rq is None else edges_above(rq, row[k("rmin")]))
    return out


def bin_column(spec: BinSpec, c):
    """The bin index of every row as ``BinSpec.expr`` gives it: 0 missing (null, NaN), then each special
    code, then ranges (the number of edges at or below the value) or levels, last "other"."""
    F = _F()
    base = 1 + len(spec.specials)
    if spec.numeric:
        x = c.cast("double")
        body = sum((F.when(x >= e, 1).otherwise(0) for e in spec.edges), F.lit(0)) + base
        out = F.when(x.isNull() | F.isnan(x), 0)
        for k, v in enumerate(spec.specials):
            out = out.when(x == v, 1 + k)
        return out.otherwise(body)
    s = c.cast("string")
    out = F.when(s.isNull(), 0)
    for k, level in enumerate(spec.levels):
        out = out.when(s == level, base + k)
    return out.otherwise(base + len(spec.levels))


def _bin_counts(df, specs: Sequence[tuple[int, BinSpec]], y, period, n_periods: int) -> pl.DataFrame:
    """Job 5: rows per feature × bin × target × period in one aggregation over the features stacked
    (``key`` numbers the (feature, purpose) pairs). Each row's (key, bin, target, period) is one 64-bit code
    (an ``array`` of longs exploded, grouped on one column): exploding structs and grouping on four columns
    took three times as long."""
    F = _F()
    schema = {"key": pl.Int64, "b": pl.Int64, "y": pl.Int64, "p": pl.Int64, "n": pl.Int64}
    if not specs:
        return pl.DataFrame(schema=schema)
    n_bins = max(s.n_bins for _i, s in specs)
    span = n_periods + 1  # period -1 (none) … n_periods - 1, shifted by one
    base = ((y + 1) * span + (period + 1)).cast("long")  # target -1 (missing), 0, 1 shifted by one
    codes = F.array(
        *[
            ((F.lit(k * n_bins) + bin_column(s, F.col(f"c{i}"))) * (3 * span)).cast("long")
            for k, (i, s) in enumerate(specs)
        ]
    )
    stacked = df.select(F.explode(codes).alias("x"), base.alias("base")).select((F.col("x") + F.col("base")).alias("x"))
    rows = stacked.groupBy("x").count().collect()
    code = pl.DataFrame([tuple(r) for r in rows], schema={"x": pl.Int64, "n": pl.Int64}, orient="row")
    rest, bin_code = code["x"] % (3 * span), code["x"] // (3 * span)
    return pl.DataFrame(
        {
            "key": bin_code // n_bins,
            "b": bin_code % n_bins,
            "y": rest // span - 1,
            "p": rest % span - 1,
            "n": code["n"],
        },
        schema=schema,
    )


def _count_array(counts: pl.DataFrame, key: int, group: str, n_groups: int, n_bins: int) -> np.ndarray:
    sub = counts.filter((pl.col("key") == key) & (pl.col(group) >= 0))
    out = np.zeros((n_groups, n_bins), dtype=np.int64)
    np.add.at(out, (sub[group].to_numpy(), sub["b"].to_numpy()), sub["n"].to_numpy())
    return out


def _levels(sub: pl.DataFrame, limit: int) -> tuple[str, ...]:
    """The ``limit`` most frequent texts (ties by text), as ``binning.categorical_specs`` keeps them."""
    top = sub.group_by("s").agg(pl.col("n").sum()).sort(["n", "s"], descending=[True, False]).head(limit)
    return tuple(str(v) for v in top["s"])


def _numeric_spec(
    column: str, specials: tuple[float, ...], counts: pl.DataFrame | None, wide_edges: tuple[float, ...] | None
) -> BinSpec:
    """Edges exact from value counts (few values) or the approximate ones of job 4 (many)."""
    if counts is None:
        return BinSpec(column, True, wide_edges or (), specials)
    kept = counts.filter(~pl.col("v").is_in(list(specials))) if specials else counts
    kept = kept.group_by("v").agg(pl.col("n").sum()).sort("v")
    return BinSpec(column, True, edges_from_counts(kept["v"].to_numpy(), kept["n"].to_numpy(), N_BINS), specials)


def check_request(table: MaskedTable, path: str | Path, target: str | None, time_column: str | None) -> None:
    """Refuse before any Spark work: a file other than the one certified (fingerprint), a target or time
    column the table does not have, a time column that is neither a date nor text."""
    from workbench.io.parquet import file_fingerprint
    from workbench.profile.stability import StabilityError

    schema = table.schema
    if file_fingerprint(Path(path)) != table.fingerprint:
        raise SparkProfileError("profile.spark.changed", path=Path(path).name)
    if target is not None and target not in schema:
        raise TargetError("profile.target.missing_column", column=target)
    if time_column is not None and time_column not in schema:
        raise StabilityError("profile.stability.missing_column", column=time_column)
    if time_column is not None and not (schema[time_column].is_temporal() or schema[time_column] == pl.String):
        raise StabilityError("profile.stability.not_a_date", column=time_column)


def profile_on_spark(
    spark,
    table: MaskedTable,
    path: str | Path,
    *,
    target: str | None = None,
    time_column: str | None = None,
    kinds: Mapping[str, Kind] | None = None,
    today: date | None = None,
    marks: Mapping | None = None,
    inject: Injected | None = None,
    on_step: Callable[[str], None] | None = None,
    progress: Callable[[float, str], None] | None = None,
    few_levels: int = FEW_LEVELS,
) -> Profile:
    """Profile the certified Parquet file ``path`` on ``spark`` (see the module docstring): the same
    ``Profile`` the polars engine returns, from aggregates only.

    ``table`` is the file as the privacy gate certified it (``load_masked``): its fingerprint (size, schema,
    Parquet footer) is checked against the file before the first job and after the last, so Spark never
    reads a file other than the one certified. ``inject`` fixes the bins (to compare engines on the same bins);
    ``few_levels``: columns with more distinct values get approximate quantiles and edges. ``on_step(name)``
    is called as each step starts, ``progress(fraction, name)`` with Spark's job progress within it.
    """
    from workbench.io.parquet import file_fingerprint

    t_start = time.perf_counter()
    path = Path(path)
    F = _F()
    watching = ExitStack()

    def step(name: str) -> None:
        watching.close()  # the previous step's progress watch ends
        if on_step is not None:
            on_step(name)
        if progress is not None:
            watching.enter_context(job_progress(spark, progress, name))

    today = today or date.today()
    inject = inject or Injected()
    schema = table.schema
    names = list(schema)
    with watching:
        check_request(table, path, target, time_column)
        df = spark.read.parquet(str(path))
        if df.columns != names:
            raise SparkProfileError("profile.spark.changed", path=path.name)
        df = df.toDF(*[f"c{i}" for i in range(len(names))])
        timings: dict[str, float] = {}

        def timed(name: str, t0: float) -> None:
            timings[name] = time.perf_counter() - t0

        step("columns")
        t0 = time.perf_counter()
        p1 = _pass1(df, schema, today, time_column)
        rows = int(p1.pop("rows"))
        timed("spark_aggregates", t0)

        period = ref = None
        periods: list[date] = []
        period_rows: list[int] = []
        if time_column is not None:
            step("periods")
            t0 = time.perf_counter()
            ti = names.index(time_column)
            when = period_column(F.col(f"c{ti}"), schema[time_column])
            found = sorted((r[0], r[1]) for r in df.groupBy(when.alias("m")).count().collect() if r[0] is not None)
            check_periods(time_column, len(found))
            periods, period_rows = [d for d, _n in found], [int(n) for _d, n in found]
            ref = when == F.lit(periods[0].isoformat()).cast("date")
            index = F.create_map(*[F.lit(x) for k, d in enumerate(periods) for x in ((d - EPOCH).days, k)])
            period = F.coalesce(index[_days(when)], F.lit(-1))
            timed("spark_periods", t0)

        step("values")
        t0 = time.perf_counter()
        raw_approx = {i: p1[stat_key(i, "approx")] - (1 if p1[stat_key(i, "null")] else 0) for i in range(len(names))}
        few = [i for i, (_n, d) in enumerate(schema.items()) if _few(d, raw_approx[i], few_levels)]
        if target is not None and names.index(target) not in few:
            raise TargetError("profile.target.not_binary", column=target, n=raw_approx[names.index(target)])
        months = [i for i, (_n, d) in enumerate(schema.items()) if is_date_dtype(d) and i not in few]
        as_text = {target} | {c for c, kind in (kinds or {}).items() if kind not in ("numeric", "boolean")}
        keyed = [(i, *_keyed(i, schema.dtypes()[i], as_text=names[i] in as_text)) for i in few]
        keyed += [
            (
                len(names) + i,
                _days(F.trunc(F.to_date(F.col(f"c{i}")), "month")).cast("double"),
                F.lit(None).cast("string"),
            )
            for i in months
        ]
        known = F.array(*[F.lit(float(c)) for c in SPECIAL_CODES if c])
        wide_numbers = [i for i, (_n, d) in enumerate(schema.items()) if _number(d) and i not in few]
        for i in wide_numbers:  # the agreed "unknown" spellings each column holds, counted by value
            x = _present(F.col(f"c{i}"), schema.dtypes()[i]).cast("double")
            keyed.append((2 * len(names) + i, F.when(F.array_contains(known, x), x), F.lit(None).cast("string")))
        counts = _value_counts(df, keyed, ref if ref is not None else F.lit(False))
        timed("spark_value_counts", t0)

        p2: dict[str, object] = {}
        by_key = {k: sub for (k,), sub in counts.partition_by("key", as_dict=True).items()} if counts.height else {}
        empty = counts.clear()
        for i, (_name, dtype) in enumerate(schema.items()):
            if i in few:
                sub = by_key.get(i, empty)
                if is_string_dtype(dtype):
                    got = text_stats(_text_frame(sub).lazy()).collect().row(0, named=True)
                    p2.update({stat_key(i, s): got[s] for s in ("distinct", "top", "numstr")})
                    p1.update({stat_key(i, s): got[s] for s in ("lmin", "lmean", "lmax", "min", "max")})
                    p1[stat_key(i, "approx")] = got["distinct"]
                elif dtype == pl.Boolean:
                    by = _text_frame(sub).sort(["n", "v"], descending=[True, False])
                    p2[stat_key(i, "distinct")] = by.height
                    p2[stat_key(i, "top")] = [{"v": v == "true", "n": n} for v, n in by.iter_rows()]
                else:
                    p2.update(stats_from_levels(i, dtype, _level_frame(sub, dtype), p1, rows, today))
            elif _number(dtype):
                p2[stat_key(i, "cmin")], p2[stat_key(i, "cmax")] = (
                    p1.pop(stat_key(i, "cmin")),
                    p1.pop(stat_key(i, "cmax")),
                )
                held = _level_frame(by_key.get(2 * len(names) + i, empty), pl.Float64)
                p1[stat_key(i, "codes")] = [
                    {"v": 0.0, "n": p1[stat_key(i, "zeros")]},
                    *({"v": float(v), "n": int(n)} for v, n in held.iter_rows() if v != 0),
                ]
                seen = codes_seen(i, dtype, p1, rows)
                p1[stat_key(i, "special")] = confirmed_codes(i, seen, p1, p2, rows) if seen else ()
            elif is_date_dtype(dtype):
                p1[stat_key(i, "hist")] = []
                p2[stat_key(i, "months")] = by_key.get(len(names) + i, empty).height
                p2[stat_key(i, "gap")] = None

        step("numbers")
        t0 = time.perf_counter()
        wide_cols = [i for i, (_n, d) in enumerate(schema.items()) if _number(d) and i not in few]
        wide = _wide_numbers(df, schema, wide_cols, p1, p2, ref)
        timed("spark_quantiles", t0)

        dated_after = None
        if time_column is not None:
            dated_after = {
                names[i]: p1.pop(stat_key(i, "after")) / both
                for i in range(len(names))
                if stat_key(i, "both") in p1 and (both := p1.pop(stat_key(i, "both")))
            }
        columns = column_profiles(schema, rows, p1, p2, dict(kinds or {}), approximate_quantiles=True)
        step("duplicates")
        t0 = time.perf_counter()
        distinct_rows = df.select(F.xxhash64(*df.columns).alias("h")).distinct().count() if rows else 0
        timed("spark_row_hash", t0)
        tp = TableProfile(
            name=table.name,
            fingerprint=table.fingerprint,
            rows=rows,
            memory_bytes=0,
            duplicate_rows=rows - int(distinct_rows),
            columns=tuple(columns),
            missing_patterns=(),
            timings=tuple(timings.items()),
            computed_on=today,
        )

        def counts_of(i: int, *, reference: bool) -> pl.DataFrame | None:
            if i not in few:
                return None
            sub = by_key.get(i, empty)
            return sub.filter(pl.col("ref")) if reference else sub

        def approximate(spec: BinSpec) -> bool:
            return spec.numeric and names.index(spec.column) not in few

        target_specs: list[BinSpec] = []
        if target is not None:
            numeric, cats, sp = feature_columns(schema, target, tp, None, None)
            for c in numeric:
                i = names.index(c)
                target_specs.append(
                    _numeric_spec(c, sp.get(c, ()), counts_of(i, reference=False), wide.get(i, _Wide((), None)).edges)
                )
            for c in cats:
                i = names.index(c)
                target_specs.append(BinSpec(c, False, levels=_levels(by_key.get(i, empty), MAX_LEVELS)))
            if inject.target:
                target_specs = [inject.target.get(s.column, s) for s in target_specs]
        psi_specs: list[BinSpec] = []
        if time_column is not None:
            numeric, cats, sp = stability_columns(schema, [c for c in names if c not in (target, time_column)], tp)
            for c in numeric:
                i = names.index(c)
                ref_counts = counts_of(i, reference=True)
                w = wide.get(i, _Wide((), None))
                spec = _numeric_spec(c, sp.get(c, ()), ref_counts, w.reference_edges)
                if not spec.edges:  # one value in the reference period: bins from every period, as the polars engine
                    spec = _numeric_spec(c, sp.get(c, ()), counts_of(i, reference=False), w.edges)
                psi_specs.append(spec)
            for c in cats:
                i = names.index(c)
                psi_specs.append(
                    BinSpec(c, False, levels=_levels(counts_of(i, reference=True) if i in few else empty, MAX_LEVELS))
                )
            if inject.stability:
                psi_specs = [inject.stability.get(s.column, s) for s in psi_specs]

        analysis = None
        y = F.lit(-1)
        if target is not None:
            step("target")
            ti = names.index(target)
            target_levels = _text_frame(by_key.get(ti, empty)).sort(["n", "v"], descending=[True, False])
            event, non_event = event_of_levels(target, [str(v) for v in target_levels["v"]])
            col = F.col(f"c{ti}")
            y = F.when(col.isNull(), -1).when(col.cast("string") == event, 1).otherwise(0)
        step("bins")
        t0 = time.perf_counter()
        stacked = [(names.index(s.column), s) for s in (*target_specs, *psi_specs)]
        binned = _bin_counts(df, stacked, y, period if period is not None else F.lit(-1), len(periods))
        timed("spark_bin_counts", t0)
        if file_fingerprint(path) != table.fingerprint:
            raise SparkProfileError("profile.spark.changed", path=path.name)
        if target is not None:
            tcounts = {s.column: _count_array(binned, k, "y", 2, s.n_bins) for k, s in enumerate(target_specs)}
            missing = int(p1[stat_key(names.index(target), "null")])
            events = int(target_levels.filter(pl.col("v") == event)["n"].sum())
            counted = TargetCounts(
                target, event, non_event, tuple(target_specs), tcounts, rows - missing, events, missing
            )
            analysis = analysis_from_counts(
                counted,
                approximate_edges=[
                    s.column
                    for s in target_specs
                    if approximate(s) and not (inject.target and s.column in inject.target)
                ],
                seconds=timings["spark_bin_counts"],
            )
        stability = None
        if time_column is not None:
            step("stability")
            off = len(target_specs)
            pcounts = {
                s.column: _count_array(binned, off + k, "p", len(periods), s.n_bins) for k, s in enumerate(psi_specs)
            }
            stability = stability_from_counts(
                psi_specs,
                pcounts,
                [d.strftime("%Y-%m") for d in periods],
                period_rows,
                time_column,
                t_start,
                approximate_edges=[
                    s.column
                    for s in psi_specs
                    if approximate(s) and not (inject.stability and s.column in inject.stability)
                ],
            )
        corr = Correlations(rows, 0, (), (), (), (), (), ())
        step("alerts")
        return assemble(tp, corr, analysis, stability, dated_after=dated_after, time_column=time_column, marks=marks)
