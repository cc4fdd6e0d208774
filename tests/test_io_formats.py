"""Excel, Parquet, SQLite and SQL URIs, wide files and ``inspect_path``: the same Table, the same types."""

from __future__ import annotations

import datetime as dt
import sqlite3
import time

import polars as pl
import pytest

from workbench.io import LoadError, inspect_path, read_sql, read_table, sheet_names
from workbench.io.infer import WIDE, guess_types

CUSTOMERS = pl.DataFrame(
    {
        "고객번호": ["C001", "C002", "C003"],
        "가입일": [dt.date(2020, 1, 5), dt.date(2021, 7, 1), dt.date(2023, 12, 31)],
        "연소득": [4_200, 9_999, 3_100],
        "신용등급": [3, 1, 7],
    }
)


def two_sheet_workbook(path):
    import xlsxwriter

    wb = xlsxwriter.Workbook(path)
    a = wb.add_worksheet("고객")
    for j, name in enumerate(["고객번호", "가입일", "연소득", "금액", "금액", "기준일"]):
        a.write(0, j, name)
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    rows = [
        ("C001", dt.datetime(2020, 1, 5), 4200, "1,000", 1.5, "2024.03.05"),
        ("C002", dt.datetime(2021, 7, 1), 9999, "2,500", 2.5, "2024.03.06"),
        ("C003", dt.datetime(2023, 12, 31), 3100, "-", 3.5, "2024.03.07"),
    ]
    for i, row in enumerate(rows, start=1):
        a.write(i, 0, row[0])
        a.write_datetime(i, 1, row[1], date_fmt)
        a.write_number(i, 2, row[2])
        a.write_string(i, 3, row[3])
        a.write_number(i, 4, row[4])
        a.write_string(i, 5, row[5])
    b = wb.add_worksheet("대출")
    b.write_row(0, 0, ["대출번호", "금액"])
    b.write_row(1, 0, ["L1", 5_000_000])
    b.write_row(2, 0, ["L2", 12_000_000])
    wb.close()
    return path


def test_excel_sheets_are_listed_and_chosen(tmp_path):
    path = two_sheet_workbook(tmp_path / "은행.xlsx")
    assert sheet_names(path) == ["고객", "대출"]
    first = read_table(path)
    assert first.source.sheet == "고객"
    assert any(n[0] == "io.note.first_sheet" for n in first.source.notes)
    frame = first.frame
    assert frame.columns == ["고객번호", "가입일", "연소득", "금액", "금액_2", "기준일"]
    assert frame["가입일"].dt.date().to_list() == CUSTOMERS["가입일"].to_list()
    assert frame["금액"].to_list() == [1000, 2500, None]  # typed text in Excel gets the CSV treatment
    assert frame["기준일"].to_list() == [dt.date(2024, 3, 5), dt.date(2024, 3, 6), dt.date(2024, 3, 7)]
    loans = read_table(path, sheet="대출")
    assert loans.frame["금액"].to_list() == [5_000_000, 12_000_000]
    assert read_table(path, sheet=1).frame.equals(loans.frame)


def test_excel_inspection_lists_sheets(tmp_path):
    path = two_sheet_workbook(tmp_path / "은행.xlsx")
    described = inspect_path(path, sheet="대출")
    assert described.format == "excel" and described.sheets == ("고객", "대출") and described.sheet == "대출"
    assert described.rows == 2
    assert [(c.name, c.dtype) for c in described.columns] == [("대출번호", "str"), ("금액", "int")]


def test_parquet_round_trip_and_footer_inspection(tmp_path):
    path = tmp_path / "customers.parquet"
    CUSTOMERS.write_parquet(path)
    table = read_table(path)
    assert table.frame.equals(CUSTOMERS)
    assert table.source.kind == "parquet" and table.name == "customers"
    described = inspect_path(path)
    assert described.rows == 3 and described.format == "parquet"
    assert [c.dtype for c in described.columns] == ["str", "date", "int", "int"]
    assert described.memory_bytes > 0 and not described.large


def test_parquet_row_count_comes_from_metadata(tmp_path, monkeypatch):
    path = tmp_path / "big.parquet"
    pl.DataFrame({"a": range(200_000)}).write_parquet(path, row_group_size=50_000)
    monkeypatch.setattr(pl.LazyFrame, "collect", _forbid_full_collect(pl.LazyFrame.collect))
    assert inspect_path(path).rows == 200_000


