"""The exported SQL and polars code rebuild lookups, a bridge, undated children and dated grandchildren
exactly as the engine does, in DuckDB, SQLite and PostgreSQL, on the relational bank (poisoned at and after
every cutoff, so an export that let the future in would differ)."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest
from test_features_sql import assert_same, postgres_run, sqlite_run

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
    got = sqlite_run(frames, to_sql(rel, specs, frames["loan"].columns, dialect="sqlite"))
    assert_same(expected, got, names(specs))


@pytest.mark.postgres
@pytest.mark.slow
def test_postgresql_rebuilds_lookups_bridges_and_undated_aggregates(case, pg_url):
    frames, rel, specs, expected = case
    columns = frames["loan"].columns
    got = postgres_run(pg_url, frames, lambda tn: to_sql(rel, specs, columns, dialect="postgres", table_names=tn))
    assert_same(expected, got, names(specs))


def test_exported_polars_code_rebuilds_lookups_bridges_and_undated_aggregates(case):
    frames, rel, specs, expected = case
    code = to_polars_code(rel, specs)
    assert "import workbench" not in code and "from workbench" not in code
    namespace: dict = {}
    exec(compile(code, "features_generated.py", "exec"), namespace)
    assert_same(expected, namespace["build"](frames), names(specs))
