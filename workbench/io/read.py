"""``read_table``: one entry point from a path (or SQL URI) to a typed ``Table``, whatever the format."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl

from workbench.io.archive import COMPRESSED, STREAMS  # t.csv.gz/.bz2/.xz, or the one delimited file in a zip
from workbench.io.errors import LoadError, human_list
from workbench.io.infer import apply_overrides
from workbench.io.names import unique_names
from workbench.io.table import ScannedTable, SourceInfo, Table

DELIMITED = (".csv", ".tsv", ".txt", ".tab", ".dat")
PARQUET = (".parquet", ".pq")
SQLITE = (".db", ".sqlite", ".sqlite3")
DUCKDB = (".duckdb",)


def _excel_exts() -> tuple[str, ...]:
    from workbench.io.excel import EXTENSIONS

    return EXTENSIONS


def supported_extensions() -> tuple[str, ...]:
    return DELIMITED + COMPRESSED + _excel_exts() + PARQUET + SQLITE + DUCKDB


def is_uri(path: str | Path) -> bool:
    return isinstance(path, str) and "://" in path


def resolve(path: str | Path) -> tuple[Path, str]:
    """The existing file and its format: ``delimited``, ``excel``, ``parquet``, ``sqlite`` or ``duckdb``."""
    p = Path(path).expanduser()
    if not p.exists():
        raise LoadError("io.error.not_found", path=str(path))
    if not p.is_file():
        raise LoadError("io.error.not_a_file", path=str(path))
    if not os.access(p, os.R_OK):
        raise LoadError("io.error.unreadable", path=str(path))
    ext = p.suffix.lower()
    if ext == ".zip" or (ext in STREAMS and Path(p.stem).suffix.lower() in DELIMITED):
        return p, "delimited"
    for fmt, exts in (
        ("delimited", DELIMITED),
        ("excel", _excel_exts()),
        ("parquet", PARQUET),
        ("sqlite", SQLITE),
        ("duckdb", DUCKDB),
    ):
        if ext in exts:
            return p, fmt
    raise LoadError("io.error.extension", path=p.name, ext=ext or "-", supported=" ".join(supported_extensions()))


def sqlite_table(uri: str, sheet: str | int | None) -> str:
    """The table to read from a database file: the one named, or the only one there is."""
    from workbench.io.sql import list_tables

    tables = list_tables(uri)
    if isinstance(sheet, str):
        return sheet
    if len(tables) == 1:
        return tables[0]
    raise LoadError("io.error.choose_table", tables=human_list(tables, 10) or "-")


LAZY_BYTES = 2 * 1024**3  # a Parquet file whose data would take more than this in memory stays on disk


def _estimated_bytes(table: ScannedTable) -> int:
    """In-memory size of a scanned table from its schema: 8 bytes a value, 24 for text (offsets + data)."""
    per_row = sum(24 if d in (pl.String, pl.Categorical) else 8 for d in table.schema.values())
    return per_row * table.rows


def _typed_scan(table: ScannedTable, path: Path) -> ScannedTable:
    """The scan with what ``read_table`` does to a read Parquet file: unique names, all-null columns as text."""
    from dataclasses import replace

    schema = table.schema
    names, notes = unique_names(list(schema))
    lf = table.scan
    if names != list(schema):
        lf = lf.rename(dict(zip(schema, names, strict=True)))
    nulls = [n for n, d in zip(names, schema.values(), strict=True) if d == pl.Null]
    if nulls:
        lf = lf.with_columns(pl.col(c).cast(pl.String) for c in nulls)
    if table.rows == 0:
        raise LoadError("io.error.no_rows", path=path.name, columns=human_list(names, 5), names=names)
    return replace(table, scan=lf, source=SourceInfo(kind="parquet", location=str(path), notes=notes))


def _typed(frame: pl.DataFrame, overrides: dict[str, str] | None) -> tuple[pl.DataFrame, tuple]:
    """A database result: unique names, all-null columns as text, text columns typed like a CSV's."""
    from workbench.io.infer import cast_frame, guess_notes, guess_types

    names, notes = unique_names(frame.columns)
    if names != frame.columns:
        frame = frame.rename(dict(zip(frame.columns, names, strict=True)))
    frame = frame.with_columns(pl.col(c).cast(pl.String) for c, d in frame.schema.items() if d == pl.Null)
    overrides = dict(overrides or {})
    guesses = guess_types(frame.lazy(), [c for c in names if c not in overrides])
    frame = apply_overrides(cast_frame(frame, guesses), overrides)
    return frame, notes + guess_notes(guesses)


def dataset_label(text: str) -> str:
    """``text`` (a file name, a path, a typed table name) with every identifier the privacy detectors find
    replaced by its kind's token: ``홍길동_010-1234-5678`` → ``홍길동_[전화번호]``. A name travels further than
    the data (audit entries, file names, every page), so it is masked where it is made."""
    from workbench.privacy.identifiers import redact_text

    return redact_text(text)


