"""DuckDB database files (``.duckdb``): a table read with DuckDB's own types, opened read-only.

DuckDB is optional (the ``dev`` extra installs it); without it, a ``.duckdb`` file is refused in one line
that says what to install.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from workbench.io.errors import LoadError, human_list


def _connect(path: Path):
    try:
        import duckdb
    except ImportError as err:
        raise LoadError("io.error.duckdb_missing", path=path.name) from err
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.Error as err:
        raise LoadError("io.error.corrupt_db", path=path.name) from err


def duckdb_tables(path: Path) -> list[str]:
    """Tables and views of every schema, as ``name`` (main schema) or ``schema.name``."""
    con = _connect(path)
    try:
        rows = con.execute(
            "select table_schema, table_name from information_schema.tables order by table_schema, table_name"
        ).fetchall()
    finally:
        con.close()
    return [name if schema == "main" else f"{schema}.{name}" for schema, name in rows]


def read_duckdb(path: Path, table: str | int | None) -> tuple[pl.DataFrame, str]:
    """One table (the only one when ``table`` is None) as a polars frame, and the table's name."""
    tables = duckdb_tables(path)
    if table is None and len(tables) == 1:
        table = tables[0]
    if isinstance(table, int) and 0 <= table < len(tables):
        table = tables[table]
    if table is None:
        raise LoadError("io.error.choose_table", tables=human_list(tables, 10) or "-")
    if table not in tables:
        raise LoadError("io.error.no_table", table=table, tables=human_list(tables, 10) or "-")
    con = _connect(path)
    try:
        quoted = ".".join('"' + part.replace('"', '""') + '"' for part in str(table).split("."))
        return con.sql(f"select * from {quoted}").pl(), str(table)
    finally:
        con.close()
