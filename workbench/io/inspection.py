"""``inspect_path``: what a file holds (format, encoding, rows, columns and their types, memory) before it is
loaded, so the Data page can show the count and the memory a large file will take and ask first."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import polars as pl

from workbench.io.infer import ColumnGuess, dtype_name, guess_notes, guess_types

Note = tuple[str, dict]
LARGE_BYTES = 200 << 20  # a file above this size, or
LARGE_ROWS = 5_000_000  # this many rows, or
LARGE_MEMORY = 2 << 30  # this much memory once loaded, is "large": the UI asks before materialising it
_WIDTH = {"int": 8, "float": 8, "datetime": 8, "date": 4, "bool": 1, "category": 4}


@dataclass(frozen=True)
class ColumnInfo:
    name: str
    dtype: str  # int, float, str, date, datetime, bool, category (see infer.dtype_name)


@dataclass(frozen=True)
class Inspection:
    """A file described without materialising it (Excel sheets are small enough to be read)."""

    path: str
    format: str  # csv, tsv, excel, parquet, sqlite, sql
    rows: int
    columns: tuple[ColumnInfo, ...]
    memory_bytes: int  # estimate of the loaded frame
    size_bytes: int  # on disk (0 for a database)
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    notes: tuple[Note, ...] = field(default=())

    @property
    def large(self) -> bool:
        return self.size_bytes > LARGE_BYTES or self.rows > LARGE_ROWS or self.memory_bytes > LARGE_MEMORY

    def to_dict(self) -> dict:
        """The CLI's JSON: format, encoding, delimiter, rows, columns [{name, dtype}], and the rest."""
        d = asdict(self)
        d["columns"] = [{"name": c.name, "dtype": c.dtype} for c in self.columns]
        d["sheets"] = list(self.sheets)
        d["large"] = self.large
        d["notes"] = [{"key": k, "params": p} for k, p in self.notes]
        return d


def _estimate(rows: int, guesses: dict[str, ColumnGuess], kinds: dict[str, str]) -> int:
    total = 0
    for c, kind in kinds.items():
        if kind == "str":
            g = guesses.get(c)
            total += (g.text_bytes if g else 0) + 16 * rows
        else:
            total += _WIDTH.get(kind, 8) * rows
    return total


def inspect_path(path: str | Path, *, sheet: str | int | None = None, skip_bad_lines: bool = False) -> Inspection:
    """Describe a CSV/TSV, Excel sheet, Parquet file, SQLite file or SQL URI.

    CSV types come from the same whole-column pass ``read_table`` uses (streamed, nothing kept), so the
    dtypes shown are the ones the load will produce. Parquet answers from its footer alone. A header-only
    file is described with ``rows == 0`` and a note, where ``read_table`` refuses it.
    """
    from workbench.io.read import is_uri, resolve

    if is_uri(path):
        return _inspect_loaded(str(path), "sql", sheet)
    p, fmt = resolve(path)
    stat = p.stat()
    return _inspect_file(str(p.resolve()), fmt, stat.st_size, stat.st_mtime_ns, sheet, skip_bad_lines)


@lru_cache(maxsize=16)
def _inspect_file(
    path: str, fmt: str, size: int, mtime_ns: int, sheet: str | int | None, skip_bad_lines: bool
) -> Inspection:
    """``inspect_path`` for one version of one file: keyed on size and modification time, so a page that
    redraws on every click does not re-read a 100 MB CSV, and a rewritten file is described afresh. The
    result is frozen; a file nobody else can read is never reached through another user's path."""
    p = Path(path)
    if fmt == "delimited":
        from workbench.io.delimited import parse_error, prepared, read_strings, scan_strings
        from workbench.io.hygiene import tidy_rows

        tidied: tuple[Note, ...] = ()

        with prepared(p, skip_bad_lines=skip_bad_lines) as prep:
            if size > LARGE_BYTES:  # typed in a streaming pass, never held in memory
                lf = scan_strings(prep)
                try:
                    guesses = guess_types(lf)
                    rows = lf.select(pl.len()).collect().item()
                except pl.exceptions.PolarsError as err:
                    raise parse_error(p, err) from err
            else:
                strings, tidied = tidy_rows(read_strings(prep, p))  # as read_table reads it
                guesses, rows = guess_types(strings.lazy()), strings.height
        kinds = {c: g.kind for c, g in guesses.items()}
        notes = tuple(n for n in prep.notes if n[0] != "io.note.blank_name" or n[1]["new"] in kinds)
        notes += tidied if size <= LARGE_BYTES else ()
        notes += guess_notes(guesses)
        if rows == 0:
            notes += (("io.note.header_only", {}),)
        return Inspection(
            path=str(p),
            format="tsv" if prep.dialect.delimiter == "\t" else "csv",
            rows=rows,
            columns=tuple(ColumnInfo(c, k) for c, k in kinds.items()),
            memory_bytes=_estimate(rows, guesses, kinds),
            size_bytes=size,
            encoding=prep.encoding,
            delimiter=prep.dialect.delimiter,
            notes=notes,
        )
    if fmt == "parquet":
        from workbench.io.parquet import parquet_summary

        rows, schema = parquet_summary(p)
        return Inspection(
            path=str(p),
            format="parquet",
            rows=rows,
            columns=tuple(ColumnInfo(c, dtype_name(d)) for c, d in schema.items()),
            memory_bytes=_parquet_memory(p, rows, schema),
            size_bytes=size,
        )
    return _inspect_loaded(p, fmt, sheet)


def _inspect_loaded(path: str | Path, fmt: str, sheet: str | int | None) -> Inspection:
    """Excel sheets and database tables: read (a sheet holds at most 1,048,576 rows) and described."""
    from workbench.io.errors import LoadError
    from workbench.io.read import read_table

    sheets: tuple[str, ...] = ()
    if fmt == "excel":
        from workbench.io.excel import sheet_names

        sheets = tuple(sheet_names(path))
    elif fmt == "duckdb":
        from workbench.io.duckdb_file import duckdb_tables

        sheets = tuple(duckdb_tables(Path(path)))
    elif fmt in ("sqlite", "sql"):
        from workbench.io.sql import list_tables

        sheets = tuple(list_tables(str(path) if fmt == "sql" else f"sqlite:///{Path(path).resolve()}"))
    try:
        table = read_table(path, sheet=sheet)
        frame, notes = table.frame, table.source.notes
        chosen, location = table.source.sheet, table.source.location
    except LoadError as err:
        if err.key != "io.error.no_rows":
            raise
        names = list(err.params.get("names") or [])
        frame = pl.DataFrame(schema=dict.fromkeys(names, pl.String))
        notes, chosen = (("io.note.header_only", {}),), sheet
        if fmt == "sql":
            from workbench.io.sql import redact

            location = redact(str(path))
        else:
            location = str(path)
    size = Path(path).stat().st_size if fmt != "sql" else 0
    return Inspection(
        path=location,
        format=fmt,
        rows=frame.height,
        columns=tuple(ColumnInfo(c, dtype_name(d)) for c, d in frame.schema.items()),
        memory_bytes=int(frame.estimated_size()),
        size_bytes=size,
        sheet=chosen if isinstance(chosen, str) else None,
        sheets=sheets,
        notes=notes,
    )


def _parquet_memory(path: Path, rows: int, schema: pl.Schema) -> int:
    """Uncompressed column-chunk sizes from the footer; a width-based guess when the footer lacks them."""
    try:
        import pyarrow.parquet as pq

        meta = pq.read_metadata(path)
        return int(sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups)))
    except Exception:
        return sum(_WIDTH.get(dtype_name(d), 24) * rows for d in schema.values())
