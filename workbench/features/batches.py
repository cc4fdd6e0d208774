"""Generation in customer batches, so memory follows the batch and not the whole event history.

Features of a label row depend only on its key's events, so the label keys can be split into batches and each
batch computed on its own slice of the tables: the keys are assigned by a hash of the key (every cutoff of a
customer lands in the same batch), and each event table is cut to the batch by walking its key path from the
top (customer keys → their accounts → those accounts' transactions). The filters are lazy: a table that is
left on disk is read for the batch's rows only, and a table in memory is copied only for them.

The batch count follows the tallest event table (``EVENTS_PER_BATCH`` events per batch, about 1 GB of
working memory for a 380-feature plan); batching changes no value, which the tests check frame-equal.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from workbench.features.relations import Relations
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


def batch_sources(rel: Relations, src: Sources, keys: pl.Series, tables: Iterable[str]) -> Sources:
    """``src`` with each of ``tables`` and every table on its key path cut to the rows of ``keys``' customers.

    The top of a path (the table holding the label key) is filtered on the key; each table below it on its
    parent's keys that survived, collected once per batch (accounts of the batch's customers, say).
    """
    label_key = rel.label.key
    columns_of = src.columns_of
    wanted = keys.unique().implode()
    scoped: dict[str, pl.LazyFrame] = {}
    ids: dict[str, pl.Series] = {}

    def rows(name: str) -> pl.LazyFrame:
        if name not in scoped:
            if label_key in columns_of[name]:
                cond = pl.col(label_key).is_in(wanted)
            else:
                role = rel.table(name)
                cond = pl.col(role.parent_key).is_in(parent_ids(str(role.parent)).implode())
            scoped[name] = src.lazy[name].filter(cond)
        return scoped[name]

    def parent_ids(name: str) -> pl.Series:
        if name not in ids:
            ids[name] = rows(name).select(rel.table(name).key).collect().to_series()
        return ids[name]

    for name in tables:
        for table in rel.key_path(name, columns_of):
            rows(table)
    return Sources({**src.lazy, **scoped}, src.schemas)
