"""Looking at rows, not only at statistics: two columns against each other, the rows that repeat, and the
rows at the extremes of a numeric column. What analysts of the peer tools open next after the summary.

All three read a certified table (its values are masked already) and return small frozen results; the
charts and the page only draw them. Pairs are drawn from a stated, seeded sample so a 10M-row table costs
the same as a small one.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from workbench.privacy import MaskedTable

PAIR_SAMPLE = 20_000  # rows drawn for the two-column view; a density replaces points past DENSITY_FROM
DENSITY_FROM = 3_000
TOP_LEVELS = 20  # categories drawn per axis (the most frequent)
COUNT = "__rows__"


@dataclass(frozen=True)
class PairView:
    """Two columns of the same rows (a seeded sample when the table is larger than ``PAIR_SAMPLE``)."""

    x: str
    y: str
    x_numeric: bool
    y_numeric: bool
    frame: pl.DataFrame  # columns x, y; rows with a missing value in either are left out; categories cut to
    # the TOP_LEVELS most frequent; two categorical columns: x, y, COUNT (how many rows have the pair)
    rows: int  # rows of the table
    sampled: bool

    @property
    def dense(self) -> bool:
        """Too many points to read one by one: draw where they fall (a density) instead."""
        return self.frame.height > DENSITY_FROM


@dataclass(frozen=True)
class Duplicates:
    """Rows that appear more than once, each once with how often, most repeated first."""

    frame: pl.DataFrame  # the table's columns plus COUNT
    groups: int  # distinct rows that repeat
    extra_rows: int  # rows beyond the first copy (what dropping duplicates would remove)
    shown: int


@dataclass(frozen=True)
class Extremes:
    """Whole rows at the low and high end of a numeric column (missing values left out)."""

    column: str
    lowest: pl.DataFrame
    highest: pl.DataFrame


def _numeric(dtype: pl.DataType) -> bool:
    return dtype.is_numeric() and dtype != pl.Boolean


def pair_view(table: MaskedTable, x: str, y: str, *, sample: int = PAIR_SAMPLE, seed: int = 0) -> PairView:
    """``x`` against ``y``: numbers as numbers, anything else as text categories."""
    frame = table.sample_rows(sample, seed=seed) if table.height > sample else table.frame
    schema = table.schema
    picked = frame.select(pl.col(x).alias("x"), pl.col(y).alias("y")).drop_nulls()
    for name, col in (("x", x), ("y", y)):
        if schema[col].is_float():
            picked = picked.filter(pl.col(name).is_not_nan())
        elif not _numeric(schema[col]):
            picked = picked.with_columns(pl.col(name).cast(pl.String))
            top = picked[name].value_counts(sort=True).head(TOP_LEVELS)[name]
            picked = picked.filter(pl.col(name).is_in(top.implode()))
    x_num, y_num = _numeric(schema[x]), _numeric(schema[y])
    if not (x_num or y_num):
        picked = picked.group_by("x", "y").agg(pl.len().alias(COUNT)).sort(COUNT, descending=True)
    return PairView(x, y, x_num, y_num, picked, table.height, table.height > sample)


def duplicate_rows(table: MaskedTable, *, limit: int = 100) -> Duplicates:
    """Exact repeats over all columns. ``limit`` caps the rows listed, not the counts."""
    columns = table.columns
    counted = (
        table.lazy().group_by(columns).agg(pl.len().alias(COUNT)).filter(pl.col(COUNT) > 1).collect(engine="streaming")
    )
    ordered = counted.sort([COUNT, *columns], descending=[True, *([False] * len(columns))], nulls_last=True)
    extra = int(counted[COUNT].sum() - counted.height) if counted.height else 0
    shown = ordered.head(limit)
    return Duplicates(shown, counted.height, extra, shown.height)


def extremes(table: MaskedTable, column: str, *, n: int = 10) -> Extremes:
    """The ``n`` lowest and ``n`` highest values of ``column`` with their whole rows (NaN left out)."""
    dtype = table.schema[column]
    if not _numeric(dtype):
        raise ValueError(f"{column} is not numeric")
    lf = table.lazy().filter(pl.col(column).is_not_null())
    if dtype.is_float():
        lf = lf.filter(pl.col(column).is_not_nan())
    lowest = lf.sort(column).head(n).collect()
    highest = lf.sort(column, descending=True).head(n).collect()
    return Extremes(column, lowest, highest)
