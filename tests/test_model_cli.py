"""``workbench train`` on the shipped sample bank: the JSON contract, the leak it must call out, the run it
stores (model text that reloads and scores the same), and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import lightgbm as lgb
import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner
from conftest import ROOT, SAMPLE

from workbench.cli import cli
from workbench.i18n import set_language

LOANS = SAMPLE / "loans.parquet"
pytestmark = pytest.mark.skipif(not LOANS.exists(), reason="sample_data/loans.parquet not generated")


@pytest.fixture(autouse=True)
def korean_again():
    yield
    set_language("ko")


def train_json(*args: str) -> dict:
    result = CliRunner().invoke(cli, ["--lang", "en", "train", str(LOANS), "--target", "default_12m", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.slow
def test_json_contract_and_the_leak_on_the_sample_loans(workspace, tmp_path):
    card = tmp_path / "card.html"
    out = train_json("--split", "time:applied_at", "--card", str(card))
    assert out["event"] == "1" and out["task"] == "binary"
    for split in ("train", "valid", "test"):
        assert {"auc", "gini", "ks", "logloss", "brier", "pr_auc"} <= set(out["metrics"][split])
        assert out["metrics"][split]["gini"] == pytest.approx(2 * out["metrics"][split]["auc"] - 1, abs=1e-5)
    assert set(out["importance"][0]) == {"feature", "gain", "split", "shap"}
    leak = {(w["code"], w["feature"]) for w in out["warnings"]}
    assert ("leakage_suspect", "overdue_days_after") in leak  # recorded after the application: must be flagged
    periods = {s["name"]: s["period"] for s in out["splits"]}
    assert periods["train"][1] < periods["valid"][0] <= periods["valid"][1] < periods["test"][0]
    assert {"customer_id", "loan_id"} <= {e["column"] for e in out["excluded"]}
    assert card.read_text(encoding="utf-8").count("plotly-graph-div") == 13  # threshold metrics included

    # the run is in the workspace, and its model text predicts exactly what the run did
    from workbench.io import read_table
    from workbench.model.runs import record_from_run, score_table
    from workbench.privacy import auto_certify
    from workbench.store import Store

    with Store.open() as store:
        run = store.runs.get(out["run_id"])
        text = store.runs.model_text(run.id)
        record = record_from_run(run)
        assert run.card_path is not None and run.card_path.suffix == ".html"
    assert record["event"] == "1" and record["metrics"]["test"]["auc"] == out["metrics"]["test"]["auc"]
    table = auto_certify(read_table(LOANS))
    scores = score_table(text, record, table)
    assert np.array_equal(
        scores,
        lgb.Booster(model_str=text).predict(
            table.frame.select(record["features"]).to_pandas().astype({c: "category" for c in record["categorical"]})
        ),
    )


@pytest.mark.slow
def test_grouped_split_by_customer_without_the_leak(workspace):
    out = train_json("--split", "group:customer_id", "--exclude", "overdue_days_after", "--no-save")
    assert out["run_id"] is None
    assert "overdue_days_after" not in [f["feature"] for f in out["importance"]]
    assert not [w for w in out["warnings"] if w["code"] == "leakage_suspect"]
    assert 0.6 < out["metrics"]["test"]["auc"] < 0.9  # a real, imperfect signal once the leak is gone
    assert sum(s["groups"] for s in out["splits"]) == pl.read_parquet(LOANS)["customer_id"].n_unique()


def test_text_report_names_the_event(workspace):
    result = CliRunner().invoke(
        cli,
        [
            "--lang",
            "ko",
            "train",
            str(LOANS),
            "--target",
            "default_12m",
            "--exclude",
            "overdue_days_after",
            "--no-save",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "이벤트(확률 1) 값: '1'" in result.output
    assert "auc" in result.output and "bureau_score" in result.output


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--target", "no_such"], "no_such"),
        (["--target", "default_12m", "--split", "time:loan_product"], "loan_product"),
        (["--target", "default_12m", "--split", "weekly"], "weekly"),
    ],
)
def test_errors_are_one_line_and_exit_2(workspace, args, needle):
    proc = subprocess.run(
        [sys.executable, "-m", "workbench", "--lang", "en", "train", str(LOANS), *args, "--no-save"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**__import__("os").environ, "WORKBENCH_HOME": str(workspace)},
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and needle in lines[0]
    assert "Traceback" not in proc.stderr and proc.stdout == ""
