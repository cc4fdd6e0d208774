"""Export: the SQL score equals the in-app score on the same rows (SQLite, DuckDB, PostgreSQL), the polars code
too, every dialect of the features export is covered, and the points table goes to Excel; reasons name the
characteristics that cost the most points."""

from __future__ import annotations

import io
import sqlite3
from datetime import datetime

import numpy as np
import polars as pl
import pytest
from scorecard_data import FEATURES, loans

from workbench.model.points import PointsScale
from workbench.model.reasons import descriptions, scorecard_reasons
from workbench.model.scorecard import ScorecardOptions, fit_scorecard
from workbench.model.scorecard_export import DIALECTS, scorecard_polars, scorecard_sql
from workbench.report.excel import scorecard_excel

NUMERIC = ("bureau_score", "months_at_job", "monthly_income")


def _with_codes(df: pl.DataFrame) -> pl.DataFrame:
    """Numbers as floats (a NaN is possible), months at the job -1 ("not employed") on 1 row in 40: a special
    code nobody declares, found by ``workbench.signals.codes`` like the income's 9999999."""
    i = pl.int_range(pl.len())
    return df.with_columns(pl.col(c).cast(pl.Float64) for c in NUMERIC).with_columns(
        months_at_job=pl.when(i % 40 == 7).then(-1.0).otherwise("months_at_job")
    )


def _odd_rows(card, like: pl.DataFrame) -> pl.DataFrame:
    """A row per bin edge (exactly on it), per special code, NaN and NULL per number, an unseen level."""
    base = like.row(0, named=True)
    rows = []
    for f in NUMERIC:
        b = card.feature(f).binning
        rows += [{**base, f: v} for v in (*b.edges, *b.specials, float("nan"), None)]
    rows.append({**base, "loan_product": "처음보는상품"})
    rows.append({**base, "loan_product": None})
    out = pl.DataFrame(rows, schema=like.schema)
    return out.with_columns(loan_id=pl.format("E{}", pl.int_range(pl.len())))


def _card(scale: PointsScale | None = None):
    df = _with_codes(loans(3000, seed=3))
    X, y = df.select(FEATURES), df["default_12m"].to_numpy()
    idx = np.arange(len(y))
    options = ScorecardOptions(scale=scale or PointsScale())  # no special code declared: they are found
    card = fit_scorecard(X, y, {"train": idx[:2000], "valid": idx[2000:2500], "test": idx[2500:]}, options=options)
    new = _with_codes(loans(500, seed=30, month0=13, shift=-20)).with_columns(  # a later month, odd rows mixed in
        loan_product=pl.when(pl.int_range(pl.len()) % 50 == 0).then(pl.lit("오토론")).otherwise("loan_product"),
        bureau_score=pl.when(pl.int_range(pl.len()) % 61 == 0).then(None).otherwise("bureau_score"),
    )
    return card, pl.concat([new, _odd_rows(card, new)])


def test_special_codes_are_the_signals_rule_and_odd_rows_are_in_the_fixture(fitted):
    card, new = fitted
    assert card.feature("months_at_job").binning.specials == (-1.0,)  # found, never declared
    assert card.feature("monthly_income").binning.specials == (9999999.0,)
    assert new["months_at_job"].is_nan().sum() == 1 and new["monthly_income"].is_nan().sum() == 1
    codes = card.codes(new)
    assert (codes["months_at_job"] == 1).sum() >= 10  # the -1 rows score in their own bin
    assert (
        codes["loan_product"][new["loan_product"].to_list().index("처음보는상품")]
        == card.feature("loan_product").binning.n_bins - 1
    )  # an unseen level is "other"


@pytest.fixture(scope="module", params=["default", "bureau"])
def fitted(request):
    return _card(PointsScale.korean_bureau() if request.param == "bureau" else None)


def _check(card, new: pl.DataFrame, got: pl.DataFrame) -> None:
    got = got.sort("loan_id")
    new = new.sort("loan_id")
    assert got["loan_id"].to_list() == new["loan_id"].to_list()
    assert got.columns[: new.width] == new.columns  # every input column kept, in order
    expected = card.score(new)
    assert np.array_equal(got["score"].cast(pl.Float64).to_numpy(), expected)
    assert np.array_equal(got["score_band"].cast(pl.Int64).to_numpy(), card.bands.band(expected))
    for f in card.names:
        assert np.array_equal(got[f"points_{f}"].cast(pl.Float64).to_numpy(), card.points.points(f)[card.codes(new)[f]])


def test_sqlite_score_equals_the_in_app_score(fitted):
    card, new = fitted
    con = sqlite3.connect(":memory:")
    cols = ", ".join(f'"{c}"' for c in new.columns)
    con.execute(f"CREATE TABLE loans ({cols})")
    rows = new.with_columns(pl.col("applied_at").cast(pl.String)).rows()
    con.executemany(f"INSERT INTO loans VALUES ({', '.join('?' * new.width)})", rows)
    cur = con.execute(scorecard_sql(card, table="loans", dialect="sqlite"))
    got = pl.DataFrame(cur.fetchall(), schema=[c[0] for c in cur.description], orient="row", infer_schema_length=None)
    _check(card, new.with_columns(pl.col("applied_at").cast(pl.String)), got)


def test_duckdb_score_equals_the_in_app_score(fitted):
    duckdb = pytest.importorskip("duckdb")
    card, new = fitted
    con = duckdb.connect()
    con.register("probe", new.to_arrow())
    assert con.sql("SELECT count(*) FROM probe WHERE isnan(months_at_job)").fetchall() == [(1,)]  # a real NaN
    con.register("loans", new.to_arrow())
    _check(card, new, pl.from_arrow(con.sql(scorecard_sql(card, table="loans", dialect="duckdb")).to_arrow_table()))


