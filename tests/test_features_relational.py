"""Features on a relational bank schema: lookups, a bridge, undated children, dated grandchildren, file names
unlike table names, spec checks, timing flags; the data comes from ``features.synthetic_relational``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
import yaml
from click.testing import CliRunner
from conftest import ROOT

from workbench.cli import cli
from workbench.features.synthetic_relational import FILES, make_relational_bank, write_relational_bank


@pytest.fixture(scope="module")
def small_bank():
    return make_relational_bank(accounts=200, loans=150, tx_per_account=20, seed=5)


def write_spec(folder: Path, spec: dict) -> str:
    path = folder / "spec.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    return str(path)


def run_cli(spec_path: str, out: Path, *extra: str):
    return CliRunner().invoke(cli, ["--lang", "en", "features", "--spec", spec_path, "-o", str(out), *extra])


# --- finding 1: file names independent of table names ---------------------------------------------------


def test_tables_and_the_label_read_from_files_named_unlike_the_tables(tmp_path, small_bank, workspace):
    spec = write_relational_bank(small_bank, tmp_path)
    spec["tables"] = {n: spec["tables"][n] for n in ("account", "transaction")}
    spec["tables"]["account"] = {"path": FILES["account"], "key": "account_id"}
    assert spec["label"]["path"] == "loan_x.parquet" and spec["tables"]["account"]["path"] == "account_x.parquet"
    out = tmp_path / "features.parquet"
    result = run_cli(write_spec(tmp_path, spec), out, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["rows"] == small_bank["loan"].height
    assert any(f["name"].startswith("tx_count_90d") for f in data["features"])
    # finding 5: a text target (good/bad) is read as the profile reads it, and the output says which is the event
    assert data["target"] == {"column": "status", "event": "bad"}
    assert all(f["iv"] is not None for f in data["features"] if f["name"].startswith("tx_count"))
    assert pl.read_parquet(out)["loan_id"].to_list() == small_bank["loan"]["loan_id"].to_list()


def test_the_label_and_a_table_may_share_one_file(tmp_path, small_bank, workspace):
    """One file named by two tables of the spec is certified once and read under both names."""
    spec = write_relational_bank(small_bank, tmp_path)
    tx = {k: v for k, v in spec["tables"]["transaction"].items() if k not in ("parent", "parent_key")}
    spec["tables"] = {"transaction": tx, "loan": {"path": FILES["loan"]}}
    proc = subprocess.run(
        [sys.executable, "-m", "workbench", "features", "--spec", write_spec(tmp_path, spec), "-o", "o.parquet"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**_env(), "WORKBENCH_HOME": str(workspace)},
    )
    assert proc.returncode == 0, proc.stderr
    assert "unexpected" not in proc.stderr


def _env() -> dict:
    import os

    return {**os.environ, "PYTHONPATH": str(ROOT)}
