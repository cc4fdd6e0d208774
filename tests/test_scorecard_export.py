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


def _card(scale: PointsScale | None = None):
    df = loans(3000, seed=3)
    X, y = df.select(FEATURES), df["default_12m"].to_numpy()
    idx = np.arange(len(y))
    options = ScorecardOptions(specials=(("monthly_income", (9999999.0,)),), scale=scale or PointsScale())
    card = fit_scorecard(X, y, {"train": idx[:2000], "valid": idx[2000:2500], "test": idx[2500:]}, options=options)
    new = loans(500, seed=30, month0=13, shift=-20).with_columns(  # a later month, with odd rows mixed in
        loan_product=pl.when(pl.int_range(pl.len()) % 50 == 0).then(pl.lit("오토론")).otherwise("loan_product"),
        bureau_score=pl.when(pl.int_range(pl.len()) % 61 == 0).then(None).otherwise("bureau_score"),
    )
    return card, new


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
    try:
        new.to_pandas().to_sql("loans", engine, schema=schema, index=False)
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
    for dialect in DIALECTS:
        sql = scorecard_sql(card, table="대출_신청", dialect=dialect)
        assert sql.count(' END AS "points_') == len(card.names)
        assert 'FROM "대출_신청" t' in sql and f"({dialect})" in sql
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
