"""Spark results to polars through Arrow, without pandas in between (pandas would turn an integer column
with nulls into floats, and a null into NaN)."""

from __future__ import annotations

from typing import Any

import polars as pl


def to_polars(df: Any) -> pl.DataFrame:
    """The rows of a Spark DataFrame as a polars frame, with Spark's own types (a timestamp comes back in
    the session time zone, UTC). Runs the query. Classic sessions stream Arrow batches from the JVM; a
    Spark Connect session receives an Arrow table from the server."""
    import pyarrow as pa

    if hasattr(df, "_collect_as_arrow"):  # classic
        from pyspark.sql.pandas.types import to_arrow_schema

        batches = df._collect_as_arrow()
        table = pa.Table.from_batches(batches, schema=None if batches else to_arrow_schema(df.schema))
    else:  # Spark Connect
        table, _ = df._session.client.to_table(df._plan.to_proto(df._session.client))
    return pl.from_arrow(table)  # type: ignore[return-value]