def _forbid_full_collect(original):
    def collect(self, *args, **kwargs):
        out = original(self, *args, **kwargs)
        assert out.height <= 1, "inspect_path materialised the data"
        return out

    return collect


def test_sqlite_table_query_and_file(tmp_path):
    db = tmp_path / "bank.db"
    with sqlite3.connect(db) as con:
        con.execute("create table txn (tx_id text, ts text, amount integer, channel text)")
        con.executemany(
            "insert into txn values (?, ?, ?, ?)",
            [("T1", "2024-03-05 14:22:01", 15000, "ATM"), ("T2", "2024-03-06 09:00:00", 3000, "모바일")],
        )
    uri = f"sqlite:///{db}"
    table = read_sql(uri, table="txn")
    assert table.frame.schema["ts"] == pl.Datetime("us")  # SQLite keeps dates as text: typed like a CSV
    assert table.frame["amount"].to_list() == [15000, 3000]
    assert table.source.kind == "sql" and table.name == "txn"
    query = read_sql(uri, query="select channel, sum(amount) as total from txn group by channel order by 1")
    assert query.frame.rows() == [("ATM", 15000), ("모바일", 3000)]
    from_file = read_table(db)  # one table: no need to name it
    assert from_file.frame.equals(table.frame)
    assert inspect_path(uri, sheet="txn").rows == 2


def test_sql_location_never_holds_the_password(tmp_path):
    from workbench.io.sql import redact

    assert redact("postgresql+psycopg://analyst:s3cret@db.bank.local:5432/dw") == (
        "postgresql+psycopg://analyst:***@db.bank.local:5432/dw"
    )


@pytest.mark.postgres
def test_postgres_table_with_schema(pg_url):
    from sqlalchemy import create_engine, text

    engine = create_engine(pg_url)
    with engine.begin() as con:
        con.execute(text("create schema if not exists dw"))
        con.execute(text("drop table if exists dw.loans"))
        con.execute(text("create table dw.loans (loan_id text, applied_at date, amount numeric(12,0), y int)"))
        con.execute(text("insert into dw.loans values ('L1', '2024-03-05', 5000000, 0), ('L2', '2024-04-01', 1, 1)"))
    engine.dispose()
    table = read_sql(pg_url, table="dw.loans")
    assert table.frame["applied_at"].to_list() == [dt.date(2024, 3, 5), dt.date(2024, 4, 1)]
    assert table.frame["y"].to_list() == [0, 1]


def test_three_thousand_columns(tmp_path):
    n_cols, n_rows = 3000, 200
    frame = pl.DataFrame(
        {f"변수_{j}": [f"{(i * j) % 97}" if j % 2 else f"{i}.{j % 10}" for i in range(n_rows)] for j in range(n_cols)}
    )
    path = tmp_path / "wide.csv"
    frame.write_csv(path)
    started = time.perf_counter()
    table = read_table(path)
    elapsed = time.perf_counter() - started
    assert table.frame.shape == (n_rows, n_cols)
    assert table.frame.schema["변수_1"] == pl.Int64 and table.frame.schema["변수_2"] == pl.Float64
    assert table.frame["변수_3"].sum() == sum((i * 3) % 97 for i in range(n_rows))
    assert elapsed < 120, f"3,000 columns took {elapsed:.1f} s"


