"""Excel workbooks (.xlsx, .xlsm, .xlsb, .xls, .ods) through polars' calamine engine (fastexcel).

Cell types come from the workbook over the whole column (``infer_schema_length=None``); columns that arrive as
text (dates typed as ``2024.03.05``, amounts typed with commas) get the same whole-column inference as CSV.
Headers are read raw from the first row so Korean, blank and repeated names get the same treatment as CSV.
"""

from __future__ import annotations

import logging
from pathlib import Path

import polars as pl

from workbench.io.errors import LoadError, human_list
from workbench.io.infer import apply_overrides, cast_frame, guess_notes, guess_types
from workbench.io.names import unique_names

Note = tuple[str, dict]
EXTENSIONS = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")


def _reader(path: Path):
    import fastexcel

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
    overrides = dict(overrides or {})
    guesses = guess_types(frame.lazy(), [c for c in names if c not in overrides])
    frame = cast_frame(frame, guesses)
    frame = apply_overrides(frame, overrides)
    return frame, name, notes + name_notes + guess_notes(guesses)
