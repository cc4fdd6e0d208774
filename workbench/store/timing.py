"""A domain expert's timing marks: column X of dataset D is known at decision time, or only after it.

Marks hang off the dataset *name* (a new version of ``loans`` keeps them) and are never overwritten: each
``mark`` appends a row and a ``column.timing_marked`` audit entry in the same transaction; a column's
current mark is its newest row. ``features`` and ``train`` leave columns marked ``after`` out and say so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from workbench.signals.timing import MARKS, Mark, TimingMark
from workbench.store.audit import LOCK as AUDIT_LOCK
from workbench.store.audit import append_in
from workbench.store.db import current_actor, guard_secrets, reading, utcnow, writing
from workbench.store.errors import StoreError
from workbench.store.schema import timing_marks as table

if TYPE_CHECKING:
    from workbench.store.store import Store


def _row(r: Any) -> TimingMark:
    return TimingMark(r.dataset, r.column_name, r.mark, r.comment, r.actor, r.created_at)


class Timing:
    """``store.timing``: mark a column, read a dataset's current marks or a column's history."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def mark(self, dataset: str, column: str, mark: Mark, *, comment: str = "", actor: str | None = None) -> TimingMark:
        """Record that ``column`` of ``dataset`` is known ``before`` the decision or only ``after`` it."""
        if mark not in MARKS:
            raise StoreError("store.timing.bad_mark", mark=str(mark), marks=", ".join(MARKS))
        guard_secrets("timing", {"comment": comment}, comment)
        actor = current_actor(actor)
        now = utcnow()
        with writing(self._store.engine, f"timing:{dataset}", AUDIT_LOCK) as conn:
            conn.execute(
                table.insert().values(
                    dataset=dataset, column_name=column, mark=mark, comment=comment, actor=actor, created_at=now
                )
            )
            append_in(
                conn,
                "column.timing_marked",
                {"dataset": dataset, "column": column, "mark": mark, "comment": comment},
                actor,
            )
        return TimingMark(dataset, column, mark, comment, actor, now)

    def current(self, dataset: str) -> dict[str, TimingMark]:
        """Each marked column's newest mark."""
        q = sa.select(table).where(table.c.dataset == dataset).order_by(table.c.id)
        with reading(self._store.engine) as conn:
            return {m.column: m for m in (_row(r) for r in conn.execute(q))}

    def history(self, dataset: str, column: str) -> list[TimingMark]:
        """Every mark given to ``column``, oldest first."""
        q = sa.select(table).where(table.c.dataset == dataset, table.c.column_name == column).order_by(table.c.id)
        with reading(self._store.engine) as conn:
            return [_row(r) for r in conn.execute(q)]
