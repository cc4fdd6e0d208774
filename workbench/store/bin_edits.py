"""The expert's scorecard bin edits: one list per (dataset, target), versioned 1, 2, …; a save never overwrites.

Each save stores the *whole* list (so any version replays on its own) and appends a ``scorecard.bins_edited``
audit entry in the same transaction, naming the characteristics touched. ``save`` takes the version the expert
started from: if a colleague saved in between, it raises ``ConflictError`` (who, when) instead of silently
replacing their edits. The next fit on the same dataset and target replays ``current(...)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from workbench.store.audit import LOCK as AUDIT_LOCK
from workbench.store.audit import append_in
from workbench.store.db import current_actor, guard_secrets, reading, utcnow, writing
from workbench.store.errors import ConflictError
from workbench.store.features import format_at
from workbench.store.schema import scorecard_bin_edits as table

if TYPE_CHECKING:
    from workbench.store.store import Store


@dataclass(frozen=True)
class BinEditSet:
    """Version ``version`` of the edit list (JSON dicts, as ``workbench.model.edits.edits_to_json`` writes)."""

    dataset: str
    target: str
    version: int
    edits: tuple[Mapping[str, Any], ...]
    comment: str
    actor: str
    created_at: datetime


def _row(r: Any) -> BinEditSet:
    return BinEditSet(r.dataset, r.target, r.version, tuple(r.edits), r.comment, r.actor, r.created_at)


class BinEdits:
    """``store.bin_edits``: save a new version of a (dataset, target)'s edits, read the current one or all."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def save(
        self,
        dataset: str,
        target: str,
        edits: Sequence[Mapping[str, Any]],
        *,
        expected_version: int,
        comment: str = "",
        actor: str | None = None,
    ) -> BinEditSet:
        """Store ``edits`` as the next version if the current one is still ``expected_version`` (0: none yet)."""
        edits = [dict(e) for e in edits]
        guard_secrets("bin_edits", edits, comment)
        actor = current_actor(actor)
        with writing(self._store.engine, f"bin_edits:{dataset}:{target}", AUDIT_LOCK) as conn:
            last = conn.execute(self._newest(dataset, target)).first()
            current = last.version if last else 0
            if current != expected_version:
                raise ConflictError(
                    "store.bin_edits.conflict",
                    dataset=dataset,
                    target=target,
                    by=last.actor if last else "?",
                    at=format_at(last.created_at) if last else "?",
                    version=current,
                )
            now, version = utcnow(), current + 1
            conn.execute(
                table.insert().values(
                    dataset=dataset, target=target, version=version, edits=edits, comment=comment, actor=actor,
                    created_at=now,
                )
            )  # fmt: skip
            features = sorted({str(e.get("feature")) for e in edits})
            append_in(
                conn,
                "scorecard.bins_edited",
                {"dataset": dataset, "target": target, "version": version, "edits": len(edits), "features": features},
                actor,
            )
        return BinEditSet(dataset, target, version, tuple(edits), comment, actor, now)

    @staticmethod
    def _newest(dataset: str, target: str) -> sa.Select:
        return (
            sa.select(table)
            .where(table.c.dataset == dataset, table.c.target == target)
            .order_by(table.c.version.desc())
            .limit(1)
        )

    def current(self, dataset: str, target: str) -> BinEditSet | None:
        with reading(self._store.engine) as conn:
            row = conn.execute(self._newest(dataset, target)).first()
        return _row(row) if row else None

    def history(self, dataset: str, target: str) -> list[BinEditSet]:
        """Every version, oldest first."""
        q = sa.select(table).where(table.c.dataset == dataset, table.c.target == target).order_by(table.c.version)
        with reading(self._store.engine) as conn:
            return [_row(r) for r in conn.execute(q)]
