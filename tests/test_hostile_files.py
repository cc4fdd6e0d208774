"""Hostile files never take the process down: a sheet that spans the whole grid, decompression bombs.

Each file is generated here, a few KB to 1.5 MB on disk. The CLI runs in a subprocess: the Excel reader's
failed allocation aborts the process (exit 134 and a Rust backtrace), which no ``try`` could catch.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import polars as pl
import pytest
from conftest import ROOT

from workbench.io import LoadError, inspect_path, read_table
from workbench.io.excel import sheet_extent

LINE = b"1,1000,aaaaaaaaaaaaaaaa\n"
BLOCK = LINE * ((1 << 20) // len(LINE))  # 1 MB of rows that compress about 400× (gzip) to 1,500× (bz2)
HEADER = b"customer_id,amount,memo\n"


def run(*args: str, env: dict | None = None, tmpdir: Path | None = None) -> subprocess.CompletedProcess:
    import os

    full = {**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)}
    if tmpdir is not None:
        full["TMPDIR"] = str(tmpdir)
    return subprocess.run(
        [sys.executable, "-m", "workbench", "--lang", "en", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=120, env=full,
    )  # fmt: skip


def whole_grid_xlsx(path: Path) -> Path:
    """A real workbook (xlsxwriter) with a header, two rows and one cell at XFD1048576: about 5 KB."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("고객")
    ws.write_row(0, 0, ["customer_id", "amount"])
    ws.write_row(1, 0, ["C001", 1000])
    ws.write_row(2, 0, ["C002", 2000])
    ws.write(1_048_575, 16_383, 1)
    wb.close()
    return path


def without_dimension(src: Path, out: Path) -> Path:
    """The same workbook with its ``<dimension>`` removed: the reader sizes the range from the cells alone."""
    import re

    with zipfile.ZipFile(src) as z, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as o:
        for info in z.infolist():
            data = z.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<dimension[^>]*/>", b"", data)
            o.writestr(info, data)
    return out


