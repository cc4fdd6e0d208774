"""Where each user was in the app (page, dataset, label table), so a reload or a new session reopens there.

Small, per user, not audited: it records a place, never a decision (decisions have their own tables).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from workbench.store.db import current_actor, guard_secrets, reading, utcnow, writing
from workbench.store.names import check_name
from workbench.store.schema import ui_state

if TYPE_CHECKING:
    from workbench.store.store import Store


class UiState:
    """``store.ui_state``: ``get(user)`` → dict; ``update(user, **values)`` merges (``None`` removes a key)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def get(self, user: str | None = None) -> dict[str, Any]:
        user = check_name(current_actor(user), "user")
        with reading(self._store.engine) as conn:
            row = conn.execute(sa.select(ui_state.c.state).where(ui_state.c.user_name == user)).first()
        return dict(row.state) if row else {}

    def update(self, user: str | None, values: Mapping[str, Any]) -> dict[str, Any]:
        user = check_name(current_actor(user), "user")
        guard_secrets("ui_state", values)
        with writing(self._store.engine, f"ui_state:{user}") as conn:
            row = conn.execute(sa.select(ui_state.c.state).where(ui_state.c.user_name == user)).first()
            state = {**(row.state if row else {}), **values}
            state = {k: v for k, v in state.items() if v is not None}
            if row is None:
                conn.execute(ui_state.insert().values(user_name=user, state=state, updated_at=utcnow()))
            elif state != row.state:
                conn.execute(
                    ui_state.update().where(ui_state.c.user_name == user).values(state=state, updated_at=utcnow())
                )
        return state
