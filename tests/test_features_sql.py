"""The exported SQL rebuilds exactly the polars values in DuckDB, SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

import duckdb
import polars as pl
import pytest
from test_features_generate import LIMIT_USE, OUT_IN, SCHEMA, bank_frames, masked

from workbench.features.generate import generate
from workbench.features.plan import PlanOptions, plan_features
from workbench.features.relations import Relations
from workbench.features.sql import to_sql
from workbench.features.transforms import fit_transform_specs


@pytest.fixture(scope="module")
def case():
    frames = bank_frames(customers=150, per_customer=30)
    loans = frames["loans"]
    # a second application of some customers (same and different cutoffs) and a missing income
    frames["loans"] = pl.concat(
        [
            loans,
            loans.head(20).with_columns(pl.col("loan_id") + "b", pl.col("applied_at").dt.offset_by("45d")),
            loans.slice(20, 5).with_columns(pl.col("loan_id") + "c"),
        ]
    ).with_columns(
        pl.when(pl.int_range(pl.len()) % 7 == 0).then(None).otherwise(pl.col("loan_amount")).alias("loan_amount")
    )
    # overdrawn balances (the synthetic bank never goes below zero), so the limit use is not all zeros
    frames["transactions"] = frames["transactions"].with_columns(pl.col("balance_after") - 3_000_000)
    rel = Relations.from_dict(SCHEMA)
    tables = masked(frames)
    specs = plan_features(
        rel, tables, PlanOptions(ratios=(OUT_IN,), balance_use=(LIMIT_USE,), windows=(7, 30, 90, 365))
    )
    specs += fit_transform_specs(
        frames["loans"],
        "loans",
        numeric=["loan_amount"],
        categorical=["default_12m"],
        dates=["applied_at"],
        target="default_12m",
        alias="loan",
    )
    expected = generate(rel, tables, specs).frame
    use = expected["tx_limit_krw_use_max_90d"]
    assert use.null_count() < use.len() and (use > 0).sum() > 20  # the limit use has values worth comparing
    return frames, rel, specs, expected


def assert_same(expected: pl.DataFrame, got: pl.DataFrame, names: list[str]) -> None:
    got = got.sort("loan_id")
    expected = expected.sort("loan_id")
    assert got["loan_id"].to_list() == expected["loan_id"].to_list()
    mismatched = []
    for n in names:
        a, b = expected[n], got[n]
        if a.dtype == pl.String:
            same = a.to_list() == b.cast(pl.String).to_list()
        else:
            a, b = a.cast(pl.Float64), b.cast(pl.Float64)
            both_null = a.is_null() & b.is_null()
            close = ((a - b).abs() <= 1e-6 + 1e-9 * a.abs()).fill_null(False)
            same = bool((both_null | close).all())
        if not same:
            mismatched.append(n)
    assert not mismatched, f"{len(mismatched)} of {len(names)} differ, e.g. {mismatched[:5]}"


def exportable(specs) -> list[str]:
    """Names whose exported value equals the training table's: all but target encodings, whose training
    values are out-of-fold while the export serves the full-data mapping (checked by ``served``)."""
    return [s.name for s in specs if s.transform != "target_encoding"]


def full_fit(loans: pl.DataFrame, column: str, target: str, smoothing: float) -> tuple[dict, float]:
    """The serving mapping computed by hand: (defaults + smoothing × overall rate) / (rows + smoothing)."""
    rows = [(v, y) for v, y in zip(loans[column].cast(pl.String), loans[target], strict=True) if y is not None]
    prior = sum(y for _, y in rows) / len(rows)
    out = {}
    for v in {v for v, _ in rows}:
        ys = [y for w, y in rows if w == v]
        out[v] = (sum(ys) + smoothing * prior) / (len(ys) + smoothing)
    return out, prior


def served(specs, loans: pl.DataFrame) -> pl.DataFrame:
    """Per label row, what each exported target encoding must give: the full fit, the prior when unseen."""
    cols = {"loan_id": loans["loan_id"]}
    for s in specs:
        if s.transform == "target_encoding":
            mapping, prior = full_fit(loans, s.column, "default_12m", s.param("smoothing"))
            cols[s.name] = [mapping.get(v, prior) for v in loans[s.column].cast(pl.String)]
    return pl.DataFrame(cols)


def test_duckdb_rebuilds_every_polars_value(case):
    frames, rel, specs, expected = case
    con = duckdb.connect()
    for name, frame in frames.items():
        con.register(name, frame.to_arrow())
    sql = to_sql(rel, specs, frames["loans"].columns, dialect="duckdb")
    assert "INTERVAL '365' DAY" in sql and "< k.wb_cutoff" in sql
    got = pl.from_arrow(con.sql(sql).to_arrow_table())
    assert got.height == expected.height
    assert_same(expected, got, exportable(specs))
    assert "mapping fitted on all training rows" in sql
    assert_same(served(specs, frames["loans"]), got, ["loan_default_12m_te"])


def _to_sqlite_text(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.col(c).dt.strftime("%Y-%m-%d %H:%M:%S") if isinstance(d, pl.Datetime) else pl.col(c).dt.strftime("%Y-%m-%d")
        for c, d in frame.schema.items()
        if d == pl.Date or isinstance(d, pl.Datetime)
    )


def sqlite_run(frames: dict[str, pl.DataFrame], sql: str) -> pl.DataFrame:
    """``sql`` on an in-memory SQLite holding ``frames`` (dates as text, as SQLite keeps them)."""
    con = sqlite3.connect(":memory:")
    for name, frame in frames.items():
        text = _to_sqlite_text(frame)
        cols = ", ".join(f'"{c}"' for c in text.columns)
        con.execute(f'CREATE TABLE "{name}" ({cols})')
        con.executemany(f'INSERT INTO "{name}" VALUES ({", ".join("?" * text.width)})', text.rows())
    cur = con.execute(sql)
    names = [c[0] for c in cur.description]
    return pl.DataFrame(cur.fetchall(), schema=names, orient="row", infer_schema_length=None)


def postgres_run(pg_url: str, frames: dict[str, pl.DataFrame], sql_for) -> pl.DataFrame:
    """``sql_for(table_names)`` on PostgreSQL, ``frames`` loaded into a schema of their own (dropped after)."""
    sqlalchemy = pytest.importorskip("sqlalchemy")
    engine = sqlalchemy.create_engine(pg_url)
    schema = f"wb_features_{datetime.now():%H%M%S%f}"
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(f"CREATE SCHEMA {schema}"))
    try:
        for name, frame in frames.items():
            frame.to_pandas().to_sql(name, engine, schema=schema, index=False)
        with engine.connect() as conn:
            result = conn.exec_driver_sql(sql_for({n: f"{schema}.{n}" for n in frames}))
            names = list(result.keys())
            rows = [tuple(float(v) if hasattr(v, "as_tuple") else v for v in r) for r in result.fetchall()]
        return pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None)
    finally:
        with engine.begin() as conn:
            conn.execute(sqlalchemy.text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def test_sqlite_rebuilds_every_polars_value_with_its_own_date_arithmetic(case):
    frames, rel, specs, expected = case
    sql = to_sql(rel, specs, frames["loans"].columns, dialect="sqlite")
    assert "datetime(wb_cutoff, '-365 days')" in sql
    got = sqlite_run(frames, sql)
    assert_same(expected, got, exportable(specs))
    assert_same(served(specs, frames["loans"]), got, ["loan_default_12m_te"])


@pytest.mark.postgres
@pytest.mark.slow
def test_postgresql_rebuilds_every_polars_value(case, pg_url):
    frames, rel, specs, expected = case
    columns = frames["loans"].columns
    got = postgres_run(pg_url, frames, lambda names: to_sql(rel, specs, columns, dialect="postgres", table_names=names))
    assert_same(expected, got, exportable(specs))
    assert_same(served(specs, frames["loans"]), got, ["loan_default_12m_te"])


def test_an_event_at_the_cutoff_instant_is_excluded_by_the_sql_too():
    frames = {
        "customers": pl.DataFrame({"customer_id": ["A"]}),
        "transactions": pl.DataFrame(
            {
                "tx_id": [1, 2, 3],
                "customer_id": ["A"] * 3,
                "amount": [10, 20, 40],
                "ts": [datetime(2024, 3, 31, 23, 59, 59), datetime(2024, 4, 1), datetime(2024, 3, 2)],
            }
        ),
        "loans": pl.DataFrame({"loan_id": ["L"], "customer_id": ["A"], "applied_at": [date(2024, 4, 1)]}),
    }
    rel = Relations.from_dict(
        {
            "tables": {
                "customers": {"key": "customer_id"},
                "transactions": {"key": "tx_id", "parent": "customers", "parent_key": "customer_id", "time": "ts"},
            },
            "label": {"table": "loans", "key": "customer_id", "cutoff": "applied_at"},
        }
    )
    from workbench.features.spec import FeatureSpec

    specs = [FeatureSpec(source="transactions", aggregation="sum", column="amount", window=30)]
    con = duckdb.connect()
    for name, frame in frames.items():
        con.register(name, frame.to_arrow())
    got = con.sql(to_sql(rel, specs, ["loan_id"], dialect="duckdb")).fetchall()
    assert got == [("L", 50)]  # 23:59:59 the day before and exactly 30 days before count; midnight does not
    assert generate(rel, masked(frames), specs).frame.row(0) == ("L", "A", date(2024, 4, 1), 50)


def test_exported_polars_code_runs_alone_and_rebuilds_every_value(case):
    from workbench.features.codegen import to_polars_code

    frames, rel, specs, expected = case
    code = to_polars_code(rel, specs)
    assert "import workbench" not in code and "from workbench" not in code
    namespace: dict = {}
    exec(compile(code, "features_generated.py", "exec"), namespace)
    got = namespace["build"](frames)
    assert_same(expected, got, exportable(specs))
    assert_same(served(specs, frames["loans"]), got, ["loan_default_12m_te"])
    assert "mapping fitted on all training rows" in code


def test_an_exported_target_encoding_serves_the_full_fit_to_new_applications():
    """Fitted on the sample's loans; new applications include a product never seen and one left blank."""
    from conftest import SAMPLE

    from workbench.features.codegen import to_polars_code

    loans = pl.read_parquet(SAMPLE / "loans.parquet")
    label = {"table": "loans", "key": "customer_id", "cutoff": "applied_at", "target": "default_12m"}
    rel = Relations.from_dict({"tables": {}, "label": label})
    (te,) = [
        s
        for s in fit_transform_specs(loans, "loans", categorical=["loan_product"], target="default_12m", alias="loan")
        if s.transform == "target_encoding"
    ]
    mapping, prior = full_fit(loans, "loan_product", "default_12m", 20.0)
    products = sorted(mapping)
    assert len(products) >= 3 and 0.03 < prior < 0.1
    new = pl.DataFrame(
        {
            "loan_id": [f"N{i}" for i in range(len(products) + 2)],
            "customer_id": ["Cnew"] * (len(products) + 2),
            "applied_at": [date(2025, 7, 1)] * (len(products) + 2),
            "loan_product": [*products, "신상품", None],
        }
    )
    want = [*(mapping[p] for p in products), prior, prior]

    con = duckdb.connect()
    con.register("loans", new.to_arrow())
    from_duckdb = con.sql(to_sql(rel, [te], ["loan_id"], dialect="duckdb")).fetchall()
    lite = sqlite3.connect(":memory:")
    lite.execute('CREATE TABLE loans ("loan_id", "customer_id", "applied_at", "loan_product")')
    lite.executemany("INSERT INTO loans VALUES (?, ?, ?, ?)", _to_sqlite_text(new).rows())
    from_sqlite = lite.execute(to_sql(rel, [te], ["loan_id"], dialect="sqlite")).fetchall()
    namespace: dict = {}
    exec(compile(to_polars_code(rel, [te]), "te_generated.py", "exec"), namespace)
    from_code = namespace["build"]({"loans": new})[te.name].to_list()
    for got in ([v for _, v in from_duckdb], [v for _, v in from_sqlite], from_code):
        assert got == pytest.approx(want, rel=1e-12)

    # on the training rows themselves the table keeps out-of-fold values: close to the mapping, never equal
    training = generate(rel, masked({"loans": loans}), [te]).frame
    served_there = training["loan_product"].replace_strict(mapping, default=prior, return_dtype=pl.Float64)
    assert (training[te.name] - served_there).abs().max() < 0.02  # percentage points of default rate
    assert (training[te.name] != served_there).all()
