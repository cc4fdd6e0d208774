"""Parquet: the file's own types; row count and schema come from the footer before any data is read."""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl

from workbench.io.errors import LoadError
from workbench.io.table import ScannedTable, SourceInfo

MAGIC = b"PAR1"


def _check_magic(path: Path) -> None:
    """A truncated download loses the footer: refuse it before polars tries to read it."""
    size = path.stat().st_size
    if size == 0:
        raise LoadError("io.error.empty", path=path.name)
    with path.open("rb") as f:
        start = f.read(4)
        f.seek(max(size - 4, 0))
        end = f.read(4)
    if size < 12 or start != MAGIC or end != MAGIC:
        raise LoadError("io.error.corrupt_parquet", path=path.name)


def parquet_summary(path: Path) -> tuple[int, pl.Schema]:
    """Row count and schema from the footer metadata only."""
    _check_magic(path)
    try:
        lf = pl.scan_parquet(path)
        schema = lf.collect_schema()
        rows = lf.select(pl.len()).collect().item()
    except Exception as err:
        raise LoadError("io.error.corrupt_parquet", path=path.name) from err
    return int(rows), schema


def read_parquet(path: Path) -> pl.DataFrame:
    _check_magic(path)
    try:
        return pl.scan_parquet(path).collect()
    except Exception as err:  # damaged pages surface only when read
        raise LoadError("io.error.corrupt_parquet", path=path.name) from err


def file_fingerprint(path: Path) -> str:
    """Identity of a Parquet file without reading its data: size plus the footer, which holds the schema
    and every column chunk's offsets, row counts and min/max/null statistics (a changed value changes them)."""
    size = path.stat().st_size
    with path.open("rb") as f:
        f.seek(size - 8)
        footer_len = int.from_bytes(f.read(4), "little")
        f.seek(max(size - 8 - footer_len, 0))
        footer = f.read(footer_len)
    h = hashlib.sha256(b"parquet-file")
    h.update(str(size).encode())
    h.update(footer)
    return h.hexdigest()[:32]


def scan_parquet_table(path: Path, *, name: str | None = None) -> ScannedTable:
    """A Parquet file opened as a scan (nothing read but the footer): for tables too large to load whole."""
    rows, _schema = parquet_summary(path)
    return ScannedTable(
        name=name or path.stem,
        scan=pl.scan_parquet(path),
        rows=rows,
        fingerprint=file_fingerprint(path),
        source=SourceInfo(kind="parquet", location=str(path)),
    )
