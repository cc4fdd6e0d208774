"""Learn-mode progress per user: which tour steps are started or done. Small, not audited."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa

from workbench.store.db import current_actor, reading, utcnow, writing
from workbench.store.names import check_name
from workbench.store.schema import learn_progress

if TYPE_CHECKING:
    from workbench.store.store import Store


@dataclass(frozen=True)
class Progress:
    """``steps``: step id → state (the learn page's vocabulary, e.g. ``"started"``, ``"done"``)."""

    user: str
    steps: Mapping[str, str] = field(default_factory=dict)
    updated_at: datetime | None = None


class LearnProgress:
    """``store.progress``."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def get(self, user: str | None = None) -> Progress:
        """``user``'s progress (default: the OS user); empty when they never started."""
        user = check_name(current_actor(user), "user")
        with reading(self._store.engine) as conn:
            row = conn.execute(sa.select(learn_progress).where(learn_progress.c.user_name == user)).first()
        return Progress(user, dict(row.steps), row.updated_at) if row else Progress(user)

    def set_step(self, user: str | None, step: str, state: str) -> Progress:
        """Set one step's state, keeping the others (read-modify-write inside one write transaction)."""
        user = check_name(current_actor(user), "user")
        with writing(self._store.engine, f"progress:{user}") as conn:
            row = conn.execute(sa.select(learn_progress.c.steps).where(learn_progress.c.user_name == user)).first()
            steps = {**(row.steps if row else {}), step: state}
            return self._put(conn, user, steps, exists=row is not None)

    def save(self, user: str | None, steps: Mapping[str, str]) -> Progress:
        """Replace ``user``'s progress with ``steps``."""
        user = check_name(current_actor(user), "user")
        with writing(self._store.engine, f"progress:{user}") as conn:
            exists = conn.execute(
                sa.select(learn_progress.c.user_name).where(learn_progress.c.user_name == user)
            ).first()
            return self._put(conn, user, dict(steps), exists=exists is not None)

    def reset(self, user: str | None = None) -> None:
        user = check_name(current_actor(user), "user")
        with writing(self._store.engine, f"progress:{user}") as conn:
            conn.execute(learn_progress.delete().where(learn_progress.c.user_name == user))

    @staticmethod
    def _put(conn: sa.Connection, user: str, steps: dict[str, str], *, exists: bool) -> Progress:
        now = utcnow()
        if exists:
            conn.execute(
                learn_progress.update().where(learn_progress.c.user_name == user).values(steps=steps, updated_at=now)
            )
        else:
            conn.execute(learn_progress.insert().values(user_name=user, steps=steps, updated_at=now))
        return Progress(user, steps, now)
