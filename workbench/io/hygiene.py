"""Rows that are not data, found at load: total rows, a second header row, a row of units.

Exports from core-banking screens and spreadsheets often carry a total row (``합계`` in the first column and
sums in the others) at the end or the start, a second header row (Korean labels under English names, or the
header repeated) and a row of units (``(원)``, ``(%)``, ``단위: 원``). Left in, one such row turns an amount
column into text and a 0/1 target into three values. They are found on the text of the cells, before any
column gets a type, dropped, and reported as one note (``io.note.rows_dropped``), so a column's type comes
from its data rows only:

* a **summary row**: within ``EDGE_ROWS`` of the end (or the start), a cell reading ``SUMMARY_WORDS``
  (spaces and a trailing colon ignored, any case) whose value occurs nowhere in its column but at the edges
  (so a real level "계" that repeats through the data stays);
* a **header or units row**: within ``EDGE_ROWS`` of the start, a row repeating the column names, a row of
  unit cells (``(원)``, ``[%]``, ``단위: 원``), or a row that holds text, and no number, in every column whose
  other rows are all numbers (at least one such column).
"""

from __future__ import annotations

import re

import polars as pl

from workbench.io.infer import FLOAT_RE, NULL_MARKERS

Note = tuple[str, dict]

SUMMARY_WORDS = ("합계", "소계", "총계", "계", "총합계", "total", "sum", "grandtotal", "subtotal")
UNIT_RE = r"^(?:\(.{1,12}\)|\[.{1,12}\]|단위\s*[:：].*|unit\s*[:：].*)$"
EDGE_ROWS = 3
MIN_ROWS = 4  # fewer data rows than this: nothing is judged


def _cells(frame: pl.DataFrame) -> pl.DataFrame:
    """Every cell as stripped text, null markers as null."""
    return frame.select(
        pl.col(c).cast(pl.String).str.strip_chars().replace(list(NULL_MARKERS), [None] * len(NULL_MARKERS)).alias(c)
        for c in frame.columns
    )


def _word(value: str | None) -> str | None:
    return "".join(value.split()).rstrip(":：").lower() if value else None


def _numeric_columns(cells: pl.DataFrame, body: pl.DataFrame) -> list[str]:
    """Columns whose body values (the rows away from the edges) are all numbers, and at least two."""
    row = body.select(
        pl.struct(
            n=pl.col(c).is_not_null().sum(),
            num=pl.col(c).str.replace_all(",", "").str.contains(FLOAT_RE).sum(),
        ).alias(c)
        for c in cells.columns
    ).row(0)
    return [c for c, r in zip(cells.columns, row, strict=True) if r["n"] >= 2 and r["num"] == r["n"]]


def _is_number(value: str | None) -> bool:
    return value is not None and re.match(FLOAT_RE, value.replace(",", "")) is not None


def _header_like(values: dict[str, str | None], names: list[str], numeric: list[str]) -> str | None:
    present = [v for v in values.values() if v is not None]
    if not present:
        return None
    if sum(v == n for n, v in values.items() if v is not None) * 2 >= len(present):
        return "header"
    if all(re.match(UNIT_RE, v, re.IGNORECASE) for v in present):
        return "units"
    if numeric and all(not _is_number(values[c]) for c in numeric) and any(values[c] for c in numeric):
        return "header"
    return None


def _summary_like(values: dict[str, str | None], counts: dict[str, dict[str, int]]) -> bool:
    return any(_word(v) in SUMMARY_WORDS and counts[c].get(v, 0) == 1 for c, v in values.items())  # type: ignore[arg-type]


def tidy_rows(frame: pl.DataFrame) -> tuple[pl.DataFrame, tuple[Note, ...]]:
    """``frame`` without its summary, extra header and units rows, and the note saying which went (row
    numbers count data rows from 1, under the header)."""
    if frame.height < MIN_ROWS + 1 or not frame.width:
        return frame, ()
    cells = _cells(frame)
    n = cells.height
    edge = min(EDGE_ROWS, n // 3)
    body = cells.slice(edge, n - 2 * edge) if n > 2 * edge else cells
    numeric = _numeric_columns(cells, body)
    head = cells.head(edge).rows(named=True)
    tail = cells.tail(edge).rows(named=True)
    edges = pl.concat([cells.head(edge), cells.tail(edge)])
    counts: dict[str, dict[str, int]] = {}
    for c in cells.columns:  # an edge word counts when it occurs nowhere but at the edges
        words = [v for v in edges[c].to_list() if _word(v) in SUMMARY_WORDS]
        counts[c] = {w: int(int((cells[c] == w).sum()) == words.count(w)) for w in set(words)}
    dropped: dict[int, str] = {}
    for i, values in enumerate(head):  # header/units rows first, then a total row may follow them
        kind = _header_like(values, frame.columns, numeric)
        if kind is None and _summary_like(values, counts):
            kind = "summary"
        if kind is None:
            break
        dropped[i] = kind
    for k, values in enumerate(reversed(tail)):
        i = n - 1 - k
        if i in dropped or not _summary_like(values, counts):
            break
        dropped[i] = "summary"
    if not dropped:
        return frame, ()
    keep = pl.Series([i not in dropped for i in range(n)])
    where = ", ".join(f"{i + 1:,}" for i in sorted(dropped))
    kinds = ",".join(sorted(set(dropped.values())))
    return frame.filter(keep), (("io.note.rows_dropped", {"n": len(dropped), "rows": where, "kinds": kinds}),)
