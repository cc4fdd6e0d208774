"""Bad input: one LoadError whose message, in Korean and in English, says what is wrong and what to do."""

from __future__ import annotations

import os

import polars as pl
import pytest

from workbench.errors import UserError
from workbench.io import LoadError, inspect_path, read_table


def refusal(path, **kw) -> LoadError:
    with pytest.raises(LoadError) as err:
        read_table(path, **kw)
    assert isinstance(err.value, UserError)
    for lang in ("ko", "en"):
        assert "\n" not in err.value.message(lang)
    return err.value


def test_missing_file(tmp_path):
    err = refusal(tmp_path / "없음.csv")
    assert err.message("en").startswith("File not found: ")
    assert "없음.csv" in err.message("ko") and "경로" in err.message("ko")


def test_folder_instead_of_file(tmp_path):
    assert "folder" in refusal(tmp_path).message("en")


def test_unsupported_extension_lists_what_works(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.4")
    err = refusal(path)
    assert err.message("en").startswith("report.pdf: unsupported file type (.pdf).")
    assert ".csv" in err.message("ko") and ".xlsx" in err.message("ko") and ".parquet" in err.message("ko")


@pytest.mark.parametrize("content", [b"", b"\n\n  \n", b"\xef\xbb\xbf"])
def test_empty_file(tmp_path, content):
    path = tmp_path / "t.csv"
    path.write_bytes(content)
    err = refusal(path)
    assert err.message("en") == "t.csv is empty. Check that the export finished and fetch the file again."
    assert err.message("ko").startswith("t.csv은(는) 빈 파일입니다.")


def test_header_only_is_refused_but_inspectable(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("고객번호,금액\n", encoding="utf-8")
    err = refusal(path)
    assert err.message("en") == (
        "t.csv has a header (고객번호, 금액) but no data rows. Export a file that contains the data."
    )
    described = inspect_path(path)
    assert described.rows == 0
    assert [c.name for c in described.columns] == ["고객번호", "금액"]
    assert ("io.note.header_only", {}) in described.notes


def test_binary_garbage(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(os.urandom(4096))
    err = refusal(path)
    assert err.key in ("io.error.binary", "io.error.encoding")
    assert "CSV" in err.message("en")


def test_zip_renamed_to_csv_is_binary(tmp_path):
    import zipfile

    path = tmp_path / "t.csv"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("a.csv", "a,b\n1,2\n" * 100)
    assert refusal(path).key == "io.error.binary"


def test_unknown_encoding(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("name,city\nJosé,São Paulo\nFrançois,Genève\nÅsa,Malmö\n".encode("latin-1"))
    err = refusal(path)
    assert err.key == "io.error.encoding"
    assert "UTF-8" in err.message("en") and "인코딩" in err.message("ko")


def test_ragged_rows_name_the_first_lines(tmp_path):
    rows = ["a,b,c,d,e"] + [",".join(str(i) for _ in range(5)) for i in range(60)]
    for line_no in (17, 42, 50, 55, 58):
        rows[line_no - 1] = "1,2,3,4,5,6,7"
    path = tmp_path / "t.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    err = refusal(path)
    assert err.message("en") == (
        "t.csv: 5 lines have a different number of fields than the header (5), first at lines 17, 42, 50 "
        "(7 fields). Fix the file or choose to skip bad lines."
    )
    assert "다른 줄이 5개 있습니다. 처음 몇 줄: 17, 42, 50번째 줄(필드 7개)" in err.message("ko")


def test_skip_bad_lines_loads_the_rest_and_records_them(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b,c\n1,2,3\n4,5\n6,7,8\n9,10,11,12\n13,14,15\n", encoding="utf-8")
    table = read_table(path, skip_bad_lines=True)
    assert table.frame["a"].to_list() == [1, 6, 13]
    _key, params = next(n for n in table.source.notes if n[0] == "io.note.skipped_lines")
    assert params["count"] == 2 and params["lines"] == [3, 5]


def test_ragged_with_quoted_line_breaks_counts_records(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('a,b\n1,"x\ny"\n2,z,extra\n3,w\n', encoding="utf-8")
    assert refusal(path).message("en").startswith("t.csv: line 4 has 3 fields, expected 2 as in the header.")
    table = read_table(path, skip_bad_lines=True)
    assert table.frame["b"].to_list() == ["x\ny", "w"]


def test_truncated_parquet(tmp_path):
    path = tmp_path / "t.parquet"
    pl.DataFrame({"a": range(10_000), "b": ["x"] * 10_000}).write_parquet(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    err = refusal(path)
    assert err.message("en") == "t.parquet is a damaged or truncated Parquet file. Export or copy the file again."
    with pytest.raises(LoadError):
        inspect_path(path)


def test_parquet_with_damaged_pages(tmp_path):
    path = tmp_path / "t.parquet"
    pl.DataFrame({"a": range(50_000)}).write_parquet(path, compression="zstd")
    data = bytearray(path.read_bytes())
    data[100:2000] = b"\xff" * 1900  # footer intact, column data garbage
    path.write_bytes(bytes(data))
    assert refusal(path).key == "io.error.corrupt_parquet"


def test_missing_excel_sheet_lists_the_available(tmp_path):
    path = tmp_path / "t.xlsx"
    pl.DataFrame({"a": [1]}).write_excel(path, worksheet="거래내역")
    err = refusal(path, sheet="고객")
    assert err.message("en") == "t.xlsx has no sheet '고객'. Available sheets: 거래내역"
    assert "'고객' 시트가 없습니다" in err.message("ko")


def test_not_really_an_excel_file(tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_text("a,b\n1,2\n")
    assert refusal(path).key == "io.error.corrupt_excel"


def test_bad_sql_uri_and_missing_table(tmp_path):
    import sqlite3

    from workbench.io import read_sql

    with pytest.raises(LoadError) as err:
        read_sql("not a uri", table="t")
    assert err.value.key == "io.error.bad_uri"
    with pytest.raises(LoadError) as err:
        read_sql(f"sqlite:///{tmp_path / 'missing.db'}", table="t")
    assert err.value.key == "io.error.not_found"
    assert not (tmp_path / "missing.db").exists()  # never created by looking
    db = tmp_path / "bank.db"
    with sqlite3.connect(db) as con:
        con.execute("create table customers (id integer)")
        con.execute("create table loans (id integer)")
    with pytest.raises(LoadError) as err:
        read_sql(f"sqlite:///{db}", table="accounts")
    assert err.value.message("en") == "No table 'accounts'. Available tables: customers, loans"
    with pytest.raises(LoadError) as err:
        read_sql(f"sqlite:///{db}", query="select nope from customers")
    assert err.value.key == "io.error.bad_query" and "nope" in err.value.message("en")
    with pytest.raises(LoadError) as err:
        read_sql(f"sqlite:///{db}")
    assert err.value.key == "io.error.sql_args"
    with pytest.raises(LoadError) as err:
        read_sql("mssql+nodriver://u:p@h/db", table="t")
    assert err.value.key in ("io.error.sql_driver", "io.error.bad_uri")
    assert "p@" not in err.value.message("en")


def test_unreachable_database_hides_the_password():
    from workbench.io import read_sql

    with pytest.raises(LoadError) as err:
        read_sql("postgresql+psycopg://analyst:s3cret@127.0.0.1:1/dw", table="t")
    message = err.value.message("en")
    assert err.value.key == "io.error.db_connect"
    assert "s3cret" not in message and "***" in message


def test_unclosed_quote_names_the_line(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('a,b\n1,x\n2,"unclosed\n3,y\n', encoding="utf-8")
    err = refusal(path)
    assert err.message("en").startswith('t.csv: a quote (") opened at line 3 is never closed')
    assert "3번째 줄" in err.message("ko")


@pytest.mark.parametrize("content", [b",,,\n,,,\n", b'"\n'])
def test_nothing_but_delimiters_or_a_lone_quote_is_empty(tmp_path, content):
    path = tmp_path / "t.csv"
    path.write_bytes(content)
    assert refusal(path).key == "io.error.empty"


def test_every_note_reads_as_one_line_in_both_languages(tmp_path):
    from workbench.io.errors import note_message

    path = tmp_path / "t.csv"
    path.write_text(
        '금액,금액,,기준일,비율,빈칸\n"1,000",1,x,20240305,1%,\n-,2,y,20240306,2%,\n3,4,5,6\n',
        encoding="utf-8",
    )
    table = read_table(path, skip_bad_lines=True)
    keys = {k for k, _ in table.source.notes}
    assert keys >= {
        "io.note.duplicate_name", "io.note.blank_name", "io.note.skipped_lines", "io.note.null_markers",
        "io.note.compact_date", "io.note.percent", "io.note.all_null",
    }  # fmt: skip
    for note in table.source.notes:
        for lang in ("ko", "en"):
            text = note_message(note, lang)
            assert text and "{" not in text and "\n" not in text
    assert note_message(("io.note.skipped_lines", dict(table.source.notes)["io.note.skipped_lines"]), "en") == (
        "Skipped lines with the wrong number of fields (1 in all): 4"
    )


def test_unreadable_file(tmp_path, monkeypatch):
    path = tmp_path / "t.csv"
    path.write_text("a\n1\n")
    monkeypatch.setattr(os, "access", lambda p, mode: False)
    assert (
        refusal(path).message("en")
        == f"No permission to read {path}. Check the file's permissions or copy it somewhere readable."
    )


def test_utf8_file_cut_inside_a_character(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(("이름,금액\n" + "김철수,1000\n" * 1000).encode("utf-8")[:-7])  # ends inside '수'
    err = refusal(path)
    assert err.message("en") == "t.csv ends in the middle of a character: the file looks cut off. Fetch it again."
