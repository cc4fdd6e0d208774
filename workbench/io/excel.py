"""Excel workbooks (.xlsx, .xlsm, .xlsb, .xls, .ods) through polars' calamine engine (fastexcel).

Cell types come from the workbook over the whole column (``infer_schema_length=None``); columns that arrive as
text (dates typed as ``2024.03.05``, amounts typed with commas) get the same whole-column inference as CSV.
Headers are read raw from the first row so Korean, blank and repeated names get the same treatment as CSV.
"""

from __future__ import annotations

import logging
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import polars as pl

from workbench.io.archive import limited_chunks
from workbench.io.errors import LoadError, human_list
from workbench.io.hygiene import tidy_rows
from workbench.io.infer import apply_overrides, cast_frame, guess_notes, guess_types
from workbench.io.limits import MAX_EXCEL_CELLS
from workbench.io.names import unique_names

Note = tuple[str, dict]
EXTENSIONS = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")


_CELL = re.compile(rb"<(?:\w+:)?c\b[^>]*?\sr=\"([A-Z]{1,4})(\d{1,9})\"")
_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*?\sr=\"(\d{1,9})\"")
_ANY_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_ANY_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\sref=\"[A-Z]*\d*:?([A-Z]{1,4})(\d{1,9})\"")


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


@dataclass(frozen=True)
class SheetExtent:
    """What a sheet's XML declares and holds: the range from A1 to its last cell, and its cell count."""

    rows: int
    columns: int
    cells: int

    @property
    def range_cells(self) -> int:
        return self.rows * self.columns


def _whole_tags(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """XML as it streams, each piece ending before a tag cut at the chunk's end; the cut tag is carried into
    the next piece (a tag is never 64 KB long), so a pattern never sees half a tag."""
    carry = b""
    for chunk in chain(chunks, [None]):
        if chunk is None:
            yield carry
            return
        data = carry + chunk
        cut = data.rfind(b"<")
        data, carry = (data[:cut], data[cut:]) if 0 <= cut > len(data) - 65536 else (data, b"")
        yield data


def sheet_extent(chunks: Iterable[bytes]) -> SheetExtent:
    """Scan a worksheet's XML as it streams: the ``<dimension ref=…>``, every ``<row r=…>`` and ``<c r=…>``
    (cells without ``r`` count in order). Tags cut between two chunks are carried to the next one."""
    rows = columns = cells = row_tags = 0
    for data in _whole_tags(chunks):
        for m in (*_DIMENSION.finditer(data), *_CELL.finditer(data)):
            columns, rows = max(columns, _column_number(m[1])), max(rows, int(m[2]))
        for m in _ROW.finditer(data):
            rows = max(rows, int(m[1]))
        cells += len(_ANY_CELL.findall(data))
        row_tags += len(_ANY_ROW.findall(data))
    return SheetExtent(max(rows, row_tags), max(columns, 1 if cells else 0), cells)


_ODS_TAG = re.compile(rb"<table:(table-row|table-cell|covered-table-cell|table)\b([^>]*)>")
_ODS_REPEAT = re.compile(rb"number-(?:rows|columns)-repeated=\"(\d{1,10})\"")


def ods_extent(chunks: Iterable[bytes]) -> SheetExtent:
    """The largest sheet range in an OpenDocument ``content.xml``, from its rows and cells and their
    ``number-rows-repeated``/``number-columns-repeated``: only cells with a value count (LibreOffice writes
    the empty rest of the grid as one repeated empty cell)."""
    rows = columns = cells = 0
    row = row_start = row_repeat = col = 0
    for data in _whole_tags(chunks):
        for m in _ODS_TAG.finditer(data):
            kind, attrs = m[1], m[2]
            repeat = int(r[1]) if (r := _ODS_REPEAT.search(attrs)) else 1
            if kind == b"table":
                row = 0
            elif kind == b"table-row":
                row_start, row_repeat, col = row, repeat, 0
                row += repeat
            else:
                if b"value-type=" in attrs:
                    columns = max(columns, col + repeat)
                    rows = max(rows, row_start + row_repeat)
                    cells += repeat * row_repeat
                col += repeat
    return SheetExtent(rows, columns, cells)


def check_extent(path: Path) -> None:
    """Refuse an .xlsx/.xlsm/.ods whose sheet would make the reader allocate past ``WORKBENCH_MAX_EXCEL_CELLS``,
    before the reader sees it (it aborts the whole process when an allocation fails), reading each sheet's
    XML from the zip as a stream within ``WORKBENCH_MAX_INFLATED_MB``."""
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".ods"):
        return
    limit = MAX_EXCEL_CELLS.value()
    try:
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                if suffix == ".ods":
                    if info.filename != "content.xml":
                        continue
                    measure = ods_extent
                elif info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    measure = sheet_extent
                else:
                    continue
                with z.open(info) as src:
                    extent = measure(limited_chunks(src, compressed=None, label=path.name))
                if max(extent.range_cells, extent.cells) > limit:
                    found = f"{extent.rows:,} × {extent.columns:,} = {max(extent.range_cells, extent.cells):,}"
                    raise MAX_EXCEL_CELLS.refuse(path.name, found)
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as err:
        raise LoadError("io.error.corrupt_excel", path=path.name) from err


