"""What the feature planner and the spec checks ask of a table's rows: a column's most frequent values,
distinct counts, repeated keys and the counts that tell an identifier.

Asked of a polars ``LazyFrame``, polars answers. Asked of anything else, a table whose rows live on a Spark
cluster (``workbench.spark.tables.SparkFrame``), that object answers with the same numbers computed where
the rows are: only these aggregates come back, and the plan is the one polars would make.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl


def top_values(frame: Any, column: str, limit: int) -> list[str]:
    """The ``limit`` most frequent values (ties: the smaller value first), sorted. Grouped before the values
    become text, so a categorical column of 100M rows is never spelled out."""
    if not isinstance(frame, pl.LazyFrame):
        return frame.top_values(column, limit)
    counts = (
        frame.select(column)
        .drop_nulls()
        .group_by(column)
        .len()
        .with_columns(pl.col(column).cast(pl.String))
        .sort(["len", column], descending=[True, False])
        .head(limit)
        .collect()
    )
    return sorted(str(v) for v in counts.get_column(column).to_list())


def distinct_counts(frame: Any, columns: Sequence[str], *, nulls: bool) -> tuple[int, ...]:
    """Distinct values of each column; ``nulls``: a null counts as one more value (polars' ``n_unique``)."""
    if not columns:
        return ()
    if not isinstance(frame, pl.LazyFrame):
        return frame.distinct_counts(columns, nulls=nulls)
    exprs = [pl.col(c).n_unique() if nulls else pl.col(c).drop_nulls().n_unique() for c in columns]
    return tuple(int(n) for n in frame.select(exprs).collect().row(0))


def repeated_keys(frame: Any, column: str) -> int:
    """Rows whose key repeats an earlier row's (a second null counts as a repeat)."""
    if not isinstance(frame, pl.LazyFrame):
        return frame.repeated_keys(column)
    lf = frame.select(pl.col(column))
    row = lf.select(pl.len().alias("n"), pl.col(column).n_unique().alias("u")).collect().row(0)
    return int(row[0] - row[1])


def identifier_counts(frame: Any, columns: Sequence[str], schema: pl.Schema) -> dict[str, Any]:
    """Per column ``i`` of ``columns`` (integer or text): ``n{i}`` non-null values, ``d{i}`` distinct ones
    (estimated by HyperLogLog in polars, about 1 % off), and ``lo{i}``/``hi{i}``, the range of an integer
    or the shortest and longest text."""
    if not isinstance(frame, pl.LazyFrame):
        return frame.identifier_counts(columns)
    exprs = []
    for i, c in enumerate(columns):
        x = pl.col(c)
        exprs += [x.count().alias(f"n{i}"), x.drop_nulls().approx_n_unique().alias(f"d{i}")]
        if schema[c].is_integer():
            exprs += [x.min().cast(pl.Float64).alias(f"lo{i}"), x.max().cast(pl.Float64).alias(f"hi{i}")]
        else:
            width = x.cast(pl.String).str.len_chars()
            exprs += [width.min().cast(pl.Float64).alias(f"lo{i}"), width.max().cast(pl.Float64).alias(f"hi{i}")]
    return frame.select(exprs).collect().row(0, named=True)
