"""The raw ``Table``: what a reader returns, before the privacy gate."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import polars as pl


@dataclass(frozen=True)
class SourceInfo:
    """Where a table came from and how it was read, shown to the user and stored with the dataset.

    ``location`` never holds a password: SQL URIs are stored with the password redacted.
    ``notes`` are i18n keys with parameters, e.g. ``("io.note.renamed", {"old": "", "new": "column_3"})``.
    """

    kind: str  # csv, excel, parquet, sql
    location: str
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    notes: tuple[tuple[str, dict], ...] = ()


@dataclass(frozen=True)
class Table:
    """A loaded table that has *not* passed the privacy gate. Only ``privacy`` may look inside."""

    name: str
    frame: pl.DataFrame
    source: SourceInfo = field(default_factory=lambda: SourceInfo(kind="memory", location=""))

    @property
    def fingerprint(self) -> str:
        return frame_fingerprint(self.frame)


def frame_fingerprint(frame: pl.DataFrame) -> str:
    """Content identity of a frame: schema plus an order-sensitive hash of every row.

    Used as the cache key and the dataset's identity in the store; equal frames give equal fingerprints
    within one polars version.
    """
    h = hashlib.sha256()
    h.update(repr([(n, str(d)) for n, d in frame.schema.items()]).encode())
    h.update(str(frame.height).encode())
    if frame.height and frame.width:
        row_hashes = frame.hash_rows(seed=0)
        h.update(row_hashes.to_numpy().tobytes())
    return h.hexdigest()[:32]