@pytest.mark.postgres
def test_postgresql_score_equals_the_in_app_score(fitted, pg_url):
    sqlalchemy = pytest.importorskip("sqlalchemy")
    card, new = fitted
    engine = sqlalchemy.create_engine(pg_url)
    schema = f"wb_scorecard_{datetime.now():%H%M%S%f}"
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(f"CREATE SCHEMA {schema}"))
    types = {pl.String: "TEXT", pl.Float64: "DOUBLE PRECISION", pl.Int64: "BIGINT", pl.Date: "DATE"}
    cols = ", ".join(f'"{c}" {types[d]}' for c, d in new.schema.items())
    try:
        with engine.begin() as conn:  # row by row, so a NaN reaches PostgreSQL as NaN (pandas would send NULL)
            conn.exec_driver_sql(f"CREATE TABLE {schema}.loans ({cols})")
            marks = ", ".join(["%s"] * new.width)
            conn.exec_driver_sql(f"INSERT INTO {schema}.loans VALUES ({marks})", new.rows())
            assert (
                conn.exec_driver_sql(f"SELECT count(*) FROM {schema}.loans WHERE months_at_job = 'NaN'").scalar() == 1
            )
        with engine.connect() as conn:
            result = conn.exec_driver_sql(scorecard_sql(card, table=f"{schema}.loans", dialect="postgres"))
            rows = [tuple(float(v) if hasattr(v, "as_tuple") else v for v in r) for r in result.fetchall()]
            names = list(result.keys())
        _check(card, new, pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None))
    finally:
        with engine.begin() as conn:
            conn.execute(sqlalchemy.text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def test_every_dialect_of_the_features_export_gets_one_case_per_characteristic(fitted):
    card, _ = fitted
    assert DIALECTS == ("ansi", "duckdb", "postgres", "sqlite", "spark")  # the features export's, Spark too
    for dialect in DIALECTS:
        sql = scorecard_sql(card, table="대출_신청", dialect=dialect)
        mark = "`" if dialect == "spark" else '"'
        assert sql.count(f" END AS {mark}points_") == len(card.names)
        assert f"FROM {mark}대출_신청{mark} t" in sql and f"({dialect})" in sql
    with pytest.raises(ValueError):
        scorecard_sql(card, table="loans", dialect="oracle")


def test_polars_code_scores_like_the_app(fitted):
    card, new = fitted
    namespace: dict = {}
    exec(compile(scorecard_polars(card), "scorecard.py", "exec"), namespace)  # what the bank would run
    _check(card, new, namespace["score"](new))


def test_points_table_goes_to_excel_with_grades_and_trends(fitted):
    card, _ = fitted
    sheets = pl.read_excel(io.BytesIO(scorecard_excel(card)), sheet_id=0)  # sheet names in Korean by default
    assert list(sheets)[:2] == ["점수표", "등급_학습"] and "추세" in sheets
    points = sheets["점수표"]
    assert points.height == card.points.frame().height
    for f in card.names:
        assert points.filter(pl.col("feature") == f)["points"].to_list() == card.points.points(f).tolist()
    assert sheets["등급_학습"]["rows"].sum() == 2000


def test_reasons_name_the_characteristics_that_cost_the_most_points(fitted):
    card, new = fitted
    names = descriptions(card.names)
    reasons = scorecard_reasons(card, new, names)
    codes = card.codes(new)
    lost = np.column_stack([card.points.points(f).max() - card.points.points(f)[codes[f]] for f in card.names])
    for i in range(0, new.height, 37):
        order = [card.names[j] for j in np.argsort(-lost[i], kind="stable") if lost[i, j] > 0][:3]
        got = [reasons[f"reason_{k}"][i] for k in (1, 2, 3)]
        assert got == order + [None] * (3 - len(order))
    row = int(np.argmax(lost.sum(axis=1)))
    first = card.names[int(np.argmax(lost[row]))]
    ko, en = reasons["reason_1_ko"][row], reasons["reason_1_en"][row]
    assert ko.startswith(names[first][0]) and f"{int(lost[row].max())}점" in ko
    assert en.startswith(names[first][1]) and f"{int(lost[row].max())} points below" in en
    assert names["bureau_score"] == ("신용평가사 점수", "Credit bureau score")


def test_a_row_in_every_best_bin_gets_no_reason():
    card, new = _card()
    best = {f: int(np.argmax(card.points.points(f))) for f in card.names}
    codes = card.codes(new)
    perfect = np.all([codes[f] == best[f] for f in card.names], axis=0)
    reasons = scorecard_reasons(card, new, descriptions(card.names))
    assert reasons.filter(pl.Series(perfect))["reason_1"].null_count() == int(perfect.sum())
    assert reasons.filter(~pl.Series(perfect))["reason_1"].null_count() == 0


def test_spark_score_equals_the_in_app_score(fitted, spark, tmp_path):
    card, new = fitted
    new.write_parquet(tmp_path / "loans.parquet")  # a bank's table: nulls stay nulls, a NaN stays NaN
    spark.read.parquet(str(tmp_path / "loans.parquet")).createOrReplaceTempView("loans")
    assert spark.sql("SELECT count(*) FROM loans WHERE isnan(months_at_job)").collect()[0][0] == 1
    df = spark.sql(scorecard_sql(card, table="loans", dialect="spark"))
    rows = [tuple(float(v) if hasattr(v, "as_tuple") else v for v in r) for r in df.collect()]
    _check(card, new, pl.DataFrame(rows, schema=df.columns, orient="row", infer_schema_length=None))
