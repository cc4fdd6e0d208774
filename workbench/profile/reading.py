"""Reading a certified table column batch by column batch, so a table on disk never sits in memory whole.

Every per-column statistic (moments, counts, bins) is local to its column, so a stage can read a few
columns at a time, compute, and let them go. A table already in memory is one batch, read for free.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import polars as pl

from workbench.privacy.gate import MaskedTable
from workbench.profile.kinds import is_string_dtype

BATCH_BYTES = 512 * 1024**2  # a table on disk is read about this much at a time (estimated in memory)


def column_batches(
    schema: Mapping[str, pl.DataType], rows: int, *, in_memory: bool, batch_bytes: int | None = None
) -> list[list[str]]:
    """Columns grouped so each batch takes about ``batch_bytes`` in memory (8 bytes a value, 24 for text);
    a table already in memory is one batch."""
    names = list(schema)
    if in_memory or not names:
        return [names]
    budget = BATCH_BYTES if batch_bytes is None else batch_bytes
    batches: list[list[str]] = [[]]
    used = 0
    for name in names:
        size = rows * (24 if is_string_dtype(schema[name]) else 8)
        if batches[-1] and used + size > budget:
            batches.append([])
            used = 0
        batches[-1].append(name)
        used += size
    return batches


def read_batches(table: MaskedTable, columns: Sequence[str], *, keep: Sequence[str] = ()) -> Iterator[pl.DataFrame]:
    """``columns`` of ``table`` in batches, each with the ``keep`` columns (a target, a period) beside it."""
    schema = table.schema
    wanted = [c for c in columns if c not in keep]
    extra_bytes = len(keep) * 8 * table.height
    batches = column_batches(
        {c: schema[c] for c in wanted},
        table.height,
        in_memory=table.in_memory,
        batch_bytes=max(BATCH_BYTES - extra_bytes, BATCH_BYTES // 4),
    )
    for batch in batches:
        if not batch:
            continue
        cols = [*batch, *[k for k in keep if k not in batch]]
        if table.in_memory:
            yield table.frame.select(cols)
        else:
            yield table.lazy().select(cols).collect(engine="streaming")


def read_columns(table: MaskedTable, columns: Sequence[str]) -> pl.DataFrame:
    """A few named columns of ``table`` (a target, a time column), read whole."""
    if table.in_memory:
        return table.frame.select(columns)
    return table.lazy().select(columns).collect(engine="streaming")