def test_wide_and_narrow_guessing_agree(tmp_path):
    values = {
        "int": ["1", "2", "-", "1,234"],
        "float": ["1.5", "2", "N/A", "(3.25)"],
        "date": ["2024.03.05", "2024.03.06", "", "2024.03.07"],
        "compact": ["20240305", "20231231", "20240101", "20200229"],
        "code": ["20240305", "20241399", "20240101", "20200229"],
        "zeros": ["001", "002", "010", "100"],
        "yn": ["Y", "N", "y", "n"],
        "text": ["가", "나", "1", "2"],
    }
    narrow = pl.DataFrame(values)
    wide = pl.concat(
        [narrow.rename(lambda c, k=k: f"{c}_{k}") for k in range(WIDE // len(values) + 1)], how="horizontal"
    )
    g_narrow = guess_types(narrow.lazy())
    g_wide = guess_types(wide.lazy())
    assert {c: g.kind for c, g in g_narrow.items()} == {
        "int": "int", "float": "float", "date": "date", "compact": "date",
        "code": "int", "zeros": "str", "yn": "str", "text": "str",
    }  # fmt: skip
    assert g_narrow["yn"].yes_no and not g_narrow["text"].yes_no  # yes/no, kept as written
    for c, g in g_narrow.items():
        assert g_wide[f"{c}_0"].kind == g.kind
        assert g_wide[f"{c}_0"].markers == g.markers


def test_inspection_matches_what_is_loaded(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        '거래일시,금액,채널,해외\n2024-03-05 14:22:01,"1,000",ATM,N\n2024-03-06 09:00:00,2000,모바일,Y\n',
        encoding="utf-8",
    )
    described = inspect_path(path)
    table = read_table(path)
    assert described.to_dict()["columns"] == [
        {"name": "거래일시", "dtype": "datetime"},
        {"name": "금액", "dtype": "int"},
        {"name": "채널", "dtype": "str"},
        {"name": "해외", "dtype": "str"},  # Y/N stays Y/N
    ]
    from workbench.io import dtype_name

    assert [dtype_name(d) for d in table.frame.dtypes] == [c.dtype for c in described.columns]
    assert described.rows == table.frame.height == 2
    assert described.encoding == "utf-8" and described.delimiter == ","


def test_large_flag(tmp_path):
    from workbench.io.inspection import LARGE_ROWS, ColumnInfo, Inspection

    small = Inspection(path="x", format="csv", rows=10, columns=(ColumnInfo("a", "int"),), memory_bytes=80,
                       size_bytes=100)  # fmt: skip
    assert not small.large
    assert Inspection(path="x", format="csv", rows=LARGE_ROWS + 1, columns=(), memory_bytes=0, size_bytes=0).large
    assert Inspection(path="x", format="csv", rows=1, columns=(), memory_bytes=0, size_bytes=300 << 20).large


def test_large_file_is_typed_by_a_streaming_scan(tmp_path, monkeypatch):
    from workbench.io import inspection

    path = tmp_path / "t.csv"
    lines = [f"{i},2024-01-{i % 28 + 1:02d},{i * 1000:,}" for i in range(5000)] + ["5000,-,N/A", ""]
    text = "번호,일자,금액\n" + "\n".join(f'{a},{b},"{c}"' for a, b, c in (ln.split(",", 2) for ln in lines[:-1]))
    path.write_bytes((text + "\n\n").encode("cp949"))
    eager = inspect_path(path)
    monkeypatch.setattr(inspection, "LARGE_BYTES", 0)
    inspection._inspect_file.cache_clear()
    streamed = inspect_path(path)
    assert streamed.large
    assert streamed.rows == eager.rows == 5001
    assert streamed.columns == eager.columns
    assert [c.dtype for c in streamed.columns] == ["int", "date", "int"]


def test_excel_unicode_text_export_is_utf16_tsv(tmp_path):
    path = tmp_path / "내보내기.txt"
    path.write_bytes("지점\t금액\r\n강남\t1,500\r\n종로\t2,500\r\n".encode("utf-16"))
    table = read_table(path)
    assert table.source.encoding == "utf-16" and table.source.delimiter == "\t"
    assert table.frame.rows() == [("강남", 1500), ("종로", 2500)]


def test_bom_does_not_leak_into_a_headerless_first_value(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("\ufeff1,2024-01-01,100\n2,2024-01-02,200\n".encode())
    table = read_table(path)
    assert table.frame["column_1"].to_list() == [1, 2]


def test_overrides_on_typed_columns(tmp_path):
    path = tmp_path / "t.parquet"
    pl.DataFrame(
        {
            "금액": [1000.0, 2500.0],
            "비율": [0.5, 1.5],
            "일시": [dt.datetime(2024, 3, 5, 14, 22), dt.datetime(2024, 3, 6, 9, 0)],
            "코드": [101, 202],
            "연체": [0, 1],
        }
    ).write_parquet(path)
    table = read_table(path, overrides={"금액": "int", "일시": "date", "코드": "str", "연체": "bool"})
    assert table.frame["금액"].to_list() == [1000, 2500]
    assert table.frame["일시"].to_list() == [dt.date(2024, 3, 5), dt.date(2024, 3, 6)]
    assert table.frame["코드"].to_list() == ["101", "202"]
    assert table.frame["연체"].to_list() == [False, True]
    from workbench.io import LoadError

    with pytest.raises(LoadError) as err:
        read_table(path, overrides={"비율": "int"})
    assert err.value.message("en").startswith(
        "Values of column '비율' cannot be read as int (2 in all, e.g. '0.5', '1.5')"
    )


def test_duckdb_file_tables(tmp_path):
    duckdb = pytest.importorskip("duckdb")
    path = tmp_path / "dw.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create table loans (loan_id varchar, applied_at date, amount bigint, memo varchar)")
    con.execute("insert into loans values ('L1', '2024-03-05', 5000000, '2024.03.01'), ('L2', '2024-04-01', 1, '-')")
    con.execute("create table customers (customer_id varchar)")
    con.close()
    with pytest.raises(LoadError) as err:
        read_table(path)
    assert err.value.message("en") == "Name the table to read (--sheet). Available tables: customers, loans"
    table = read_table(path, sheet="loans")
    assert table.frame["applied_at"].to_list() == [dt.date(2024, 3, 5), dt.date(2024, 4, 1)]
    assert table.frame["memo"].to_list() == [dt.date(2024, 3, 1), None]  # text typed like a CSV column
    assert table.source.kind == "duckdb" and table.name == "loans"
    described = inspect_path(path, sheet="loans")
    assert described.sheets == ("customers", "loans") and described.rows == 2
    broken = tmp_path / "broken.duckdb"
    broken.write_bytes(b"not a database" * 100)
    with pytest.raises(LoadError) as err:
        read_table(broken)
    assert err.value.key == "io.error.corrupt_db"


def test_gzipped_and_zipped_csv(tmp_path):
    import gzip
    import zipfile

    text = '거래일자,금액\n2024.03.05,"1,000"\n2024.03.06,"2,000"\n'.encode("cp949")
    gz = tmp_path / "거래.2024.csv.gz"
    gz.write_bytes(gzip.compress(text))
    table = read_table(gz)
    assert table.name == "거래.2024"
    assert table.source.encoding == "euc-kr"
    assert table.frame["금액"].to_list() == [1000, 2000]
    zipped = tmp_path / "export.zip"
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("거래.csv", text)
    assert read_table(zipped).frame.equals(table.frame)
    assert inspect_path(zipped).rows == 2
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("a.csv", text)
        z.writestr("b.csv", text)
    with pytest.raises(LoadError) as err:
        read_table(zipped)
    assert err.value.message("en").startswith(
        "The archive export.zip must hold exactly one CSV file (it holds: a.csv, b.csv)"
    )
    gz.write_bytes(gzip.compress(text)[:20])
    with pytest.raises(LoadError) as err:
        read_table(gz)
    assert err.value.key == "io.error.corrupt_archive"


def test_wide_header_only_file_is_described(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(WIDE + 10)) + "\n", encoding="utf-8")
    described = inspect_path(path)
    assert described.rows == 0 and len(described.columns) == WIDE + 10
    with pytest.raises(LoadError):
        read_table(path)


def test_inspection_is_reused_until_the_file_changes(tmp_path, monkeypatch):
    import os

    from workbench.io import delimited

    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    calls = []
    real = delimited.prepared
    monkeypatch.setattr(delimited, "prepared", lambda *a, **k: calls.append(a) or real(*a, **k))
    assert inspect_path(path).rows == 1
    assert inspect_path(path).rows == 1
    assert len(calls) == 1
    path.write_text("a,b\n1,2\n3,4\n", encoding="utf-8")
    os.utime(path, ns=(1, 10**18))  # a new modification time even within the clock's resolution
    assert inspect_path(path).rows == 2
    assert len(calls) == 2


def test_empty_sheet_and_empty_table_show_their_columns(tmp_path):
    import xlsxwriter

    book = tmp_path / "t.xlsx"
    wb = xlsxwriter.Workbook(book)
    wb.add_worksheet("머리글만").write_row(0, 0, ["고객번호", "금액"])
    wb.close()
    with pytest.raises(LoadError) as err:
        read_table(book)
    assert err.value.key == "io.error.no_rows"
    described = inspect_path(book)
    assert described.rows == 0 and [c.name for c in described.columns] == ["고객번호", "금액"]
    db = tmp_path / "bank.db"
    with sqlite3.connect(db) as con:
        con.execute("create table loans (loan_id text, amount integer)")
    with pytest.raises(LoadError) as err:
        read_sql(f"sqlite:///{db}", table="loans")
    assert err.value.message("en").startswith("loans has a header (loan_id, amount) but no data rows.")
    assert [c.name for c in inspect_path(db).columns] == ["loan_id", "amount"]
