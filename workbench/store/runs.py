"""Model runs: what was trained on what, with which settings, and how it scored.

The LightGBM model (text format) and the model card are written atomically under ``runs/<id>/`` before the
row is committed, so a run row never points to a missing or half-written model.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Literal

import sqlalchemy as sa

from workbench.store.audit import LOCK as AUDIT_LOCK
from workbench.store.audit import append_in
from workbench.store.db import current_actor, guard_secrets, reading, utcnow, writing
from workbench.store.errors import NotFoundError, StoreError
from workbench.store.paths import atomic_write_text
from workbench.store.schema import runs

if TYPE_CHECKING:
    from workbench.store.store import Store

CardFormat = Literal["md", "html", "json"]
_RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")


def new_run_id(now: datetime | None = None) -> str:
    """``20261125T143703-3fa9c1``: sorts by time, unique without coordination."""
    return f"{(now or utcnow()).strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(3)}"


@dataclass(frozen=True)
class Run:
    """One training run. ``split`` e.g. ``{"kind": "time", "column": "applied_at"}``; ``features`` the
    feature names (or specs) used; ``metrics`` ``{"train": {"auc": ...}, "valid": {...}}``; ``warnings``
    ``[{"code", "feature", "message"}]``. Paths are absolute, ``None`` when nothing was stored."""

    id: str
    created_at: datetime
    actor: str
    dataset: str | None
    dataset_fingerprint: str
    target: str
    split: Any
    params: Mapping[str, Any] = field(default_factory=dict)
    features: Sequence[Any] = ()
    metrics: Mapping[str, Any] = field(default_factory=dict)
    warnings: Sequence[Any] = ()
    model_path: Path | None = None
    card_path: Path | None = None
    record: Mapping[str, Any] | None = None  # the model package's full run record, when it gave one


class Runs:
    """``store.runs``: save a run with its model file, read runs back."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def save(
        self,
        *,
        dataset_fingerprint: str,
        target: str,
        split: Any,
        params: Mapping[str, Any],
        features: Sequence[Any],
        metrics: Mapping[str, Any],
        warnings: Sequence[Any] = (),
        model_text: str | None = None,
        card_text: str | None = None,
        card_format: CardFormat = "md",
        dataset: str | None = None,
        actor: str | None = None,
        run_id: str | None = None,
        record: Mapping[str, Any] | None = None,
    ) -> Run:
        """Write the model (``booster.model_to_string()``) and card, then commit the run row. Returns it."""
        run_id = run_id or new_run_id()
        if not _RUN_ID.match(run_id):
            raise StoreError("store.run.bad_id", run_id=run_id[:70])
        if card_format not in ("md", "html", "json"):
            raise StoreError("store.run.bad_card_format", format=str(card_format))
        guard_secrets("run.params", params, split, record or {})
        if self._exists(run_id):
            raise StoreError("store.run.exists", run_id=run_id)
        actor = current_actor(actor)
        paths = self._store.paths
        model_path = atomic_write_text(paths.model_file(run_id), model_text) if model_text is not None else None
        card_path = (
            atomic_write_text(paths.card_file(run_id, card_format), card_text) if card_text is not None else None
        )
        now = utcnow()
        row = {
            "id": run_id,
            "created_at": now,
            "actor": actor,
            "dataset": dataset,
            "dataset_fingerprint": dataset_fingerprint,
            "target": target,
            "split": split,
            "params": dict(params),
            "features": list(features),
            "metrics": dict(metrics),
            "warnings": list(warnings),
            "model_path": paths.relative(model_path) if model_path else None,
            "card_path": paths.relative(card_path) if card_path else None,
            "record": dict(record) if record is not None else None,
        }
        try:
            with writing(self._store.engine, f"run:{run_id}", AUDIT_LOCK) as conn:
                conn.execute(runs.insert().values(**row))
                append_in(
                    conn,
                    "run.saved",
                    {"id": run_id, "dataset": dataset, "fingerprint": dataset_fingerprint, "target": target},
                    actor,
                )
        except sa.exc.IntegrityError:
            raise StoreError("store.run.exists", run_id=run_id) from None
        return self._run(SimpleNamespace(**row))  # the values just inserted, JSON in Python shape

    def add(
        self,
        record: Mapping[str, Any],
        model_text: str | None = None,
        *,
        card_text: str | None = None,
        card_format: CardFormat = "html",
        actor: str | None = None,
    ) -> str:
        """Save a run from ``workbench.model.runs.run_record(result)`` (its JSON-ready dict) and return its id.

        The columns come from the record (``data.name``/``data.fingerprint``, ``target``, ``split``,
        ``params``, ``features``, ``metrics``, ``warnings``); the whole record is kept in ``Run.record``.
        """
        data = record.get("data") or {}
        run = self.save(
            dataset=data.get("name"),
            dataset_fingerprint=str(data.get("fingerprint") or ""),
            target=str(record.get("target") or ""),
            split=record.get("split"),
            params=record.get("params") or {},
            features=record.get("features") or [],
            metrics=record.get("metrics") or {},
            warnings=record.get("warnings") or [],
            model_text=model_text,
            card_text=card_text,
            card_format=card_format,
            actor=actor,
            record=record,
        )
        return run.id

    def get(self, run_id: str) -> Run:
        with reading(self._store.engine) as conn:
            row = conn.execute(sa.select(runs).where(runs.c.id == run_id)).first()
        if row is None:
            raise NotFoundError("store.run.not_found", run_id=run_id)
        return self._run(row)

    def list(
        self, *, dataset: str | None = None, fingerprint: str | None = None, limit: int | None = None
    ) -> list[Run]:
        """Runs, newest first; optionally only those on ``dataset`` or on one exact content ``fingerprint``."""
        q = sa.select(runs).order_by(runs.c.created_at.desc(), runs.c.id.desc())
        if dataset is not None:
            q = q.where(runs.c.dataset == dataset)
        if fingerprint is not None:
            q = q.where(runs.c.dataset_fingerprint == fingerprint)
        if limit is not None:
            q = q.limit(limit)
        with reading(self._store.engine) as conn:
            return [self._run(r) for r in conn.execute(q)]

    def model_text(self, run_id: str) -> str:
        """The stored LightGBM model as text (``lightgbm.Booster(model_str=...)``)."""
        run = self.get(run_id)
        if run.model_path is None:
            raise StoreError("store.run.no_model", run_id=run_id)
        if not run.model_path.exists():
            raise StoreError("store.run.model_missing", run_id=run_id)
        return run.model_path.read_text(encoding="utf-8")

    def _exists(self, run_id: str) -> bool:
        with reading(self._store.engine) as conn:
            return conn.execute(sa.select(runs.c.id).where(runs.c.id == run_id)).first() is not None

    def _run(self, row: Any) -> Run:
        paths = self._store.paths
        return Run(
            id=row.id,
            created_at=row.created_at,
            actor=row.actor,
            dataset=row.dataset,
            dataset_fingerprint=row.dataset_fingerprint,
            target=row.target,
            split=row.split,
            params=row.params,
            features=tuple(row.features),
            metrics=row.metrics,
            warnings=tuple(row.warnings),
            model_path=paths.absolute(row.model_path) if row.model_path else None,
            card_path=paths.absolute(row.card_path) if row.card_path else None,
            record=row.record,
        )
