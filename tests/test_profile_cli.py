"""``workbench profile`` on the shipped sample bank: the JSON contract, HTML/Excel outputs, one-line errors."""

import json

from click.testing import CliRunner
from conftest import ROOT

from workbench.cli import cli

LOANS = ROOT / "sample_data" / "loans.parquet"


def run(*args: str):
    return CliRunner().invoke(cli, ["--lang", "en", "profile", *args], catch_exceptions=False)


def test_json_contract_on_the_sample_loans(workspace, tmp_path):
    html, xlsx = tmp_path / "loans.html", tmp_path / "loans.xlsx"
    res = run(
        str(LOANS),
        "--target",
        "default_12m",
        "--time-col",
        "applied_at",
        "--html",
        str(html),
        "--excel",
        str(xlsx),
        "--json",
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["rows"] == 5_000
    assert [c["name"] for c in out["columns"]][:2] == ["loan_id", "customer_id"]
    assert {"name", "kind", "missing", "distinct"} <= set(out["columns"][0])
    assert out["event"] == "1"
    top = out["target"][0]
    assert top["feature"] == "overdue_days_after" and top["iv"] > 0.5  # recorded after the outcome
    assert {"code": "leakage_suspect", "column": "overdue_days_after"}.items() <= next(
        a for a in out["alerts"] if a["code"] == "leakage_suspect"
    ).items()
    assert out["stability"][0]["feature"] == "bureau_score"  # drifts across months
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert xlsx.read_bytes()[:2] == b"PK"
    from workbench.store import Store

    exported = Store.open().audit.list(action="privacy.exported", newest_first=False)
    assert [e.payload["target"] for e in exported] == [str(html.resolve()), str(xlsx.resolve())]
    assert {e.payload["table"] for e in exported} == {"loans"}


def test_a_non_binary_target_is_one_line_exit_2(workspace):
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "workbench", "--lang", "en", "profile", str(LOANS), "--target", "loan_product"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1
    assert "loan_product" in proc.stderr
