"""Scoring new data with a stored run, end to end on the shipped sample loans: a scorecard is built, edited by an
expert, exported to SQL and used to score a new month with reasons (``workbench score``); refusals and drift."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner
from conftest import SAMPLE
from scorecard_data import loans, masked

from workbench.cli import cli
from workbench.i18n import set_language
from workbench.model.baseline import TrainConfig, train_baseline
from workbench.model.edits import BinEdit, edits_to_json
from workbench.model.runs import record_from_run, save_run, score_table
from workbench.model.scorecard import Scorecard
from workbench.model.scorecard_export import scorecard_sql
from workbench.model.scoring import ScoringError, score_run
from workbench.store import Store

LOANS = SAMPLE / "loans.parquet"
NEW_MONTH = date(2025, 6, 1)


@pytest.fixture(autouse=True)
def korean_again():
    yield
    set_language("ko")


def invoke(*args: str):
    return CliRunner().invoke(cli, ["--lang", "en", *args])


@pytest.mark.skipif(not LOANS.exists(), reason="sample_data/loans.parquet not generated")
def test_sample_loans_scorecard_built_edited_exported_and_scoring_a_new_month(workspace, tmp_path):
    duckdb = pytest.importorskip("duckdb")
    sample = pl.read_parquet(LOANS).drop("overdue_days_after")  # recorded after the application: a leak
    history = sample.filter(pl.col("applied_at") < NEW_MONTH)
    month = sample.filter(pl.col("applied_at") >= NEW_MONTH).drop("default_12m")  # outcomes not known yet
    history.write_parquet(tmp_path / "loans.parquet")
    month.write_parquet(tmp_path / "loans_2025_06.parquet")

    # 1. build: the scorecard is fit beside LightGBM and stored with the run
    out = invoke("train", str(tmp_path / "loans.parquet"), "--target", "default_12m", "--json")
    assert out.exit_code == 0, out.output
    first = json.loads(out.stdout)
    card = Scorecard.from_dict(first["scorecard_model"])
    bureau = card.feature("bureau_score")
    assert len(bureau.binning.edges) >= 2

    # 2. edit: an expert merges the two lowest bureau-score ranges; the edit is stored, audited, reused
    merge = BinEdit("merge", "bureau_score", bins=(bureau.binning.first_body, bureau.binning.first_body + 1))
    with Store.open(workspace) as store:
        store.bin_edits.save("loans", "default_12m", edits_to_json([merge]), expected_version=0, actor="심사역")
    out = invoke("train", str(tmp_path / "loans.parquet"), "--target", "default_12m", "--json")
    assert out.exit_code == 0, out.output
    second = json.loads(out.stdout)
    edited = Scorecard.from_dict(second["scorecard_model"])
    assert edited.feature("bureau_score").binning.edges == bureau.binning.edges[1:]
    assert second["config"]["scorecard"]["edits_version"] == 1

    # 3. export: the SQL on the new month gives the scores the app gives
    sql = scorecard_sql(edited, table="loans_2025_06", dialect="duckdb")
    con = duckdb.connect()
    con.register("loans_2025_06", month.to_arrow())
    by_sql = pl.from_arrow(con.sql(sql).to_arrow_table()).sort("loan_id")

    # 4. score the new month: every input column kept, score, grade and three reasons in Korean and English
    scored_path = tmp_path / "scored.parquet"
    out = invoke("score", second["run_id"], str(tmp_path / "loans_2025_06.parquet"), "-o", str(scored_path), "--json")
    assert out.exit_code == 0, out.output
    report = json.loads(out.stdout)
    scored = pl.read_parquet(scored_path).sort("loan_id")
    assert scored.columns[: month.width] == month.columns and scored.height == month.height == report["rows"]
    assert report["model"] == "scorecard" and sum(b["rows"] for b in report["bands"]) == month.height
    assert np.array_equal(scored["score"].to_numpy(), by_sql["score"].cast(pl.Float64).to_numpy())
    assert np.array_equal(scored["score_band"].to_numpy(), by_sql["score_band"].cast(pl.Int64).to_numpy())
    worst = scored.sort("score").row(0, named=True)
    assert worst["reason_1"] in edited.names and worst["reason_1_ko"] and worst["reason_1_en"]
    assert "점 낮음" in worst["reason_1_ko"] and "points below its best bin" in worst["reason_1_en"]
    assert scored["reason_1"].null_count() < month.height  # most applicants lose points somewhere
    assert {d["name"] for d in report["drift"]} == {"score", *edited.names}
    with Store.open(workspace) as store:  # the scored file left the workbench: audited
        exported = store.audit.list(action="privacy.exported")
        assert any(e.payload["target"] == str(scored_path.resolve()) for e in exported)


def test_lightgbm_scores_with_shap_reasons_and_the_json_contract(workspace, tmp_path):
    train = loans(3000, seed=11)
    r = train_baseline(masked(train), TrainConfig("default_12m", exclude=("loan_id",), shap_rows=0))
    with Store.open(workspace) as store:
        run_id = save_run(r, store, card=False)
        record = record_from_run(store.runs.get(run_id))
        text = store.runs.model_text(run_id)
    new = loans(400, seed=12, month0=13).drop("default_12m")
    result = score_run(record, masked(new), model="lightgbm", model_text=text)
    assert result.model == "lightgbm" and result.frame.columns[: new.width] == new.columns
    assert np.allclose(result.frame["event_probability"].to_numpy(), score_table(text, record, masked(new)))
    top = result.frame.sort("event_probability", descending=True).row(0, named=True)
    assert top["reason_1"] in r.features and "(+" in top["reason_1_ko"] and "log-odds" in top["reason_1_en"]
    # higher probability, lower score: the two read the same way as the scorecard's points
    s, p = result.frame["score"].to_numpy(), result.frame["event_probability"].to_numpy()
    assert np.corrcoef(s, np.log((1 - p) / p))[0, 1] > 0.999
    path = tmp_path / "new.parquet"
    new.write_parquet(path)
    out = invoke("score", run_id, str(path), "-o", str(tmp_path / "s.csv"), "--model", "lightgbm", "--json")
    assert out.exit_code == 0, out.output
    payload = json.loads(out.stdout)
    assert payload["model"] == "lightgbm" and payload["rows"] == 400 and payload["output"].endswith("s.csv")
    assert "reason_3_en" in payload["columns_added"] and pl.read_csv(tmp_path / "s.csv").height == 400


@pytest.fixture
def stored(workspace):
    train = loans(3000, seed=21)
    r = train_baseline(masked(train), TrainConfig("default_12m", exclude=("loan_id",), shap_rows=0))
    with Store.open(workspace) as store:
        run_id = save_run(r, store, card=False)
        record = record_from_run(store.runs.get(run_id))
    return run_id, record


def test_a_table_missing_columns_is_refused_naming_them(stored, tmp_path):
    run_id, record = stored
    new = loans(200, seed=22).drop("bureau_score", "months_at_job")
    with pytest.raises(ScoringError) as err:
        score_run(record, masked(new))
    assert "bureau_score" in str(err.value) and "months_at_job" in str(err.value)
    path = tmp_path / "new.parquet"
    new.write_parquet(path)
    proc = __import__("subprocess").run(
        [__import__("sys").executable, "-m", "workbench", "--lang", "en", "score", run_id, str(path), "-o",
         str(tmp_path / "o.parquet")],
        capture_output=True, text=True, env={**__import__("os").environ},
    )  # fmt: skip
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("error: ")
    assert "bureau_score, months_at_job" in proc.stderr
    assert not (tmp_path / "o.parquet").exists()


def test_an_output_column_already_in_the_input_is_refused(stored):
    _, record = stored
    with pytest.raises(ScoringError, match="score"):
        score_run(record, masked(loans(100, seed=23).with_columns(score=pl.lit(1))))


def test_drift_beyond_psi_025_is_reported_by_characteristic(stored):
    _, record = stored
    steady = score_run(record, masked(loans(2000, seed=24)))
    assert steady.alerts == ()
    shifted = score_run(record, masked(loans(2000, seed=25, shift=-90)))  # a much weaker applicant pool
    names = {d.name for d in shifted.alerts}
    assert names == {"score", "bureau_score"}
    bureau = next(d for d in shifted.drift if d.name == "bureau_score")
    assert bureau.psi > 0.25 and bureau.points_shift < -5  # the average applicant lost points through it


def test_personal_data_in_the_new_file_is_refused_by_the_gate(stored, tmp_path):
    run_id, _ = stored
    new = loans(200, seed=26).with_columns(
        phone=pl.format("010-{}-{}", pl.int_range(1000, 1200).cast(pl.String), pl.int_range(5000, 5200).cast(pl.String))
    )
    path = tmp_path / "raw.csv"
    new.write_csv(path)
    out = invoke("score", run_id, str(path), "-o", str(tmp_path / "o.parquet"))
    assert out.exit_code != 0 and not (tmp_path / "o.parquet").exists()
    assert "phone" in str(out.exception) or "phone" in out.output


def test_a_run_stored_before_scoring_existed_is_refused_in_one_line(stored):
    _, record = stored
    old = {k: v for k, v in record.items() if k not in ("scorecard_model", "lightgbm_reference")}
    with pytest.raises(ScoringError) as err:
        score_run(old, masked(loans(50, seed=27)))
    assert err.value.key == "scorecard.score.old_run" and record["run_id"] in str(err.value)
    with pytest.raises(ScoringError) as err:
        score_run({**record, "lightgbm_reference": None}, masked(loans(50, seed=27)), model="lightgbm")
    assert err.value.key == "scorecard.score.no_model"
