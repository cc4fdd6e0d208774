"""Certified dataset files held against the audit chain: each file is hashed again and compared with the
``file_sha256`` of the ``dataset.saved`` entry that certified it.

The version row also holds a SHA-256, but a row can be edited; the entry cannot without breaking the keyed
chain. So a certified Parquet file swapped for raw data (and its row's hash "fixed") is caught here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import sqlalchemy as sa

from workbench.store.db import reading
from workbench.store.schema import audit_log, dataset_versions, datasets

if TYPE_CHECKING:
    from workbench.store.store import Store

FileReason = Literal["changed", "missing", "unaudited"]


@dataclass(frozen=True)
class FileProblem:
    """A certified dataset version whose file does not match its certification entry."""

    dataset: str
    version: int
    path: str  # relative to the workspace home
    reason: FileReason  # changed: other bytes; missing: no file; unaudited: no certification entry
    seq: int | None = None  # the certification entry

    def message(self, lang: str | None = None) -> str:
        from workbench.i18n import t

        return t(f"store.audit.file_{self.reason}", lang, path=self.path, dataset=self.dataset, seq=self.seq)


def certified_hashes(store: Store) -> dict[tuple[str, int], tuple[int, str]]:
    """``(dataset, version) → (seq, file_sha256)`` from every certifying ``dataset.saved`` entry (the newest
    entry wins when a deleted name was saved again)."""
    q = sa.select(audit_log.c.seq, audit_log.c.payload).where(audit_log.c.action == "dataset.saved")
    out: dict[tuple[str, int], tuple[int, str]] = {}
    with reading(store.engine) as conn:
        for seq, text in conn.execute(q.order_by(audit_log.c.seq)):
            p = json.loads(text)
            if p.get("certified") and p.get("file_sha256"):
                out[(p["name"], int(p["version"]))] = (seq, p["file_sha256"])
    return out


def verify_dataset_files(store: Store) -> tuple[FileProblem, ...]:
    """Hash every certified dataset file again; the problems, in dataset and version order."""
    from workbench.store.datasets import _sha256_file

    entries = certified_hashes(store)
    q = (
        sa.select(datasets.c.name, dataset_versions.c.version, dataset_versions.c.path)
        .join(datasets, datasets.c.id == dataset_versions.c.dataset_id)
        .where(dataset_versions.c.certified.is_(True))
        .order_by(datasets.c.name, dataset_versions.c.version)
    )
    with reading(store.engine) as conn:
        rows = list(conn.execute(q))
    problems: list[FileProblem] = []
    for name, version, stored in rows:
        entry = entries.get((name, version))
        if entry is None:
            problems.append(FileProblem(name, version, stored, "unaudited"))
            continue
        path = store.paths.absolute(stored)
        if not path.is_file():
            problems.append(FileProblem(name, version, stored, "missing", entry[0]))
        elif _sha256_file(path)[0] != entry[1]:
            problems.append(FileProblem(name, version, stored, "changed", entry[0]))
    return tuple(problems)
