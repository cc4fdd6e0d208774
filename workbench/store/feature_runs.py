"""Feature runs: the candidate table a build produced, with its specs, scores and recommendations.

The table is written atomically as ``runs/<id>/features.parquet`` before the row commits; the row keeps its
SHA-256, so a reload gets back exactly what was reviewed. The newest run per label table is what the
Features page reopens on, so a reload or a colleague's session sees the same run and its reviews.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
import sqlalchemy as sa

from workbench.store.audit import LOCK as AUDIT_LOCK
from workbench.store.audit import append_in
from workbench.store.db import current_actor, guard_secrets, reading, utcnow, writing
from workbench.store.errors import NotFoundError, StoreError
from workbench.store.names import check_name, norm
from workbench.store.paths import atomic_write
from workbench.store.runs import new_run_id
from workbench.store.schema import feature_runs

if TYPE_CHECKING:
    from workbench.store.store import Store


@dataclass(frozen=True)
class StoredFeatureRun:
    """One stored build: ``record`` is the features package's JSON (project, specs, scores, recommendations)."""

    id: str
    label_dataset: str
    created_at: datetime
    actor: str
    record: Mapping[str, Any] = field(default_factory=dict)
    frame_path: Path | None = None
    frame_sha256: str = ""


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class FeatureRuns:
    """``store.feature_runs``: save a build, read the newest per label table, read its candidate table back."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def save(
        self, label_dataset: str, record: Mapping[str, Any], frame: pl.DataFrame, *, actor: str | None = None
    ) -> StoredFeatureRun:
        label = check_name(label_dataset, "dataset")
        guard_secrets("feature_run.record", record)
        run_id, actor = new_run_id(), current_actor(actor)
        target = self._store.paths.run_dir(run_id) / "features.parquet"
        atomic_write(target, frame.write_parquet)
        row = {
            "id": run_id,
            "label_dataset": label,
            "created_at": utcnow(),
            "actor": actor,
            "record": dict(record),
            "frame_path": self._store.paths.relative(target),
            "frame_sha256": _sha256(target),
        }
        with writing(self._store.engine, AUDIT_LOCK) as conn:
            conn.execute(feature_runs.insert().values(**row))
            append_in(conn, "features.run_saved", {"id": run_id, "label": label, "rows": frame.height}, actor)
        return StoredFeatureRun(**{**row, "frame_path": target})

    def latest(self, label_dataset: str | None = None) -> StoredFeatureRun | None:
        """The newest run (on ``label_dataset`` when given), or ``None``."""
        q = sa.select(feature_runs).order_by(feature_runs.c.created_at.desc(), feature_runs.c.id.desc()).limit(1)
        if label_dataset is not None:
            q = q.where(feature_runs.c.label_dataset == norm(label_dataset))
        with reading(self._store.engine) as conn:
            row = conn.execute(q).first()
        return self._run(row) if row else None

    def get(self, run_id: str) -> StoredFeatureRun:
        with reading(self._store.engine) as conn:
            row = conn.execute(sa.select(feature_runs).where(feature_runs.c.id == run_id)).first()
        if row is None:
            raise NotFoundError("store.run.not_found", run_id=run_id)
        return self._run(row)

    def frame(self, run: StoredFeatureRun) -> pl.DataFrame:
        """The candidate table, checked against the SHA-256 recorded with the row."""
        if run.frame_path is None or not run.frame_path.exists():
            raise StoreError("store.feature_run.file_missing", run_id=run.id)
        if _sha256(run.frame_path) != run.frame_sha256:
            raise StoreError("store.feature_run.file_changed", run_id=run.id)
        return pl.read_parquet(run.frame_path)

    def _run(self, row: Any) -> StoredFeatureRun:
        return StoredFeatureRun(
            row.id,
            row.label_dataset,
            row.created_at,
            row.actor,
            row.record,
            self._store.paths.absolute(row.frame_path),
            row.frame_sha256,
        )
