"""``workbench features --spec SPEC.yaml -o OUT --json`` on the shipped sample bank."""

from __future__ import annotations

import json
import subprocess
import sys

import polars as pl
import pytest
import yaml
from click.testing import CliRunner
from conftest import ROOT, SAMPLE

import workbench.privacy
from workbench.cli import cli
from workbench.io.table import Table
from workbench.privacy.gate import certify

SPEC = SAMPLE / "features.yaml"


@pytest.fixture
def gate(monkeypatch):
    """The real privacy gate once ``auto_certify`` exists; until then certify the (PII-free) sample files."""
    if hasattr(workbench.privacy, "auto_certify"):
        return
    import workbench.commands.features as command

    monkeypatch.setattr(command, "load_masked", lambda p: certify(Table(p.stem, pl.read_parquet(p)), findings=()))


def small_spec(tmp_path, **changes) -> str:
    """The sample spec with two windows (fast), paths made absolute so the spec can live in tmp_path."""
    data = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    for conf in data["tables"].values():
        conf["path"] = str(SAMPLE / conf["path"])
    data["label"]["path"] = str(SAMPLE / data["label"]["path"])
    data.update({"windows": [30, 90], "by": {"transactions": ["channel", "direction"]}, **changes})
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_json_contract_and_feature_table(tmp_path, gate, workspace):
    out = tmp_path / "features.parquet"
    sql = tmp_path / "features.sql"
    catalog = tmp_path / "catalog.xlsx"
    result = CliRunner().invoke(
        cli,
        [
            "features",
            "--spec",
            small_spec(tmp_path),
            "-o",
            str(out),
            "--json",
            "--sql",
            str(sql),
            "--dialect",
            "duckdb",
            "--catalog",
            str(catalog),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    loans = pl.read_parquet(SAMPLE / "loans.parquet")
    assert data["rows"] == loans.height and data["output"] == str(out)
    first = data["features"][0]
    assert {"name", "description_ko", "description_en", "iv", "auc", "missing"} <= set(first)
    by_name = {f["name"]: f for f in data["features"]}
    mobile = by_name["tx_count_90d__모바일_출금"]
    assert mobile["description_ko"] == "최근 90일 모바일 출금 건수"
    assert mobile["description_en"] == "mobile withdrawal count, last 90 days"
    assert 0.5 <= mobile["auc"] <= 1 and mobile["iv"] >= 0 and mobile["missing"] == 0
    # 한도 소진율 of the customers with an overdraft line (the others have no limit to use: missing)
    use = by_name["tx_limit_krw_use_max_90d"]
    assert use["description_ko"] == "최근 90일 거래 후 최고 한도 소진율 (마이너스 잔액 ÷ 한도)"
    assert 0.5 < use["missing"] < 0.95 and use["auc"] > 0.55
    # the sample's post-application column is caught, not selected
    leak = by_name["loan_overdue_days_after_log1p"]
    assert leak["leakage_suspect"] and not leak["selected"] and leak["auc"] > 0.9
    table = pl.read_parquet(out)
    assert table.height == loans.height and table["loan_id"].to_list() == loans["loan_id"].to_list()
    assert len(table.columns) == len(loans.columns) + len(data["features"])
    assert sql.read_text(encoding="utf-8").count('AS "tx_') > 10
    assert pl.read_excel(catalog).height == len(data["features"])


def test_a_spec_naming_an_unknown_parent_is_one_line_exit_2(tmp_path):
    spec = tmp_path / "bad.yaml"
    spec.write_text(
        "tables:\n  tx: {path: t.parquet, parent: nowhere, parent_key: a}\n"
        "label: {table: loans, key: customer_id, cutoff: applied_at}\n",
        encoding="utf-8",
    )
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "workbench",
            "--lang",
            "en",
            "features",
            "--spec",
            str(spec),
            "-o",
            str(tmp_path / "o.parquet"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == "error: Table not in the spec: nowhere"


def test_an_unreadable_spec_says_so_in_korean_by_default(tmp_path):
    spec = tmp_path / "bad.yaml"
    spec.write_text("tables: [unclosed\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "workbench", "features", "--spec", str(spec), "-o", str(tmp_path / "o.csv")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: 특성 스펙 파일을 읽을 수 없습니다") and proc.stderr.count("\n") == 1


def test_selected_only_output_leaves_the_leak_out_and_trains_without_a_leakage_warning(tmp_path, gate, workspace):
    out = tmp_path / "selected.parquet"
    sql = tmp_path / "selected.sql"
    spec = small_spec(tmp_path)
    result = CliRunner().invoke(
        cli,
        ["features", "--spec", spec, "-o", str(out), "--selected-only", "--batches", "3", "--json", "--sql", str(sql)],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    table = pl.read_parquet(out)
    # the label's key, row id, cutoff and target, then the selected features: nothing else of the loans table
    assert table.columns == ["loan_id", "customer_id", "applied_at", "default_12m", *data["selected"]]
    assert "overdue_days_after" not in table.columns and "loan_amount" not in table.columns
    assert any(n.startswith("loan_") for n in data["selected"])  # transforms of loan columns may be chosen
    loans = pl.read_parquet(SAMPLE / "loans.parquet")
    assert table["loan_id"].to_list() == loans["loan_id"].to_list()
    assert '"overdue_days_after"' not in sql.read_text(encoding="utf-8")

    trained = CliRunner().invoke(
        cli, ["train", str(out), "--target", "default_12m", "--split", "time:applied_at", "--no-save", "--json"]
    )
    assert trained.exit_code == 0, trained.output
    record = json.loads(trained.output)
    codes = {w["code"] for w in record["warnings"]}
    assert not codes & {"leakage_suspect", "leakage_importance"}, record["warnings"]
    assert record["metrics"]["test"]["auc"] > 0.7


def test_the_dialect_choice_is_the_exports_list():
    """The CLI spells the list out (importing the exporter would load polars at start); it must not drift."""
    from workbench.commands.features import features
    from workbench.features.sql import DIALECTS

    (option,) = [p for p in features.params if p.name == "dialect"]
    assert tuple(option.type.choices) == DIALECTS
