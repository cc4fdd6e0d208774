"""How much a file may make the reader do, so a hostile or careless file is refused instead of taking the
process (and every user's session in the app) down. One place for every limit; each can be raised through
its environment variable, read when the limit is checked.

- ``WORKBENCH_MAX_INFLATED_MB`` (2048): bytes a compressed file (``.gz``, ``.bz2``, ``.xz``, ``.zip``, an
  Excel workbook's sheet XML) may expand to.
- ``WORKBENCH_MAX_INFLATE_RATIO`` (100): expanded ÷ compressed size, checked once 64 MB have come out. CSV
  compresses 3–20×; a 1 MB file that expands to 600 MB is a decompression bomb and stops after 64 MB.
- ``WORKBENCH_MAX_EXCEL_CELLS`` (30,000,000): rows × columns of a sheet's range (from ``A1`` to its last
  cell), checked before the Excel reader allocates it: one cell at ``XFD1048576`` asks for 17 billion.
- ``WORKBENCH_MAX_SQL_ROWS`` (10,000,000): rows a table or query from a database may return; the database
  is asked for one more than that, never for all (a cross join in the SQL box cannot fill the memory).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from workbench.io.errors import LoadError


@dataclass(frozen=True)
class Limit:
    """A bound named by its environment variable, with its default and the message key that refuses."""

    env: str
    default: int
    key: str

    def value(self) -> int:
        """The configured bound (a value that is not a positive whole number falls back to the default)."""
        raw = os.environ.get(self.env, "").strip().replace("_", "").replace(",", "")
        return int(raw) if raw.isdigit() and int(raw) > 0 else self.default

    def refuse(self, path: str, found: str) -> LoadError:
        """The one line: what was found, the limit, and the variable that raises it."""
        return LoadError(self.key, path=path, found=found, limit=f"{self.value():,}", env=self.env)


MAX_INFLATED_MB = Limit("WORKBENCH_MAX_INFLATED_MB", 2048, "io.error.limit_inflated")
MAX_INFLATE_RATIO = Limit("WORKBENCH_MAX_INFLATE_RATIO", 100, "io.error.limit_ratio")
MAX_EXCEL_CELLS = Limit("WORKBENCH_MAX_EXCEL_CELLS", 30_000_000, "io.error.limit_cells")
MAX_SQL_ROWS = Limit("WORKBENCH_MAX_SQL_ROWS", 10_000_000, "io.error.limit_rows")
RATIO_FLOOR = 64 << 20  # bytes out before the ratio is judged: small files may compress as well as they like

LIMITS = (MAX_INFLATED_MB, MAX_INFLATE_RATIO, MAX_EXCEL_CELLS, MAX_SQL_ROWS)
