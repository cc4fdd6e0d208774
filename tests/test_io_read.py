"""Delimited files as analysts get them: Korean encodings, any delimiter, types from whole columns."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from workbench.io import LoadError, inspect_path, read_table

HEADER = "고객번호,성명,거래일자,금액,잔액\n"


def write(path, text: str, encoding: str = "utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


# --- encodings ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "reported"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp949", "euc-kr"), ("utf-16", "utf-16")],
)
def test_encodings_are_detected_and_korean_headers_kept(tmp_path, encoding, reported):
    text = HEADER + 'C001,김철수,2024-03-05,"1,234,567",100\nC002,이영희,2024-03-06,"2,000",200\n'
    table = read_table(write(tmp_path / "t.csv", text, encoding))
    assert table.source.encoding == reported
    assert table.frame.columns == ["고객번호", "성명", "거래일자", "금액", "잔액"]
    assert table.frame["성명"].to_list() == ["김철수", "이영희"]
    assert table.frame["금액"].to_list() == [1_234_567, 2_000]
    assert table.frame["거래일자"].to_list() == [dt.date(2024, 3, 5), dt.date(2024, 3, 6)]


def test_cp949_only_syllable_late_in_file_is_cp949_not_euc_kr(tmp_path):
    # '똠' exists in CP949 but not in EUC-KR; it sits far beyond any head sample
    rows = "".join(f"C{i:05d},김민수,{i}\n" for i in range(60_000))
    text = "고객번호,성명,점수\n" + rows + "C99999,똠방각하,1\n"
    table = read_table(write(tmp_path / "t.csv", text, "cp949"))
    assert table.source.encoding == "cp949"
    assert table.frame["성명"][-1] == "똠방각하"
    assert table.frame.height == 60_001


def test_invalid_utf8_byte_late_in_file_falls_back_to_cp949(tmp_path):
    body = "".join(f"{i},가나다\n" for i in range(50_000))
    data = ("번호,이름\n" + body).encode("cp949")
    (tmp_path / "t.csv").write_bytes(data)
    assert read_table(tmp_path / "t.csv").source.encoding == "euc-kr"


def test_cp949_file_with_korean_dates_and_amounts(tmp_path):
    text = '거래일,금액,비고\n2024년 3월 5일,"1,000",정상\n2024년 12월 31일,"(2,500)",취소\n2023년 1월 1일,-,정상\n'
    table = read_table(write(tmp_path / "t.csv", text, "cp949"))
    assert table.frame.schema["거래일"] == pl.Date
    assert table.frame["거래일"].to_list() == [
        dt.date(2024, 3, 5),
        dt.date(2024, 12, 31),
        dt.date(2023, 1, 1),
    ]
    assert table.frame["금액"].to_list() == [1000, -2500, None]
    assert ("io.note.null_markers", {"column": "금액", "count": 1}) in table.source.notes


# --- delimiters ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", "\t", ";", "|"])
def test_each_delimiter(tmp_path, delimiter):
    rows = [["지점", "금액", "비고"], ["강남", "1,500", "a,b"], ["종로", "2,500", "c"]]

    def quote(v: str) -> str:
        return f'"{v}"' if "," in v and delimiter == "," else v

    text = "\n".join(delimiter.join(quote(v) for v in r) for r in rows) + "\n"
    table = read_table(write(tmp_path / "t.txt", text))
    assert table.source.delimiter == delimiter
    assert table.frame.columns == ["지점", "금액", "비고"]
    assert table.frame["비고"].to_list() == ["a,b", "c"]
    assert table.frame["금액"].to_list() == [1500, 2500]


def test_tsv_reported_as_tsv(tmp_path):
    path = write(tmp_path / "t.tsv", "a\tb\n1\t2\n")
    assert inspect_path(path).format == "tsv"


def test_single_column_file(tmp_path):
    table = read_table(write(tmp_path / "t.csv", "금액\n1\n2\n3\n"))
    assert table.frame.columns == ["금액"]
    assert table.frame["금액"].to_list() == [1, 2, 3]


def test_crlf_line_endings(tmp_path):
    table = read_table(write(tmp_path / "t.csv", "a,b\r\n1,x\r\n2,y\r\n"))
    assert table.frame["b"].to_list() == ["x", "y"]
    assert table.frame["a"].to_list() == [1, 2]


def test_quoted_newline_inside_value(tmp_path):
    table = read_table(write(tmp_path / "t.csv", 'id,메모\n1,"첫 줄\n둘째 줄"\n2,짧음\n'))
    assert table.frame["메모"].to_list() == ["첫 줄\n둘째 줄", "짧음"]


def test_file_without_header_gets_generic_names(tmp_path):
    table = read_table(write(tmp_path / "t.csv", "1,2024-01-01,100\n2,2024-01-02,200\n"))
    assert table.frame.columns == ["column_1", "column_2", "column_3"]
    assert table.frame.height == 2
    assert ("io.note.no_header", {}) in table.source.notes


# --- types from whole columns -------------------------------------------------------------------------


def test_late_float_and_null_markers_at_row_100k_keep_numbers(tmp_path):
    n = 100_000
    lines = [f"{i},{i % 1000},{i * 10}" for i in range(n)]
    lines += ["100000,1.5,N/A", "100001,-,-", "100002,,#N/A"]
    table = read_table(write(tmp_path / "t.csv", "id,rate,amount\n" + "\n".join(lines) + "\n"))
    frame = table.frame
    assert frame.height == n + 3
    assert frame.schema["rate"] == pl.Float64
    assert frame.schema["amount"] == pl.Int64
    assert frame["rate"][-3] == 1.5
    assert frame["amount"][-3:].to_list() == [None, None, None]
    assert frame["amount"].sum() == sum(i * 10 for i in range(n))


def test_really_mixed_column_stays_text(tmp_path):
    lines = [f"{i},{i}" for i in range(50_000)] + ["50000,미상"]
    table = read_table(write(tmp_path / "t.csv", "id,코드\n" + "\n".join(lines) + "\n"))
    assert table.frame.schema["코드"] == pl.String
    assert table.frame["코드"][-1] == "미상"
    assert table.frame["코드"][0] == "0"


def test_leading_zero_codes_stay_text(tmp_path):
    table = read_table(write(tmp_path / "t.csv", "지점코드,금액\n00123,1\n00456,2\n12345,3\n"))
    assert table.frame["지점코드"].to_list() == ["00123", "00456", "12345"]


def test_eight_digit_account_codes_are_not_dates(tmp_path):
    # 20241399 is no date: the column stays numbers even though most values look like dates
    table = read_table(write(tmp_path / "t.csv", "계정코드\n20240305\n20240306\n20241399\n"))
    assert table.frame.schema["계정코드"] == pl.Int64
    codes = read_table(write(tmp_path / "c.csv", "계정코드\n11020304\n52010101\n"))
    assert codes.frame.schema["계정코드"] == pl.Int64


def test_compact_dates_when_every_value_is_a_date(tmp_path):
    table = read_table(write(tmp_path / "t.csv", "기준일자\n20240305\n20231231\n"))
    assert table.frame["기준일자"].to_list() == [dt.date(2024, 3, 5), dt.date(2023, 12, 31)]
    assert ("io.note.compact_date", {"column": "기준일자"}) in table.source.notes


@pytest.mark.parametrize(
    "values",
    [
        ["2024-03-05", "2024-12-31"],
        ["2024.03.05", "2024.12.31"],
        ["2024/03/05", "2024/12/31"],
        ["2024년 3월 5일", "2024년 12월 31일"],
        ["2024.3.5.", "2024.12.31."],
        ["2024-03-05", "2024.12.31"],
    ],
)
def test_date_layouts(tmp_path, values):
    table = read_table(write(tmp_path / "t.csv", "일자\n" + "\n".join(values) + "\n"))
    assert table.frame["일자"].to_list() == [dt.date(2024, 3, 5), dt.date(2024, 12, 31)]


def test_datetimes_with_and_without_fractions(tmp_path):
    values = ["2024-03-05 14:22:01", "2024-03-05T09:00:00", "2024-03-06 23:59:59.250", "2024-03-07"]
    table = read_table(write(tmp_path / "t.csv", "거래일시\n" + "\n".join(values) + "\n"))
    assert table.frame.schema["거래일시"] == pl.Datetime("us")
    assert table.frame["거래일시"].to_list() == [
        dt.datetime(2024, 3, 5, 14, 22, 1),
        dt.datetime(2024, 3, 5, 9, 0, 0),
        dt.datetime(2024, 3, 6, 23, 59, 59, 250_000),
        dt.datetime(2024, 3, 7),
    ]


def test_impossible_date_keeps_column_text(tmp_path):
    table = read_table(write(tmp_path / "t.csv", "일자\n2024-02-29\n2023-02-29\n"))
    assert table.frame.schema["일자"] == pl.String


def test_yes_no_columns_keep_their_spelling(tmp_path):
    text = "해외,동의,혼합\nY,예 ,Y\nN,아니오,maybe\ny,N/A,N\n"
    frame = read_table(write(tmp_path / "t.csv", text)).frame
    assert frame["해외"].to_list() == ["Y", "N", "y"]  # as written: never True/False
    assert frame["동의"].to_list() == ["예", "아니오", None]  # trimmed, the null marker read as missing
    assert frame["혼합"].to_list() == ["Y", "maybe", "N"]


def test_thousands_parentheses_and_percentages(tmp_path):
    text = 'amount,loss,rate\n"1,234,567",(1234),12.5%\n-2,"(2,000)",0.5%\n'
    table = read_table(write(tmp_path / "t.csv", text))
    assert table.frame["amount"].to_list() == [1_234_567, -2]
    assert table.frame["loss"].to_list() == [-1234, -2000]
    assert table.frame["rate"].to_list() == pytest.approx([0.125, 0.005])
    assert ("io.note.percent", {"column": "rate"}) in table.source.notes


def test_all_null_and_constant_columns(tmp_path):
    table = read_table(write(tmp_path / "t.csv", "a,비어있음,상수\n1,,7\n2,,7\n"))
    assert table.frame.schema["비어있음"] == pl.String
    assert table.frame["비어있음"].null_count() == 2
    assert table.frame["상수"].to_list() == [7, 7]
    assert ("io.note.all_null", {"column": "비어있음"}) in table.source.notes


def test_overrides_read_text_as_asked(tmp_path):
    path = write(tmp_path / "t.csv", "계좌번호,금액,등급\n12345678,1000,A\n23456789,2000,B\n")
    table = read_table(path, overrides={"계좌번호": "str", "금액": "float", "등급": "category"})
    assert table.frame["계좌번호"].to_list() == ["12345678", "23456789"]
    assert table.frame.schema["금액"] == pl.Float64
    assert table.frame.schema["등급"] == pl.Categorical


def test_override_that_does_not_fit_is_refused(tmp_path):
    path = write(tmp_path / "t.csv", "금액\n1000\n1.5\n")
    with pytest.raises(LoadError) as err:
        read_table(path, overrides={"금액": "int"})
    assert err.value.message("en") == (
        "Values of column '금액' cannot be read as int (1 in all, e.g. '1.5'). Choose another type or fix the values."
    )
    with pytest.raises(LoadError) as err:
        read_table(path, overrides={"없는열": "int"})
    assert "없는열" in err.value.message("ko")
    with pytest.raises(LoadError) as err:
        read_table(path, overrides={"금액": "money"})
    assert "int, float, str" in err.value.message("en")


# --- names --------------------------------------------------------------------------------------------


def test_duplicate_and_blank_headers_are_made_unique(tmp_path):
    table = read_table(write(tmp_path / "t.csv", "\ufeff 금액 ,금액,,금액\n1,2,3,4\n", "utf-8"))
    assert table.frame.columns == ["금액", "금액_2", "column_3", "금액_3"]
    notes = table.source.notes
    assert ("io.note.duplicate_name", {"old": "금액", "new": "금액_2", "position": 2}) in notes
    assert ("io.note.blank_name", {"new": "column_3", "position": 3}) in notes


def test_trailing_delimiter_on_every_data_line(tmp_path):
    table = read_table(write(tmp_path / "t.csv", "a,b,c\n1,2,3,\n4,5,6,\n"))
    assert table.frame.columns == ["a", "b", "c"]
    assert table.frame["c"].to_list() == [3, 6]


def test_trailing_delimiter_on_header_and_data(tmp_path):
    path = write(tmp_path / "t.csv", "a;b;\n1;x;\n2;y;\n")
    table = read_table(path)
    assert table.frame.columns == ["a", "b"]
    assert not any(n[0] == "io.note.blank_name" for n in table.source.notes)
    assert [c.name for c in inspect_path(path).columns] == ["a", "b"]


def test_blank_header_over_real_values_is_kept(tmp_path):
    table = read_table(write(tmp_path / "t.csv", "a,\n1,x\n2,y\n"))
    assert table.frame.columns == ["a", "column_2"]
    assert table.frame["column_2"].to_list() == ["x", "y"]


def test_large_cp949_file_is_transcoded_through_a_temp_file(tmp_path, monkeypatch):
    from workbench.io import delimited

    monkeypatch.setattr(delimited, "IN_MEMORY_LIMIT", 0)
    monkeypatch.setattr(delimited, "CHUNK", 1000)  # chunk edges fall inside two-byte Hangul characters
    rows = "".join(f"{i},홍길동{i},{i * 1000:,}\n".replace(f"{i * 1000:,}", f'"{i * 1000:,}"') for i in range(2000))
    table = read_table(write(tmp_path / "t.csv", "번호,이름,금액\n" + rows, "cp949"))
    assert table.frame["이름"][1999] == "홍길동1999"
    assert table.frame["금액"].sum() == sum(i * 1000 for i in range(2000))
