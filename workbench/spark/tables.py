"""A certified metastore table as the feature planner sees it: a name, a schema, and the aggregates the
planner asks for (``features.table_stats``), each computed on Spark. Made only by
``workbench.spark.certify.certified_table`` after the gate's check; its rows never come to the driver."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl


def spark_schema(df: Any) -> pl.Schema:
    """The polars schema of a Spark DataFrame, as ``frames.to_polars`` would return its rows."""
    import pyarrow as pa
    from pyspark.sql.pandas.types import to_arrow_schema

    schema = to_arrow_schema(df.schema)
    return pl.from_arrow(pa.Table.from_batches([], schema=schema)).schema  # type: ignore[union-attr]


def _q(column: str) -> str:
    return "`" + column.replace("`", "``") + "`"


@dataclass(frozen=True)
class SparkFrame:
    """The planner's questions about one Spark table, answered with one aggregate query each."""

    df: Any

    def collect_schema(self) -> pl.Schema:
        return spark_schema(self.df)

    def _one_row(self, exprs: list[str]) -> Any:
        return self.df.selectExpr(*exprs).collect()[0]

    def top_values(self, column: str, limit: int) -> list[str]:
        from pyspark.sql import functions as F

        c = _q(column)
        rows = (
            self.df.where(f"{c} IS NOT NULL")
            .groupBy(F.col(c).alias("v"))
            .count()
            .select(F.col("v").cast("string").alias("v"), "count")
            .orderBy(F.col("count").desc(), F.col("v").asc())
            .limit(limit)
            .collect()
        )
        return sorted(str(r["v"]) for r in rows)

    def distinct_counts(self, columns: Sequence[str], *, nulls: bool) -> tuple[int, ...]:
        exprs = []
        for i, c in enumerate(columns):
            extra = f" + MAX(CASE WHEN {_q(c)} IS NULL THEN 1 ELSE 0 END)" if nulls else ""
            exprs.append(f"COUNT(DISTINCT {_q(c)}){extra} AS d{i}")
        row = self._one_row(exprs)
        return tuple(int(row[f"d{i}"] or 0) for i in range(len(columns)))

    def repeated_keys(self, column: str) -> int:
        (distinct,) = self.distinct_counts([column], nulls=True)
        return int(self.df.count()) - distinct

    def identifier_counts(self, columns: Sequence[str]) -> dict[str, Any]:
        """As ``table_stats.identifier_counts``, with exact distinct counts (Spark's estimate differs from
        polars'; the exact count sits within polars' 1 %)."""
        schema = self.collect_schema()
        exprs = []
        for i, c in enumerate(columns):
            x = _q(c)
            exprs += [f"COUNT({x}) AS n{i}", f"COUNT(DISTINCT {x}) AS d{i}"]
            measured = x if schema[c].is_integer() else f"char_length(CAST({x} AS STRING))"
            exprs += [f"CAST(MIN({measured}) AS DOUBLE) AS lo{i}", f"CAST(MAX({measured}) AS DOUBLE) AS hi{i}"]
        return self._one_row(exprs).asDict()


@dataclass(frozen=True)
class SparkTable:
    """A certified metastore table: ``name`` (``db.table``), the Spark DataFrame, the fingerprint its
    certification holds and its row count. ``lazy()`` gives the planner a ``SparkFrame``."""

    name: str
    df: Any
    fingerprint: str
    rows: int

    @property
    def columns(self) -> list[str]:
        return list(self.df.columns)

    @property
    def schema(self) -> pl.Schema:
        return spark_schema(self.df)

    @property
    def height(self) -> int:
        return self.rows

    def lazy(self) -> SparkFrame:
        return SparkFrame(self.df)