def labelled(table: Table | ScannedTable) -> Table | ScannedTable:
    """The table with its name and source location passed through ``dataset_label``."""
    from dataclasses import replace

    source = replace(table.source, location=dataset_label(table.source.location))
    return replace(table, name=dataset_label(table.name), source=source)


def read_table(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    name: str | None = None,
    overrides: dict[str, str] | None = None,
    skip_bad_lines: bool = False,
    lazy: bool | None = False,
) -> Table | ScannedTable:
    """Read a CSV/TSV, Excel sheet, Parquet file, SQLite file or SQL URI into a typed ``Table``.

    ``sheet``: the Excel sheet (name or 0-based position; default the first) or the database table.
    ``overrides``: column → ``int``/``float``/``str``/``date``/``datetime``/``bool``/``category``, read from
    the text of the cells; a value that does not fit raises ``LoadError`` naming the column.
    ``skip_bad_lines``: drop rows whose field count differs from the header's instead of refusing the file;
    the skipped line numbers are in ``source.notes``.
    ``lazy``: a Parquet file is opened as a ``ScannedTable`` (read later, column batch by column batch)
    when True, or when None and its data would take more than ``LAZY_BYTES`` in memory; other formats are
    always read whole.
    A file with a header and no data rows is refused (``io.error.no_rows``): every later stage needs rows,
    and ``inspect_path`` still shows its columns. The name and location are masked (``dataset_label``).
    """
    return labelled(
        _read_table(path, sheet=sheet, name=name, overrides=overrides, skip_bad_lines=skip_bad_lines, lazy=lazy)
    )


def _read_table(
    path: str | Path,
    *,
    sheet: str | int | None,
    name: str | None,
    overrides: dict[str, str] | None,
    skip_bad_lines: bool,
    lazy: bool | None,
) -> Table | ScannedTable:
    if is_uri(path):
        from workbench.io.sql import read_sql

        table = sqlite_table(str(path), sheet) if sheet is None else str(sheet)
        return read_sql(str(path), table=table, name=name, overrides=overrides)
    p, fmt = resolve(path)
    label = name or (Path(p.stem).stem if p.suffix.lower() in COMPRESSED else p.stem)
    if fmt == "delimited":
        from workbench.io.delimited import read_delimited

        frame, prep, notes = read_delimited(p, overrides=overrides, skip_bad_lines=skip_bad_lines)
        info = SourceInfo(
            kind="csv", location=str(p), encoding=prep.encoding, delimiter=prep.dialect.delimiter, notes=notes
        )
        return Table(name=label, frame=frame, source=info)
    if fmt == "excel":
        from workbench.io.excel import read_excel

        frame, sheet_name, notes = read_excel(p, sheet=sheet, overrides=overrides)
        return Table(
            name=name or f"{p.stem}",
            frame=frame,
            source=SourceInfo(kind="excel", location=str(p), sheet=sheet_name, notes=notes),
        )
    if fmt == "parquet" and lazy is not False and not overrides:
        from workbench.io.parquet import scan_parquet_table

        scanned = scan_parquet_table(p, name=label)
        if lazy or _estimated_bytes(scanned) > LAZY_BYTES:
            return _typed_scan(scanned, p)
    if fmt == "parquet":
        from workbench.io.parquet import read_parquet

        frame = read_parquet(p)
        names, notes = unique_names(frame.columns)
        if names != frame.columns:
            frame = frame.rename(dict(zip(frame.columns, names, strict=True)))
        frame = frame.with_columns(pl.col(c).cast(pl.String) for c, d in frame.schema.items() if d == pl.Null)
        frame = apply_overrides(frame, overrides)
        if frame.height == 0:
            raise LoadError("io.error.no_rows", path=p.name, columns=human_list(frame.columns, 5), names=frame.columns)
        return Table(name=label, frame=frame, source=SourceInfo(kind="parquet", location=str(p), notes=notes))
    if fmt == "duckdb":
        from workbench.io.duckdb_file import read_duckdb

        frame, table_name = read_duckdb(p, sheet)
        if frame.height == 0:
            raise LoadError(
                "io.error.no_rows", path=table_name, columns=human_list(frame.columns, 5), names=frame.columns
            )
        frame, notes = _typed(frame, overrides)
        return Table(
            name=name or table_name,
            frame=frame,
            source=SourceInfo(kind="duckdb", location=str(p), sheet=table_name, notes=notes),
        )
    from workbench.io.sql import read_sql

    uri = f"sqlite:///{p.resolve()}"
    table = sqlite_table(uri, sheet)
    t = read_sql(uri, table=table, name=name or table, overrides=overrides)
    return Table(
        name=t.name,
        frame=t.frame,
        source=SourceInfo(kind="sqlite", location=str(p), sheet=table, notes=t.source.notes),
    )
