"""``workbench inspect``: the JSON contract, the human table, and one-line errors with exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner
from conftest import ROOT

from workbench.cli import cli


def run(*args: str, lang: str = "ko") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "workbench", "--lang", lang, *args],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def cp949_file(tmp_path):
    path = tmp_path / "고객.csv"
    text = '고객번호,가입일,연소득,지점코드\nC001,2024년 3월 5일,"4,200",00123\nC002,2023년 12월 1일,-,00456\n'
    path.write_bytes(text.encode("cp949"))
    return path


def test_json_contract(tmp_path):
    result = run("inspect", str(cp949_file(tmp_path)), "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["format"] == "csv"
    assert payload["encoding"] == "euc-kr"
    assert payload["delimiter"] == ","
    assert payload["rows"] == 2
    assert payload["columns"] == [
        {"name": "고객번호", "dtype": "str"},
        {"name": "가입일", "dtype": "date"},
        {"name": "연소득", "dtype": "int"},
        {"name": "지점코드", "dtype": "str"},
    ]
    assert payload["memory_bytes"] > 0 and payload["large"] is False
    assert payload["notes"][0]["key"] == "io.note.null_markers"
    assert "연소득" in payload["notes"][0]["message"]


def test_human_table_in_both_languages(tmp_path):
    path = cp949_file(tmp_path)
    ko = run("inspect", str(path))
    assert ko.returncode == 0 and "인코딩: euc-kr" in ko.stdout and "행 수: 2" in ko.stdout
    assert "가입일" in ko.stdout and "date" in ko.stdout
    en = run("inspect", str(path), lang="en")
    assert "Encoding: euc-kr" in en.stdout and "Rows: 2" in en.stdout


def test_errors_are_one_line_with_exit_2(tmp_path):
    missing = run("inspect", str(tmp_path / "none.csv"), lang="en")
    assert missing.returncode == 2
    assert missing.stdout == ""
    assert missing.stderr.strip().splitlines() == [f"error: File not found: {tmp_path / 'none.csv'}. "
                                                   "Check the path and the file name."]  # fmt: skip
    ragged = tmp_path / "t.csv"
    ragged.write_text("a,b\n1,2\n3,4,5\n", encoding="utf-8")
    result = run("inspect", str(ragged))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("error: t.csv: 3번째 줄")
    assert "Traceback" not in result.stderr
    skipped = run("inspect", str(ragged), "--skip-bad-lines", "--json")
    assert skipped.returncode == 0 and json.loads(skipped.stdout)["rows"] == 1


def test_sheet_option_and_missing_sheet(tmp_path):
    import polars as pl

    path = tmp_path / "t.xlsx"
    pl.DataFrame({"금액": [1, 2, 3]}).write_excel(path, worksheet="거래")
    runner = CliRunner()
    ok = runner.invoke(cli, ["inspect", str(path), "--sheet", "거래", "--json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["rows"] == 3
    bad = run("inspect", str(path), "--sheet", "고객", lang="en")
    assert bad.returncode == 2
    assert bad.stderr.strip() == "error: t.xlsx has no sheet '고객'. Available sheets: 거래"
