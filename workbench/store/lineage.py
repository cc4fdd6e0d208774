"""Where a dataset the app wrote came from: its role (a modelling table, a feature table) and the feature run
and label table it was built from.

A modelling table carries the target and copies of features. Offered again as a label or event table, it
makes the target a candidate feature and every feature a duplicate, so the Features page leaves derived
datasets out unless the analyst gave them a role on the Data page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal, get_args

import sqlalchemy as sa

from workbench.store.db import current_actor, reading, utcnow, writing
from workbench.store.errors import NotFoundError, StoreError
from workbench.store.names import norm
from workbench.store.schema import dataset_lineage, datasets

if TYPE_CHECKING:
    from workbench.store.store import Store

DerivedRole = Literal["modelling_table", "feature_table"]
DERIVED_ROLES: tuple[str, ...] = get_args(DerivedRole)


@dataclass(frozen=True)
class Lineage:
    """``dataset`` was written by the app as ``role`` from ``source_dataset`` (a label table) in ``source_run``."""

    dataset: str
    role: DerivedRole
    source_dataset: str | None
    source_run: str | None
    created_at: datetime
    created_by: str


class Lineages:
    """``store.lineage``: record and read where derived datasets came from."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def record(
        self,
        dataset: str,
        *,
        role: DerivedRole,
        source_dataset: str | None = None,
        source_run: str | None = None,
        actor: str | None = None,
    ) -> Lineage:
        """Mark ``dataset`` (already saved) as derived; a later save of the same name replaces the record."""
        if role not in DERIVED_ROLES:
            raise StoreError("store.lineage.bad_role", role=str(role), roles=", ".join(DERIVED_ROLES))
        name, actor, now = norm(dataset), current_actor(actor), utcnow()
        values = {
            "role": role,
            "source_dataset": source_dataset,
            "source_run": source_run,
            "created_at": now,
            "created_by": actor,
        }
        with writing(self._store.engine, f"lineage:{name}") as conn:
            found = conn.execute(sa.select(datasets.c.id).where(datasets.c.name == name)).scalar()
            if found is None:
                raise NotFoundError("store.dataset.not_found", name=name)
            conn.execute(dataset_lineage.delete().where(dataset_lineage.c.dataset_id == found))
            conn.execute(dataset_lineage.insert().values(dataset_id=found, **values))
        return Lineage(name, role, source_dataset, source_run, now, actor)

    def get(self, dataset: str) -> Lineage | None:
        return self.all().get(norm(dataset))

    def all(self) -> dict[str, Lineage]:
        """Dataset name → lineage, for every derived dataset (datasets loaded by people are absent)."""
        q = sa.select(dataset_lineage, datasets.c.name).join(datasets, datasets.c.id == dataset_lineage.c.dataset_id)
        with reading(self._store.engine) as conn:
            return {
                r.name: Lineage(r.name, r.role, r.source_dataset, r.source_run, r.created_at, r.created_by)
                for r in conn.execute(q)
            }
