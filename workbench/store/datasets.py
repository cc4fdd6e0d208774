"""Datasets: certified frames as Parquet files plus one row per version.

A save writes ``datasets/<name>-<fingerprint>.parquet`` through a temporary file and an atomic rename,
*then* commits the version row (with the file's SHA-256). A crash before the commit leaves at most an
unreferenced file; the previous version's row and file are untouched because a different content has a
different file name. So no row ever points to a missing or half-written file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from workbench.io.read import dataset_label
from workbench.io.table import frame_fingerprint
from workbench.store.audit import LOCK as AUDIT_LOCK
from workbench.store.audit import append_in
from workbench.store.db import current_actor, guard_secrets, reading, redact, utcnow, writing
from workbench.store.errors import NotFoundError, StoreError
from workbench.store.names import check_name, norm
from workbench.store.paths import atomic_path
from workbench.store.schema import dataset_versions, datasets

if TYPE_CHECKING:
    from workbench.io.table import SourceInfo
    from workbench.privacy.gate import MaskedTable
    from workbench.store.store import Store


@dataclass(frozen=True)
class DatasetColumn:
    name: str
    dtype: str  # polars dtype as text, e.g. "Int64", "String", "Datetime(time_unit='us', time_zone=None)"


@dataclass(frozen=True)
class Dataset:
    """One stored version of a dataset. ``path`` is absolute; ``version`` counts 1, 2, ... per name."""

    name: str
    version: int
    fingerprint: str
    rows: int
    columns: tuple[DatasetColumn, ...]
    source_kind: str
    source_location: str
    certified: bool
    policy_name: str | None
    policy_version: int | None
    certified_at: datetime | None
    certified_by: str | None
    created_at: datetime
    created_by: str
    path: Path
    file_sha256: str
    file_bytes: int

    @property
    def schema(self) -> dict[str, str]:
        return {c.name: c.dtype for c in self.columns}

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _sha256_file(path: Path) -> tuple[str, int]:
    h, size = hashlib.sha256(), 0
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


AuditNote = tuple[str, Mapping[str, Any]]  # (action, payload) appended with the save

_VERSION_COLUMNS = [c for c in dataset_versions.c if c.name not in ("id", "dataset_id")]


class Datasets:
    """``store.datasets``: save frames as versions, read them back verified."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # --- writing --------------------------------------------------------------------------------------

    def save(
        self,
        name: str,
        frame: pl.DataFrame,
        *,
        source_kind: str = "memory",
        source_location: str = "",
        certified: bool = False,
        policy_name: str | None = None,
        policy_version: int | None = None,
        certified_at: datetime | None = None,
        certified_by: str | None = None,
        actor: str | None = None,
        audit: AuditNote | None = None,
    ) -> Dataset:
        """Save ``frame`` as the next version of ``name`` and return it.

        Saving the same content with the same certification as the newest version returns that version and
        writes no new one. ``source_location`` is stored with any password redacted. ``audit``: an extra
        ``(action, payload)`` entry (e.g. the privacy gate's ``privacy.certified``) committed in the same
        transaction as the version row, so the dataset and its certification record can't part ways; the
        store adds ``dataset`` and ``dataset_version`` to its payload.
        """
        name = check_name(name, "dataset")
        actor = current_actor(actor)
        fingerprint = frame_fingerprint(frame)
        meta: dict[str, Any] = {
            "fingerprint": fingerprint,
            "rows": frame.height,
            "columns": [{"name": n, "dtype": str(d)} for n, d in frame.schema.items()],
            "source_kind": source_kind or "memory",
            "source_location": dataset_label(redact(source_location or "")),
            "certified": bool(certified),
            "policy_name": policy_name,
            "policy_version": policy_version,
            "certified_at": certified_at,
            "certified_by": certified_by,
        }
        guard_secrets("dataset.source_location", meta["source_location"])
        paths = self._store.paths
        target = paths.dataset_file(name, fingerprint)
        stored = paths.relative(target)

        if audit is not None:
            guard_secrets("audit.payload", audit[1])
        newest = self._newest_row(name)
        if newest is not None and newest.path == stored and target.exists() and _same_meta(newest, meta):
            if audit is not None:
                with writing(self._store.engine, AUDIT_LOCK) as conn:
                    append_in(conn, audit[0], {**audit[1], "dataset": name, "dataset_version": newest.version}, actor)
            return self._record(name, newest)

        reused = self._file_in_use(stored, target)
        if reused is None:
            with atomic_path(target) as tmp:
                frame.write_parquet(tmp, compression="zstd", statistics=True)
                sha, size = _sha256_file(tmp)
        else:
            sha, size = reused

        with writing(self._store.engine, f"dataset:{name}", AUDIT_LOCK) as conn:
            dataset_id = id_of_dataset(conn, name, create=True)
            last = conn.execute(
                sa.select(sa.func.max(dataset_versions.c.version)).where(dataset_versions.c.dataset_id == dataset_id)
            ).scalar()
            values = {
                **meta,
                "dataset_id": dataset_id,
                "version": (last or 0) + 1,
                "created_at": utcnow(),
                "created_by": actor,
                "path": stored,
                "file_sha256": sha,
                "file_bytes": size,
            }
            conn.execute(dataset_versions.insert().values(**values))
            append_in(
                conn,
                "dataset.saved",
                {
                    "name": name,
                    "version": values["version"],
                    "fingerprint": fingerprint,
                    "file_sha256": sha,  # a forged file *and* row would still disagree with the chain
                    "rows": frame.height,
                    "columns": frame.width,
                    "certified": bool(certified),
                    "policy": policy_name,
                    "policy_version": policy_version,
                },
                actor,
            )
            if audit is not None:
                append_in(conn, audit[0], {**audit[1], "dataset": name, "dataset_version": values["version"]}, actor)
            row = conn.execute(
                sa.select(*_VERSION_COLUMNS).where(
                    dataset_versions.c.dataset_id == dataset_id, dataset_versions.c.version == values["version"]
                )
            ).one()
        return self._record(name, row)

    def save_masked(
        self,
        masked: MaskedTable,
        *,
        name: str | None = None,
        source: SourceInfo | None = None,
        policy_name: str | None = None,
        actor: str | None = None,
        audit: AuditNote | None = None,
    ) -> Dataset:
        """Save a table that passed the privacy gate, with its certification (who, when, policy version)."""
        return self.save(
            name or masked.name,
            masked.frame,
            source_kind=source.kind if source else "memory",
            source_location=source.location if source else "",
            certified=True,
            policy_name=policy_name,
            policy_version=masked.policy_version,
            certified_at=masked.certified_at,
            certified_by=masked.certified_by,
            actor=actor,
            audit=audit,
        )

    def delete(self, name: str, *, actor: str | None = None) -> None:
        """Remove every version of ``name`` (and its table roles and relationships), then its files.

        The rows go first, in one transaction; files are removed after the commit, so a crash in between
        leaves unreferenced files, never rows without files.
        """
        actor = current_actor(actor)
        with writing(self._store.engine, f"dataset:{name}", AUDIT_LOCK) as conn:
            dataset_id = id_of_dataset(conn, name)
            files = list(
                conn.execute(
                    sa.select(dataset_versions.c.path).where(dataset_versions.c.dataset_id == dataset_id)
                ).scalars()
            )
            conn.execute(dataset_versions.delete().where(dataset_versions.c.dataset_id == dataset_id))
            conn.execute(datasets.delete().where(datasets.c.id == dataset_id))
            # two names can sanitise to the same file name; keep a file another dataset still points to
            shared = set(
                conn.execute(
                    sa.select(dataset_versions.c.path).where(dataset_versions.c.path.in_(set(files)))
                ).scalars()
            )
            append_in(conn, "dataset.deleted", {"name": name, "versions": len(files)}, actor)
        for stored in set(files) - shared:
            self._store.paths.absolute(stored).unlink(missing_ok=True)

    # --- reading --------------------------------------------------------------------------------------

    def get(self, name: str, version: int | None = None) -> Dataset:
        """Version ``version`` of ``name`` (default: the newest). Raises ``NotFoundError``."""
        q = (
            sa.select(*_VERSION_COLUMNS)
            .join(datasets, datasets.c.id == dataset_versions.c.dataset_id)
            .where(datasets.c.name == norm(name))
        )
        q = (
            q.where(dataset_versions.c.version == version)
            if version is not None
            else q.order_by(dataset_versions.c.version.desc())
        )
        with reading(self._store.engine) as conn:
            row = conn.execute(q.limit(1)).first()
        if row is None:
            if version is None:
                raise NotFoundError("store.dataset.not_found", name=name)
            raise NotFoundError("store.dataset.version_not_found", name=name, version=version)
        return self._record(norm(name), row)

    def exists(self, name: str) -> bool:
        with reading(self._store.engine) as conn:
            return conn.execute(sa.select(datasets.c.id).where(datasets.c.name == norm(name))).first() is not None

    def versions(self, name: str) -> list[Dataset]:
        """Every version of ``name``, oldest first (empty when unknown)."""
        q = (
            sa.select(*_VERSION_COLUMNS)
            .join(datasets, datasets.c.id == dataset_versions.c.dataset_id)
            .where(datasets.c.name == norm(name))
            .order_by(dataset_versions.c.version)
        )
        with reading(self._store.engine) as conn:
            return [self._record(norm(name), r) for r in conn.execute(q)]

    def list(self) -> list[Dataset]:
        """The newest version of every dataset, by name."""
        newest = (
            sa.select(dataset_versions.c.dataset_id, sa.func.max(dataset_versions.c.version).label("version"))
            .group_by(dataset_versions.c.dataset_id)
            .subquery()
        )
        q = (
            sa.select(datasets.c.name, *_VERSION_COLUMNS)
            .join(dataset_versions, datasets.c.id == dataset_versions.c.dataset_id)
            .join(
                newest,
                sa.and_(
                    newest.c.dataset_id == dataset_versions.c.dataset_id,
                    newest.c.version == dataset_versions.c.version,
                ),
            )
            .order_by(datasets.c.name)
        )
        with reading(self._store.engine) as conn:
            return [self._record(r.name, r) for r in conn.execute(q)]

    def read(self, name: str, version: int | None = None, *, verify: bool = True) -> pl.DataFrame:
        """The stored frame. ``verify`` checks the file's SHA-256 against the row first (one extra read)."""
        record = self.get(name, version)
        self._check_file(record, verify=verify)
        return pl.read_parquet(record.path)

    def scan(self, name: str, version: int | None = None) -> pl.LazyFrame:
        """A lazy scan of the stored file, for tables too large to read at once (size checked, not hash)."""
        record = self.get(name, version)
        self._check_file(record, verify=False)
        return pl.scan_parquet(record.path)

    # --- internals ------------------------------------------------------------------------------------

    def _check_file(self, record: Dataset, *, verify: bool) -> None:
        if not record.path.exists():
            raise StoreError("store.dataset.file_missing", name=record.name, version=record.version)
        if verify:
            sha, _ = _sha256_file(record.path)
            if sha != record.file_sha256:
                raise StoreError("store.dataset.file_changed", name=record.name, version=record.version)
        elif record.path.stat().st_size != record.file_bytes:
            raise StoreError("store.dataset.file_changed", name=record.name, version=record.version)

    def _record(self, name: str, row: Any) -> Dataset:
        return Dataset(
            name=name,
            version=row.version,
            fingerprint=row.fingerprint,
            rows=row.rows,
            columns=tuple(DatasetColumn(c["name"], c["dtype"]) for c in row.columns),
            source_kind=row.source_kind,
            source_location=row.source_location,
            certified=bool(row.certified),
            policy_name=row.policy_name,
            policy_version=row.policy_version,
            certified_at=row.certified_at,
            certified_by=row.certified_by,
            created_at=row.created_at,
            created_by=row.created_by,
            path=self._store.paths.absolute(row.path),
            file_sha256=row.file_sha256,
            file_bytes=row.file_bytes,
        )

    def _newest_row(self, name: str) -> Any:
        q = (
            sa.select(*_VERSION_COLUMNS)
            .join(datasets, datasets.c.id == dataset_versions.c.dataset_id)
            .where(datasets.c.name == norm(name))
            .order_by(dataset_versions.c.version.desc())
            .limit(1)
        )
        with reading(self._store.engine) as conn:
            return conn.execute(q).first()

    def _file_in_use(self, stored: str, target: Path) -> tuple[str, int] | None:
        """``(sha, bytes)`` when a version already points at ``stored`` and the file on disk still matches it:
        rewriting would only race readers of an identical file."""
        with reading(self._store.engine) as conn:
            row = conn.execute(
                sa.select(dataset_versions.c.file_sha256, dataset_versions.c.file_bytes)
                .where(dataset_versions.c.path == stored)
                .limit(1)
            ).first()
        if row is None or not target.exists() or _sha256_file(target)[0] != row.file_sha256:
            return None
        return row.file_sha256, row.file_bytes


def id_of_dataset(conn: Connection, name: str, *, create: bool = False) -> int:
    """The id behind a dataset name, inside the caller's transaction; ``NotFoundError`` unless ``create``."""
    found = conn.execute(sa.select(datasets.c.id).where(datasets.c.name == norm(name))).scalar()
    if found is not None:
        return found
    if not create:
        raise NotFoundError("store.dataset.not_found", name=name)
    return conn.execute(datasets.insert().values(name=name, created_at=utcnow()).returning(datasets.c.id)).scalar_one()


def _same_meta(row: Any, meta: Mapping[str, Any]) -> bool:
    keys = ("fingerprint", "certified", "policy_name", "policy_version", "source_kind", "source_location")
    return all(getattr(row, k) == meta[k] for k in keys)