def bomb(path: Path, megabytes: int = 600) -> Path:
    """A CSV of ``megabytes`` MB compressed by the suffix (.gz/.bz2/.xz: members concatenated; .zip: one
    member streamed), so the file is made in a fraction of a second."""
    if path.suffix == ".zip":
        with (
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z,
            z.open("bomb.csv", "w", force_zip64=True) as w,
        ):
            w.write(HEADER)
            for _ in range(megabytes):
                w.write(BLOCK)
        return path
    compress = {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress}[path.suffix]
    block = compress(BLOCK)
    with path.open("wb") as f:
        f.write(compress(HEADER))
        for _ in range(megabytes):
            f.write(block)
    return path


ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def ods(path: Path, rows_xml: str) -> Path:
    """A minimal OpenDocument spreadsheet whose one sheet holds ``rows_xml``."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NS} office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="고객">{rows_xml}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


def _cell(value) -> str:
    if isinstance(value, str):
        return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'
    number = f'office:value-type="float" office:value="{value}"'
    return f"<table:table-cell {number}><text:p>{value}</text:p></table:table-cell>"


def _row(*values) -> str:
    return "<table:table-row>" + "".join(_cell(v) for v in values) + "</table:table-row>"


@pytest.fixture
def grid(tmp_path) -> Path:
    return whole_grid_xlsx(tmp_path / "grid.xlsx")


HOSTILE = ("grid.xlsx", "nodim.xlsx", "grid.ods", "bomb.csv.gz", "bomb.csv.bz2", "bomb.csv.xz", "bomb.zip")
FILLED_GRID = (  # every cell of the grid holds 1: 17 billion cells in under 1 KB
    '<table:table-row table:number-rows-repeated="1048575">'
    '<table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1">'
    "<text:p>1</text:p></table:table-cell></table:table-row>"
)


@pytest.fixture
def hostile(tmp_path) -> dict[str, Path]:
    files = tmp_path / "files"
    files.mkdir()
    grid = whole_grid_xlsx(files / "grid.xlsx")
    made = {"grid.xlsx": grid, "nodim.xlsx": without_dimension(grid, files / "nodim.xlsx")}
    made["grid.ods"] = ods(files / "grid.ods", _row("customer_id", "amount") + FILLED_GRID)
    for name in HOSTILE[3:]:
        made[name] = bomb(files / name, 200 if name.endswith(".zip") else 600)
    return made


def test_hostile_files_are_small_on_disk(hostile):
    assert hostile["grid.xlsx"].stat().st_size < 10_000
    assert max(p.stat().st_size for p in hostile.values()) < 2_000_000


@pytest.mark.parametrize("command", ["inspect", "scan", "profile"])
def test_cli_refuses_each_hostile_file_in_one_line(hostile, tmp_path, command):
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    for name, path in hostile.items():
        started = time.monotonic()
        result = run(command, str(path), tmpdir=tmpdir, env={"WORKBENCH_HOME": str(tmp_path / "ws")})
        took = time.monotonic() - started
        assert result.returncode == 2, (name, result.returncode, result.stderr[-500:])
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), (name, result.stderr[-500:])
        assert "Traceback" not in result.stderr and "panicked" not in result.stderr
        assert "WORKBENCH_MAX_" in lines[0], lines[0]
        assert took < 15, (name, took)
        assert list(tmpdir.iterdir()) == [], f"{name} left {list(tmpdir.iterdir())}"


def test_the_sheet_message_names_the_range_and_how_to_raise_it(grid):
    with pytest.raises(LoadError) as err:
        inspect_path(grid)
    assert err.value.message("en") == (
        "grid.xlsx: a sheet spans 1,048,576 × 16,384 = 17,179,869,184 cells, past the limit of 30,000,000, so it "
        "was not read. Save it again with only the used range, or set the environment variable "
        "WORKBENCH_MAX_EXCEL_CELLS higher."
    )
    assert "WORKBENCH_MAX_EXCEL_CELLS" in err.value.message("ko")


def test_raising_the_cell_limit_lets_a_large_sheet_through(tmp_path, monkeypatch):
    import xlsxwriter

    path = tmp_path / "wide.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["a", "b"])
    ws.write_row(1, 0, [1, 2])
    ws.write(1999, 0, 3)  # 2,000 rows × 2 columns = 4,000 cells
    wb.close()
    monkeypatch.setenv("WORKBENCH_MAX_EXCEL_CELLS", "3999")
    with pytest.raises(LoadError, match="2,000 × 2 = 4,000"):
        read_table(path)
    monkeypatch.setenv("WORKBENCH_MAX_EXCEL_CELLS", "4000")
    assert read_table(path).frame["a"].to_list() == [1, 3]  # blank rows between are dropped as before


def test_an_ordinary_workbook_reads_as_before(tmp_path):
    path = tmp_path / "ok.xlsx"
    pl.DataFrame({"고객": ["가", "나"], "금액": [1, 2]}).write_excel(path)
    assert read_table(path).frame.to_dict(as_series=False) == {"고객": ["가", "나"], "금액": [1, 2]}


def test_sheet_extent_reads_cells_split_across_chunks():
    xml = b'<worksheet><sheetData><row r="7"><c r="AB7"><v>1</v></c></row></sheetData></worksheet>'
    pieces = [xml[i : i + 5] for i in range(0, len(xml), 5)]
    extent = sheet_extent(pieces)
    assert (extent.rows, extent.columns, extent.cells) == (7, 28, 1)
    prefixed = b'<x:worksheet><x:dimension ref="A1:C3"/><x:sheetData><x:row><x:c><x:v>1</x:v></x:c></x:row>'
    assert sheet_extent([prefixed]).range_cells == 9


def test_bomb_is_refused_quickly_with_bounded_memory(hostile, tmp_path):
    """In-process: the refusal comes within a second or so, and the peak memory of a child doing it stays small."""
    code = (
        "import re, sys, time\n"
        "from workbench.io import LoadError, inspect_path\n"
        "t = time.monotonic()\n"
        "try:\n"
        "    inspect_path(sys.argv[1])\n"
        "except LoadError as e:\n"
        "    took = time.monotonic() - t\n"
        "    peak = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1]\n"
        "    print(e.key, took, peak)\n"
    )
    import os

    for name in ("bomb.csv.gz", "bomb.zip", "grid.xlsx"):
        out = subprocess.run(
            [sys.executable, "-c", code, str(hostile[name])],
            capture_output=True, text=True, timeout=120, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
        key, seconds, peak_kb = out.stdout.split()
        assert key.startswith("io.error.limit_"), out.stderr
        assert float(seconds) < 5, (name, seconds)
        assert int(peak_kb) < 400_000, (name, peak_kb)  # peak resident set: about 70 MB; 9 GB before


def test_absolute_inflate_limit(tmp_path, monkeypatch):
    path = bomb(tmp_path / "t.csv.gz", 80)
    monkeypatch.setenv("WORKBENCH_MAX_INFLATE_RATIO", "100000")
    monkeypatch.setenv("WORKBENCH_MAX_INFLATED_MB", "50")
    with pytest.raises(LoadError) as err:
        read_table(path)
    assert err.value.key == "io.error.limit_inflated"
    assert "WORKBENCH_MAX_INFLATED_MB" in err.value.message("en") and "50 MB" in err.value.message("en")
    monkeypatch.setenv("WORKBENCH_MAX_INFLATED_MB", "100")
    assert read_table(path).frame.height == 80 * ((1 << 20) // len(LINE))


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz"])
def test_ordinary_compressed_csv_reads(tmp_path, suffix):
    text = "고객,금액\n가,1\n나,2\n".encode()
    compress = {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress}[suffix]
    path = tmp_path / f"t.csv{suffix}"
    path.write_bytes(compress(text))
    table = read_table(path)
    assert table.name == "t"
    assert table.frame.to_dict(as_series=False) == {"고객": ["가", "나"], "금액": [1, 2]}


def test_every_limit_is_in_the_readme_configuration_table():
    from workbench.io.limits import LIMITS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for limit in LIMITS:
        assert f"| `{limit.env}` |" in readme and f"`{limit.default}`" in readme, limit.env


def test_a_libreoffice_style_sheet_with_its_empty_repeated_grid_reads(tmp_path):
    """LibreOffice writes the unused rest of the grid as repeated *empty* cells: those do not count."""
    empty_rest = (
        '<table:table-row table:number-rows-repeated="1048573">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    )
    path = ods(tmp_path / "ok.ods", _row("고객", "금액") + _row("가", 1) + _row("나", 2) + empty_rest)
    assert read_table(path).frame.to_dict(as_series=False) == {"고객": ["가", "나"], "금액": [1, 2]}
