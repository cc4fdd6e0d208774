"""Total rows, second header rows and units rows are dropped at load and reported as one notice; a column's
type never changes because of them (an amount stays a number, a 0/1 target stays binary)."""

from __future__ import annotations

import json

import polars as pl
import pytest
from click.testing import CliRunner
from signals_shapes import applications

from workbench.cli import cli
from workbench.io import read_table
from workbench.io.hygiene import tidy_rows

COLUMNS = ["application_no", "checking_status", "pay_0", "amount_sum", "balance_min", "default"]


def frame(n: int = 400) -> pl.DataFrame:
    return applications(n).select(COLUMNS)


def _cells(df: pl.DataFrame) -> list[list[str]]:
    return [["" if v is None else str(v) for v in row] for row in df.rows()]


def write_csv(path, rows: list[list[str]], encoding: str = "cp949") -> None:
    path.write_bytes("\r\n".join(",".join(r) for r in rows).encode(encoding))


def total_row(df: pl.DataFrame, word: str = "합계") -> list[str]:
    sums = {c: str(df[c].sum()) for c in ("pay_0", "amount_sum", "balance_min", "default")}
    return [word if c == "application_no" else sums.get(c, "") for c in df.columns]


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_HOME", str(tmp_path / "ws"))
    return tmp_path


def test_a_trailing_total_row_in_a_cp949_csv_is_dropped_and_the_types_stay(tmp_path):
    df = frame()
    path = tmp_path / "신청_합계.csv"
    write_csv(path, [df.columns, *_cells(df), total_row(df)])
    t = read_table(path)
    assert t.frame.height == df.height
    assert t.frame.schema["amount_sum"] == pl.Int64 and t.frame.schema["default"] == pl.Int64  # before: String
    assert t.frame["default"].n_unique() == 2
    notes = [n for n in t.source.notes if n[0] == "io.note.rows_dropped"]
    assert notes == [("io.note.rows_dropped", {"n": 1, "rows": f"{df.height + 1:,}", "kinds": "summary"})]


@pytest.mark.parametrize("word", ["소계", "총계", "계", "Total", "Sum", "TOTAL", "합 계"])
def test_every_summary_word_at_the_end_or_the_start(word, tmp_path):
    df = frame(100)
    path = tmp_path / "t.csv"
    write_csv(path, [df.columns, total_row(df, word), *_cells(df), total_row(df, word)], encoding="utf-8")
    t = read_table(path)
    assert t.frame.height == 100 and t.frame.schema["amount_sum"] == pl.Int64


def test_a_second_header_row_and_a_units_row_are_dropped(tmp_path):
    df = frame()
    korean = ["신청번호", "당좌상태", "상환상태", "금액합계", "최소잔액", "부도"]
    units = ["", "", "", "(원)", "(원)", ""]
    path = tmp_path / "두줄머리.csv"
    write_csv(path, [df.columns, korean, units, *_cells(df)])
    t = read_table(path)
    assert t.frame.height == df.height
    assert t.frame.schema["pay_0"] == pl.Int64 and t.frame.schema["balance_min"] == pl.Float64
    assert dict(t.source.notes)["io.note.rows_dropped"]["kinds"] == "header,units"


def test_an_xlsx_with_units_and_a_total_row(tmp_path):
    import xlsxwriter

    df = frame(200)
    path = tmp_path / "보고서.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet()
    rows = [df.columns, ["", "", "", "단위: 원", "단위: 원", ""], *df.rows(), total_row(df)]
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v not in (None, ""):
                ws.write(r, c, float(v) if r == len(rows) - 1 and c > 0 and v else v)
    wb.close()
    t = read_table(path)
    assert t.frame.height == 200
    assert t.frame.schema["amount_sum"] == pl.Int64 and t.frame["default"].n_unique() == 2
    assert dict(t.source.notes)["io.note.rows_dropped"]["n"] == 2


def test_data_that_only_looks_like_a_summary_stays():
    # "계" is a real level here (it repeats), and a table without numbers has no header-like rows to judge
    df = pl.DataFrame({"kind": ["계", "적금", "계", "예금", "대출", "계"], "n": ["1", "2", "3", "4", "5", "6"]})
    assert tidy_rows(df)[0].height == 6
    words = pl.DataFrame({"a": ["x", "y", "z", "w", "v"], "b": ["p", "q", "r", "s", "t"]})
    assert tidy_rows(words)[0].height == 5


def test_every_command_reports_the_notice_in_its_json(tmp_path, workspace):
    df = frame()
    path = tmp_path / "apps.csv"
    write_csv(path, [df.columns, *_cells(df), total_row(df)])
    runner = CliRunner()
    for args in (
        ["inspect", str(path), "--json"],
        ["scan", str(path), "--json"],
        ["profile", str(path), "--target", "default", "--json"],
        ["train", str(path), "--target", "default", "--no-save", "--json"],
    ):
        result = runner.invoke(cli, ["--lang", "en", *args])
        assert result.exit_code == 0, result.output
        out = json.loads(result.stdout)
        assert [n["code"] for n in out["notices"]] == ["rows_dropped"], args
        assert "total, extra header or units rows" in out["notices"][0]["message"]
        if args[0] == "train":
            assert out["task"] == "binary" and out["classes"] == ["0", "1"]  # before: a three-class model
        if args[0] == "profile":
            kinds = {c["name"]: c["kind"] for c in out["columns"]}
            assert kinds["amount_sum"] == "numeric" and out["event_rate"] < 0.5
    clean = tmp_path / "clean.csv"
    write_csv(clean, [df.columns, *_cells(df)])
    out = json.loads(runner.invoke(cli, ["profile", str(clean), "--json"]).stdout)
    assert out["notices"] == []
