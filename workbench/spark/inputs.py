"""The spec's inputs on Spark, each through the privacy gate before Spark may read it.

A Parquet path passes the gate as it does for the polars engine (``load_masked``: scanned, certified, the
audit log says so; PII refuses the table in the same one line), then Spark reads the same file under a view
name of ours. A metastore table (``table: db.name``) must already hold a certification in the workspace
(``workbench.spark.certify``) whose fingerprint, computed on Spark, still matches the table; otherwise it is
refused. Nothing else reaches a query.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workbench.errors import UserError
from workbench.features.project import FeatureProject
from workbench.privacy.gate import MaskedTable


class SparkInputError(UserError):
    """An input the Spark engine cannot read as it is (not Parquet, a table missing from the metastore)."""


PARQUET = (".parquet", ".pq")


def spark_inputs(
    session: Any, project: FeatureProject, *, actor: str | None = None, store: Any = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """(spec table → certified table, spec table → the name Spark reads it by). Each file or metastore
    table passes the gate once, whatever the spec calls it (the label may share a table's file)."""
    from workbench.commands._common import load_masked

    tables: dict[str, Any] = {}
    views: dict[str, str] = {}
    done: dict[str, tuple[Any, str]] = {}
    for name, path in project.paths().items():
        where = str(Path(path).resolve())
        if where not in done:
            if Path(where).suffix.lower() not in PARQUET:
                raise SparkInputError("spark.error.not_parquet", table=name, path=str(path))
            masked = load_masked(path, actor=actor, lazy=None)
            view = f"wb_input_{len(done)}"
            session.read.parquet(where).createOrReplaceTempView(view)
            done[where] = (masked, view)
        tables[name], views[name] = done[where]
    label = project.relations.label.table
    for name, qualified in project.metastore_tables().items():
        if qualified not in done:
            from workbench.spark.certify import certified_table

            done[qualified] = (certified_table(session, qualified, store=store, local=name == label), qualified)
        tables[name], views[name] = done[qualified]
    return tables, views


def is_masked(table: Any) -> bool:
    return isinstance(table, MaskedTable)
