"""The privacy gate for a metastore table (``table: db.name`` in a feature spec): data that already lives in
the bank's Spark estate and is never copied out to be certified.

Certifying (``certify_table``, ``workbench certify-table db.name``) runs the gate's scan on a seeded sample of
``SAMPLE_ROWS`` rows taken on Spark: a PII column refuses the table in the gate's own words; a clean table is
recorded in the workspace's audit log as ``privacy.spark_certified`` with its columns and types, row count
and a content fingerprint computed on Spark (``table_fingerprint``: the row count and the sum of every row's
64-bit hash, so it ignores row order, which a Spark table does not have). Every run checks the table again
(``certified_table``): no record, or a fingerprint that no longer matches (rows added, a column changed), and
the table is refused. Only the fingerprint's two numbers leave the cluster for the check.
"""

from __future__ import annotations

import hashlib
from typing import Any

from workbench.privacy.gate import GateError
from workbench.privacy.scan import SAMPLE_ROWS
from workbench.spark.tables import SparkTable, spark_schema

ACTION = "privacy.spark_certified"


def table_fingerprint(df: Any) -> tuple[str, int]:
    """(fingerprint, rows) of a Spark table: SHA-256 of its schema, row count and the exact sum of
    ``xxhash64`` over each row's columns (a DECIMAL(38,0) sum: no overflow below 10^19 rows)."""
    from pyspark.sql import functions as F

    hashed = F.xxhash64(*[F.col(f"`{c}`") for c in df.columns]).cast("decimal(38,0)")
    row = df.agg(F.count(F.lit(1)).alias("n"), F.sum(hashed).alias("h")).collect()[0]
    digest = hashlib.sha256()
    digest.update(repr([(n, str(d)) for n, d in spark_schema(df).items()]).encode())
    digest.update(f"{row['n']}:{row['h'] or 0}".encode())
    return digest.hexdigest()[:32], int(row["n"])


def _open(session: Any, name: str) -> Any:
    from workbench.spark.inputs import SparkInputError

    try:
        return session.table(name)
    except Exception as e:  # AnalysisException: TABLE_OR_VIEW_NOT_FOUND, a bad name, no such database
        raise SparkInputError("spark.error.no_table", table=name) from e


def certify_table(session: Any, name: str, *, store: Any = None, actor: str | None = None) -> dict:
    """Scan a sample of ``name`` for PII on the driver and record its certification (the audit payload)."""
    from workbench.io.table import Table
    from workbench.privacy.certified import _open_store, audit
    from workbench.privacy.scan import scan
    from workbench.spark.frames import to_polars

    df = _open(session, name)
    fingerprint, rows = table_fingerprint(df)
    fraction = min(1.0, 2.0 * SAMPLE_ROWS / max(rows, 1))  # about twice the scan's sample, then cut to it
    sample = to_polars(df.sample(fraction=fraction, seed=0).limit(SAMPLE_ROWS) if fraction < 1 else df)
    found = scan(Table(name, sample)).findings
    if found:
        raise GateError(
            "privacy.gate.refused",
            table=name,
            columns=", ".join(f"{f.column} ({f.pii_type})" for f in found),
            table_path=name,
        )
    payload = {
        "table": name,
        "fingerprint": fingerprint,
        "rows": rows,
        "columns": [[c, str(d)] for c, d in spark_schema(df).items()],
        "sample_rows": sample.height,
        "note": "scanned on a sample taken on Spark",
    }
    audit(_open_store(store), ACTION, payload, actor=actor)
    return payload


def certified_table(session: Any, name: str, *, store: Any = None, local: bool = False) -> Any:
    """``name`` as a certified input: a ``SparkTable`` the planner reads through aggregates, or with
    ``local`` (the label table: one row per label row, which comes back as the feature table anyway) read
    onto the driver and passed through the gate as any file is. Refused unless the newest certification
    record of ``name`` holds today's fingerprint."""
    from workbench.privacy.certified import _open_store

    df = _open(session, name)
    records = [e for e in _open_store(store).audit.list(action=ACTION) if e.payload.get("table") == name]
    if not records:
        raise GateError("spark.gate.uncertified", table=name)
    fingerprint, rows = table_fingerprint(df)
    if records[0].payload.get("fingerprint") != fingerprint:
        raise GateError("spark.gate.changed", table=name, rows=rows, certified_rows=records[0].payload.get("rows"))
    if local:
        from workbench.io.table import Table
        from workbench.privacy import auto_certify
        from workbench.spark.frames import to_polars

        return auto_certify(Table(name, to_polars(df)), store=store)
    return SparkTable(name, df, fingerprint, rows)
