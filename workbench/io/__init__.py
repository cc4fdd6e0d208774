"""Loading: files and databases → a typed ``Table`` (before the privacy gate), and a description before that.

- ``read_table(path, *, sheet=None, name=None, overrides=None, skip_bad_lines=False) -> Table``: CSV/TSV
  (UTF-8, UTF-8 BOM, CP949, EUC-KR, UTF-16; any delimiter; also ``.csv.gz`` and a ``.zip`` of one CSV),
  Excel, Parquet, SQLite and DuckDB files (``sheet`` names the table), SQL URIs. ``lazy=None`` leaves a
  Parquet file too large for memory on disk as a ``ScannedTable`` (``lazy=True`` always does).
- ``inspect_path(path, *, sheet=None) -> Inspection``: format, encoding, delimiter, rows, column types and
  estimated memory, without materialising a CSV or Parquet file.
- ``read_sql(uri, table=None, query=None)``, ``sheet_names(path)``, ``list_tables(uri)`` for pickers.
- ``LoadError``: every refusal, as one line in the user's language (``io.error.*`` in ``io.toml``).
"""

from workbench.io.errors import LoadError
from workbench.io.excel import sheet_names
from workbench.io.infer import KINDS, dtype_name
from workbench.io.inspection import ColumnInfo, Inspection, inspect_path
from workbench.io.read import read_table, supported_extensions
from workbench.io.sql import list_tables, read_sql
from workbench.io.table import ScannedTable, SourceInfo, Table, frame_fingerprint

__all__ = [
    "KINDS",
    "ColumnInfo",
    "Inspection",
    "LoadError",
    "ScannedTable",
    "SourceInfo",
    "Table",
    "dtype_name",
    "frame_fingerprint",
    "inspect_path",
    "list_tables",
    "read_sql",
    "read_table",
    "sheet_names",
    "supported_extensions",
]
