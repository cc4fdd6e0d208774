"""The exported SQL and polars code rebuild lookups, a bridge, undated children and dated grandchildren
exactly as the engine does, in DuckDB, SQLite and PostgreSQL, on the relational bank (poisoned at and after
every cutoff, so an export that let the future in would differ)."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import duckdb
import polars as pl
import pytest
from test_features_sql import _to_sqlite_text, assert_same

from workbench.features.codegen import to_polars_code
from workbench.features.generate import generate
from workbench.features.plan import PlanOptions, plan_features
from workbench.features.relations import Relations
from workbench.features.sql import to_sql
from workbench.features.synthetic_relational import SCHEMA, make_relational_bank, poison
from workbench.io.table import Table
from workbench.privacy.gate import certify


@pytest.fixture(scope="module")
def case():
    frames = poison(make_relational_bank(accounts=150, loans=100, tx_per_account=15, seed=8)).tables
    rel = Relations.from_dict(SCHEMA)
    tables = {n: certify(Table(n, f), findings=()) for n, f in frames.items()}
    specs = plan_features(rel, tables, PlanOptions(windows=(90, 365), trend=(30, 90)))
    shapes = {s.key_path for s in specs}
    assert {("district", "account"), ("region", "district", "account"), ("standing_order",)} <= shapes
    assert {("client", "disposition"), ("district", "client", "disposition"), ("card", "disposition")} <= shapes
    return frames, rel, specs, generate(rel, tables, specs).frame


def names(specs) -> list[str]:
    return [s.name for s in specs]


def test_duckdb_rebuilds_lookups_bridges_and_undated_aggregates(case):
    frames, rel, specs, expected = case
    con = duckdb.connect()
    for name, frame in frames.items():
        con.register(name, frame.to_arrow())
    sql = to_sql(rel, specs, frames["loan"].columns, dialect="duckdb")
    assert 'JOIN "client" t1 ON t1."client_id" = t0."client_id"' not in sql  # a lookup joins the child's column
    assert 'JOIN "disposition" t1 ON t1."client_id" = t0."client_id"' in sql
    got = pl.from_arrow(con.sql(sql).to_arrow_table())
    assert_same(expected, got, names(specs))


def test_sqlite_rebuilds_lookups_bridges_and_undated_aggregates(case):
    frames, rel, specs, expected = case
    con = sqlite3.connect(":memory:")
    for name, frame in frames.items():
        text = _to_sqlite_text(frame)
        con.execute(f'CREATE TABLE "{name}" ({", ".join(repr(c).replace(chr(39), chr(34)) for c in text.columns)})')
        con.executemany(f'INSERT INTO "{name}" VALUES ({", ".join("?" * text.width)})', text.rows())
    cur = con.execute(to_sql(rel, specs, frames["loan"].columns, dialect="sqlite"))
    got = pl.DataFrame(cur.fetchall(), schema=[c[0] for c in cur.description], orient="row", infer_schema_length=None)
    assert_same(expected, got, names(specs))


@pytest.mark.postgres
@pytest.mark.slow
def test_postgresql_rebuilds_lookups_bridges_and_undated_aggregates(case, pg_url):
    sqlalchemy = pytest.importorskip("sqlalchemy")
    frames, rel, specs, expected = case
    engine = sqlalchemy.create_engine(pg_url)
    schema = f"wb_rel_{datetime.now():%H%M%S%f}"
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(f"CREATE SCHEMA {schema}"))
    try:
        for name, frame in frames.items():
            frame.to_pandas().to_sql(name, engine, schema=schema, index=False)
        sql = to_sql(
            rel, specs, frames["loan"].columns, dialect="postgres", table_names={n: f"{schema}.{n}" for n in frames}
        )
        with engine.connect() as conn:
            result = conn.exec_driver_sql(sql)
            cols = list(result.keys())
            rows = [tuple(float(v) if hasattr(v, "as_tuple") else v for v in r) for r in result.fetchall()]
        got = pl.DataFrame(rows, schema=cols, orient="row", infer_schema_length=None)
        assert_same(expected, got, names(specs))
    finally:
        with engine.begin() as conn:
            conn.execute(sqlalchemy.text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def test_exported_polars_code_rebuilds_lookups_bridges_and_undated_aggregates(case):
    frames, rel, specs, expected = case
    code = to_polars_code(rel, specs)
    assert "import workbench" not in code and "from workbench" not in code
    namespace: dict = {}
    exec(compile(code, "features_generated.py", "exec"), namespace)
    assert_same(expected, namespace["build"](frames), names(specs))
