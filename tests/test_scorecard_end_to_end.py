"""Issue 22's "done when", on the shipped sample bank through the command line: a scorecard is built on the
first months' loans, an expert edits a bin (stored, audited, replayed), the scorecard is exported to SQL, and
a later month is scored from the raw tables with reasons in Korean and English; the SQL gives the same score
and grade on that month's feature table as the app."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner
from conftest import SAMPLE
from test_scorecard_rebuild import CUT, LATER, spec

from workbench.cli import cli
from workbench.model.edits import BinEdit, edits_to_json
from workbench.model.scorecard import Scorecard
from workbench.model.scorecard_export import scorecard_sql
from workbench.store import Store

pytestmark = pytest.mark.skipif(not (SAMPLE / "transactions.parquet").exists(), reason="sample bank not generated")


def invoke(*args: str) -> dict:
    out = CliRunner().invoke(cli, ["--lang", "en", *args, "--json"])
    assert out.exit_code == 0, out.output
    return json.loads(out.stdout)


def test_built_edited_exported_and_scoring_a_new_month_with_reasons(workspace, tmp_path):
    duckdb = pytest.importorskip("duckdb")
    loans = pl.read_parquet(SAMPLE / "loans.parquet").drop("overdue_days_after")  # recorded after: a leak
    early, late = tmp_path / "loans.parquet", tmp_path / "loans_2025_05.parquet"
    loans.filter(pl.col("applied_at") < CUT).write_parquet(early)
    loans.filter(pl.col("applied_at") >= LATER).drop("default_12m").write_parquet(late)  # not matured yet

    # 1. built: features for the first months, the scorecard beside LightGBM, stored with the feature build
    invoke("features", "--spec", str(spec(tmp_path, str(early))), "-o", str(tmp_path / "features.parquet"))
    first = invoke("train", str(tmp_path / "features.parquet"), "--target", "default_12m")
    card = Scorecard.from_dict(first["scorecard_model"])
    bureau = card.feature("bureau_score").binning
    assert len(bureau.edges) >= 2 and first["feature_build"]["specs"]

    # 2. edited: an expert merges the two lowest bureau-score ranges; stored, audited, replayed by the next fit
    merge = BinEdit("merge", "bureau_score", bins=(bureau.first_body, bureau.first_body + 1))
    with Store.open(workspace) as store:
        store.bin_edits.save("features", "default_12m", edits_to_json([merge]), expected_version=0, actor="심사역")
        assert store.audit.list(action="scorecard.bins_edited")[0].payload["features"] == ["bureau_score"]
    second = invoke("train", str(tmp_path / "features.parquet"), "--target", "default_12m")
    edited = Scorecard.from_dict(second["scorecard_model"])
    assert edited.feature("bureau_score").binning.edges == bureau.edges[1:]
    assert second["config"]["scorecard"]["edits_version"] == 1

    # 3. scoring a new month from the raw tables: label file in, features rebuilt, reasons in both languages
    scored = invoke("score", second["run_id"], str(late), "-o", str(tmp_path / "scored.parquet"))
    out = pl.read_parquet(tmp_path / "scored.parquet")
    month = pl.read_parquet(late)
    assert scored["rows"] == out.height == month.height and out.columns[: month.width] == month.columns
    assert out["reason_1_ko"].null_count() < out.height and out["reason_1_en"].null_count() < out.height
    assert out.select(pl.col("reason_1_ko").str.contains("점").any()).item()

    # 4. exported to SQL: on the month's feature table (`workbench features`), DuckDB gives the app's score
    invoke("features", "--spec", str(spec(tmp_path, str(late), target=False)), "-o", str(tmp_path / "month.parquet"))
    con = duckdb.connect()
    con.register("loans_2025_05", pl.read_parquet(tmp_path / "month.parquet").to_arrow())
    got = pl.from_arrow(con.sql(scorecard_sql(edited, table="loans_2025_05", dialect="duckdb")).to_arrow_table())
    assert got["loan_id"].to_list() == out["loan_id"].to_list()
    assert np.array_equal(got["score"].cast(pl.Float64).to_numpy(), out["score"].to_numpy())
    assert got["score_band"].cast(pl.Int64).to_list() == out["score_band"].to_list()
