"""Table roles, keys and relationships: what the analyst decided about each dataset's structure.

Roles and relationships hang off the dataset *name* (not a version): a new version of ``customers`` keeps
its role. Column names are checked against the dataset's newest version when they are set.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, get_args

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from workbench.store.audit import LOCK as AUDIT_LOCK
from workbench.store.audit import append_in
from workbench.store.datasets import id_of_dataset
from workbench.store.db import current_actor, reading, utcnow, writing
from workbench.store.errors import StoreError
from workbench.store.names import norm
from workbench.store.schema import dataset_versions, datasets, relationships, table_meta

if TYPE_CHECKING:
    from workbench.store.store import Store

Role = Literal["customer", "account", "event", "label", "other"]
ROLES: tuple[str, ...] = get_args(Role)


@dataclass(frozen=True)
class TableMeta:
    """``primary_key``: the columns that identify a row; ``column_types``: per-column kind overrides
    (e.g. ``{"customer_id": "id", "credit_grade": "categorical"}``) that profile and features honour."""

    dataset: str
    role: Role
    primary_key: tuple[str, ...] = ()
    time_column: str | None = None
    target_column: str | None = None
    column_types: Mapping[str, str] = field(default_factory=dict)
    updated_at: datetime | None = None
    updated_by: str | None = None


@dataclass(frozen=True)
class Relationship:
    """``child.child_columns`` → ``parent.parent_columns`` (many-to-one), e.g. accounts.customer_id →
    customers.customer_id."""

    child: str
    child_columns: tuple[str, ...]
    parent: str
    parent_columns: tuple[str, ...]
    created_at: datetime | None = None
    created_by: str | None = None


def _columns_of(conn: Connection, dataset_id: int) -> list[str]:
    cols = conn.execute(
        sa.select(dataset_versions.c.columns)
        .where(dataset_versions.c.dataset_id == dataset_id)
        .order_by(dataset_versions.c.version.desc())
        .limit(1)
    ).scalar()
    return [c["name"] for c in cols or []]


def _require_columns(conn: Connection, dataset: str, dataset_id: int, wanted: Sequence[str]) -> None:
    have = set(_columns_of(conn, dataset_id))
    missing = [c for c in wanted if c not in have]
    if missing:
        raise StoreError("store.tables.unknown_columns", dataset=dataset, columns=", ".join(missing))


def _tuple(value: Sequence[str] | str | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


class Tables:
    """``store.tables``: roles, keys, time/target columns, type overrides and relationships."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def set(
        self,
        dataset: str,
        *,
        role: Role,
        primary_key: Sequence[str] | str = (),
        time_column: str | None = None,
        target_column: str | None = None,
        column_types: Mapping[str, str] | None = None,
        actor: str | None = None,
    ) -> TableMeta:
        """Record (replace) what ``dataset`` is. Every named column must exist in its newest version."""
        if role not in ROLES:
            raise StoreError("store.tables.bad_role", role=str(role), roles=", ".join(ROLES))
        key = _tuple(primary_key)
        types = dict(column_types or {})
        actor = current_actor(actor)
        with writing(self._store.engine, f"dataset:{dataset}", AUDIT_LOCK) as conn:
            dataset_id = id_of_dataset(conn, dataset)
            named = [*key, *(c for c in (time_column, target_column) if c), *types]
            _require_columns(conn, dataset, dataset_id, named)
            values: dict[str, Any] = {
                "role": role,
                "primary_key": list(key),
                "time_column": time_column,
                "target_column": target_column,
                "column_types": types,
                "updated_at": utcnow(),
                "updated_by": actor,
            }
            exists = conn.execute(
                sa.select(table_meta.c.dataset_id).where(table_meta.c.dataset_id == dataset_id)
            ).first()
            if exists:
                conn.execute(table_meta.update().where(table_meta.c.dataset_id == dataset_id).values(**values))
            else:
                conn.execute(table_meta.insert().values(dataset_id=dataset_id, **values))
            append_in(
                conn,
                "table.described",
                {
                    "dataset": dataset,
                    "role": role,
                    "primary_key": list(key),
                    "time": time_column,
                    "target": target_column,
                },
                actor,
            )
        return TableMeta(dataset, role, key, time_column, target_column, types, values["updated_at"], actor)

    def get(self, dataset: str) -> TableMeta | None:
        """What was recorded for ``dataset``, or ``None`` if nothing yet."""
        q = (
            sa.select(table_meta, datasets.c.name)
            .join(datasets, datasets.c.id == table_meta.c.dataset_id)
            .where(datasets.c.name == norm(dataset))
        )
        with reading(self._store.engine) as conn:
            row = conn.execute(q).first()
        return _meta(row) if row else None

    def list(self) -> list[TableMeta]:
        q = sa.select(table_meta, datasets.c.name).join(datasets, datasets.c.id == table_meta.c.dataset_id)
        with reading(self._store.engine) as conn:
            return [_meta(r) for r in conn.execute(q.order_by(datasets.c.name))]

    def relate(
        self,
        child: str,
        child_columns: Sequence[str] | str,
        parent: str,
        parent_columns: Sequence[str] | str | None = None,
        *,
        actor: str | None = None,
    ) -> Relationship:
        """Record that ``child`` rows point to ``parent`` rows (replacing an earlier link between the two).

        ``parent_columns`` default to the same names as ``child_columns``.
        """
        child_cols = _tuple(child_columns)
        parent_cols = _tuple(parent_columns) or child_cols
        if not child_cols or len(child_cols) != len(parent_cols):
            raise StoreError("store.tables.bad_relationship", child=child, parent=parent)
        if child == parent:
            raise StoreError("store.tables.self_relationship", dataset=child)
        actor = current_actor(actor)
        now = utcnow()
        with writing(self._store.engine, f"dataset:{child}", f"dataset:{parent}", AUDIT_LOCK) as conn:
            child_id = id_of_dataset(conn, child)
            parent_id = id_of_dataset(conn, parent)
            _require_columns(conn, child, child_id, child_cols)
            _require_columns(conn, parent, parent_id, parent_cols)
            conn.execute(
                relationships.delete().where(
                    relationships.c.child_id == child_id, relationships.c.parent_id == parent_id
                )
            )
            conn.execute(
                relationships.insert().values(
                    child_id=child_id,
                    child_columns=list(child_cols),
                    parent_id=parent_id,
                    parent_columns=list(parent_cols),
                    created_at=now,
                    created_by=actor,
                )
            )
            append_in(
                conn,
                "table.related",
                {
                    "child": child,
                    "child_columns": list(child_cols),
                    "parent": parent,
                    "parent_columns": list(parent_cols),
                },
                actor,
            )
        return Relationship(child, child_cols, parent, parent_cols, now, actor)

    def unrelate(self, child: str, parent: str, *, actor: str | None = None) -> bool:
        """Remove the link from ``child`` to ``parent``; ``False`` when there was none."""
        actor = current_actor(actor)
        with writing(self._store.engine, f"dataset:{child}", f"dataset:{parent}", AUDIT_LOCK) as conn:
            child_id = id_of_dataset(conn, child)
            parent_id = id_of_dataset(conn, parent)
            gone = conn.execute(
                relationships.delete().where(
                    relationships.c.child_id == child_id, relationships.c.parent_id == parent_id
                )
            ).rowcount
            if gone:
                append_in(conn, "table.unrelated", {"child": child, "parent": parent}, actor)
        return bool(gone)

    def relationships(self, dataset: str | None = None) -> list[Relationship]:
        """Every link, or those where ``dataset`` is the child or the parent; ordered child, parent."""
        child_t, parent_t = datasets.alias("child"), datasets.alias("parent")
        q = (
            sa.select(relationships, child_t.c.name.label("child"), parent_t.c.name.label("parent"))
            .join(child_t, child_t.c.id == relationships.c.child_id)
            .join(parent_t, parent_t.c.id == relationships.c.parent_id)
        )
        if dataset is not None:
            q = q.where(sa.or_(child_t.c.name == norm(dataset), parent_t.c.name == norm(dataset)))
        with reading(self._store.engine) as conn:
            rows = conn.execute(q.order_by(child_t.c.name, parent_t.c.name)).all()
        return [
            Relationship(r.child, tuple(r.child_columns), r.parent, tuple(r.parent_columns), r.created_at, r.created_by)
            for r in rows
        ]


def _meta(row: Any) -> TableMeta:
    return TableMeta(
        dataset=row.name,
        role=row.role,
        primary_key=tuple(row.primary_key),
        time_column=row.time_column,
        target_column=row.target_column,
        column_types=dict(row.column_types),
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )
