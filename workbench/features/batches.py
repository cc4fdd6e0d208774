"""Generation in customer batches, so memory follows the batch and not the whole event history.

Features of a label row depend only on its key's events, so the label keys can be split into batches and each
batch computed on its own slice of the tables: the keys are assigned by a hash of the key (every cutoff of a
customer lands in the same batch), and each event table is cut to the batch by walking its key path from the
root (customer keys → their accounts → those accounts' transactions). The filters are lazy: a table that is
left on disk is read for the batch's rows only, and a table in memory is copied only for them.

The batch count follows the tallest event table (``EVENTS_PER_BATCH`` events per batch, about 1 GB of
working memory for a 380-feature plan); batching changes no value, which the tests check frame-equal.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from workbench.features.relations import Relations, RelPath
from workbench.features.spec import FeatureSpec
from workbench.privacy.gate import MaskedTable

EVENTS_PER_BATCH = 5_000_000
BATCH_SEED = 20_241  # fixed, so a rerun splits the same way (the values never depend on the split)


@dataclass(frozen=True)
class Sources:
    """The tables as lazy frames with their schemas: whether in memory or on disk, read only where needed."""

    lazy: Mapping[str, pl.LazyFrame]
    schemas: Mapping[str, pl.Schema]

    @property
    def columns_of(self) -> dict[str, list[str]]:
        return {n: s.names() for n, s in self.schemas.items()}

    @classmethod
    def of(cls, tables: Mapping[str, MaskedTable]) -> Sources:
        lazy = {}
        for name, table in tables.items():
            if not isinstance(table, MaskedTable):
                raise TypeError(f"table {name!r} must be a MaskedTable (pass it through the privacy gate)")
            lazy[name] = table.lazy()
        return cls(lazy, {n: lf.collect_schema() for n, lf in lazy.items()})


def batch_count(
    tables: Mapping[str, MaskedTable], specs: Sequence[FeatureSpec], events_per_batch: int = EVENTS_PER_BATCH
) -> int:
    """Batches for about ``events_per_batch`` rows of the tallest event table the specs read (at least 1)."""
    heights = [tables[s].height for s in {s.source for s in specs if s.is_event} if s in tables]
    return max(1, math.ceil(max(heights, default=0) / events_per_batch))


def split_keys(keys: pl.DataFrame, key: str, batches: int) -> Iterator[pl.DataFrame]:
    """The (key, cutoff) rows of each non-empty batch, in their original order within it."""
    if batches <= 1:
        yield keys
        return
    which = keys.get_column(key).hash(seed=BATCH_SEED) % batches
    for b in range(batches):
        part = keys.filter(which == b)
        if part.height:
            yield part


def batch_sources(rel: Relations, src: Sources, keys: pl.Series, paths: Iterable[RelPath]) -> Sources:
    """``src`` with the tables each path aggregates cut to the rows of ``keys``' customers.

    On each path the root (the table holding the label key) is filtered on the key, and each table between
    it and the row table on the link to the rows that survived above it, collected once per batch (accounts
    of the batch's customers, say). Lookups (the clients of a bridge, a district) are read whole: a table
    that is a lookup on any path is never cut, so no path misses a row it needs.
    """
    label_key = rel.label.key
    paths = [p for p in paths if p.row_table is not None]
    lookups = {t for p in paths for t in p.tables[: p.tables.index(str(p.row_table))]}
    wanted = keys.unique().implode()
    scoped: dict[str, pl.LazyFrame] = {}
    ids: dict[tuple[str, str], pl.Series] = {}

    def rows(path: RelPath, i: int) -> pl.LazyFrame:
        name = path.tables[i]
        if name in lookups:
            return src.lazy[name]
        if name not in scoped:
            if i == len(path.tables) - 1:
                cond = pl.col(label_key).is_in(wanted)
            else:
                _, column, far_key = rel.step(name, path.tables[i + 1])
                cond = pl.col(column).is_in(key_ids(path, i + 1, far_key).implode())
            scoped[name] = src.lazy[name].filter(cond)
        return scoped[name]

    def key_ids(path: RelPath, i: int, column: str) -> pl.Series:
        at = (path.tables[i], column)
        if at not in ids:
            ids[at] = rows(path, i).select(column).collect().to_series()
        return ids[at]

    for path in paths:
        for i in range(path.tables.index(str(path.row_table)), len(path.tables)):
            rows(path, i)
    return Sources({**src.lazy, **scoped}, src.schemas)