def _reader(path: Path):
    import fastexcel

    check_extent(path)
    try:
        return fastexcel.read_excel(str(path))
    except Exception as err:  # calamine raises its own error types for every kind of damage
        raise LoadError("io.error.corrupt_excel", path=path.name) from err


def sheet_names(path: str | Path) -> list[str]:
    """The workbook's sheets in tab order (what a sheet picker lists)."""
    return list(_reader(Path(path)).sheet_names)


def choose_sheet(path: Path, sheet: str | int | None) -> tuple[str, tuple[Note, ...]]:
    """Resolve a sheet name or 0-based position; none given → the first sheet (noted when there are more)."""
    names = sheet_names(path)
    if not names:
        raise LoadError("io.error.empty", path=path.name)
    if sheet is None:
        notes = (
            (("io.note.first_sheet", {"sheet": names[0], "sheets": human_list(names, 10)}),) if len(names) > 1 else ()
        )
        return names[0], notes
    if isinstance(sheet, str) and sheet in names:
        return sheet, ()
    if isinstance(sheet, int) and 0 <= sheet < len(names):
        return names[sheet], ()
    raise LoadError("io.error.no_sheet", path=path.name, sheet=sheet, sheets=human_list(names, 10))


def read_excel(
    path: Path, *, sheet: str | int | None = None, overrides: dict[str, str] | None = None
) -> tuple[pl.DataFrame, str, tuple[Note, ...]]:
    """The typed frame of one sheet, the sheet's name and notes."""
    name, notes = choose_sheet(path, sheet)
    reader = _reader(path)
    logging.getLogger("fastexcel").setLevel(logging.ERROR)
    try:
        header = reader.load_sheet(name, header_row=None, n_rows=1).to_polars()
        frame = pl.read_excel(
            path,
            sheet_name=name,
            engine="calamine",
            infer_schema_length=None,
            drop_empty_cols=False,
            raise_if_empty=False,
        )
    except LoadError:
        raise
    except Exception as err:
        raise LoadError("io.error.corrupt_excel", path=path.name) from err
    raw = [str(v) if v is not None else "" for v in header.row(0)] if header.height else []
    if frame.width == 0 or not raw:
        raise LoadError("io.error.empty_sheet", path=path.name, sheet=name)
    raw = raw[: frame.width] + [""] * (frame.width - len(raw))
    keep = [
        i
        for i, (h, c) in enumerate(zip(raw, frame.columns, strict=True))
        if h.strip() or frame[c].null_count() < frame.height
    ]
    frame = frame.select(frame.columns[i] for i in keep)
    names, name_notes = unique_names([raw[i] for i in keep])
    frame = frame.rename(dict(zip(frame.columns, names, strict=True)))
    if frame.height == 0:
        raise LoadError("io.error.no_rows", path=path.name, columns=human_list(names, 5), names=names)
    frame, tidied = tidy_rows(frame)  # total, second-header and units rows go before typing
    overrides = dict(overrides or {})
    guesses = guess_types(frame.lazy(), [c for c in names if c not in overrides])
    frame = cast_frame(frame, guesses)
    frame = apply_overrides(frame, overrides)
    return frame, name, notes + name_notes + tidied + guess_notes(guesses)
