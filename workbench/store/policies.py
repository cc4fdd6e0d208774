"""Masking policies: named YAML documents, versioned 1, 2, ...; a save never overwrites a version."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
import yaml

from workbench.store.audit import LOCK as AUDIT_LOCK
from workbench.store.audit import append_in
from workbench.store.db import current_actor, guard_secrets, reading, utcnow, writing
from workbench.store.errors import NotFoundError, StoreError
from workbench.store.names import check_name, norm
from workbench.store.schema import policies

if TYPE_CHECKING:
    from workbench.store.store import Store


@dataclass(frozen=True)
class Policy:
    name: str
    version: int
    yaml: str
    actor: str
    created_at: datetime
    comment: str


def _policy(row: sa.Row) -> Policy:
    return Policy(row.name, row.version, row.yaml, row.actor, row.created_at, row.comment)


class Policies:
    """``store.policies``: ``save`` returns the new version; every old version stays readable."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def save(
        self,
        name: str,
        yaml_text: str,
        *,
        actor: str | None = None,
        comment: str = "",
        audit: tuple[str, Mapping[str, Any]] | None = None,
    ) -> int:
        """Store ``yaml_text`` as the next version of policy ``name`` and return that version (1 for a new name).

        The text must parse as YAML (one line error otherwise) and must not contain the pseudonymisation key.
        ``audit``: an extra ``(action, payload)`` entry committed in the same transaction.
        """
        name = check_name(name, "policy")
        try:
            yaml.safe_load(yaml_text)
        except yaml.YAMLError as e:
            line = getattr(getattr(e, "problem_mark", None), "line", -1) + 1
            raise StoreError("store.policy.bad_yaml", name=name, line=line) from None
        guard_secrets("policy.yaml", yaml_text, comment)
        actor = current_actor(actor)
        with writing(self._store.engine, f"policy:{name}", AUDIT_LOCK) as conn:
            last = conn.execute(
                sa.select(sa.func.max(policies.c.version)).where(policies.c.name == norm(name))
            ).scalar()
            version = (last or 0) + 1
            conn.execute(
                policies.insert().values(
                    name=name, version=version, yaml=yaml_text, actor=actor, created_at=utcnow(), comment=comment
                )
            )
            append_in(conn, "policy.saved", {"name": name, "version": version}, actor)
            if audit is not None:
                append_in(conn, audit[0], {**audit[1], "policy_version": version}, actor)
        return version

    def get(self, name: str, version: int | None = None) -> Policy:
        """Version ``version`` of ``name`` (default: the newest). Raises ``NotFoundError``."""
        q = sa.select(policies).where(policies.c.name == norm(name))
        q = q.where(policies.c.version == version) if version is not None else q.order_by(policies.c.version.desc())
        with reading(self._store.engine) as conn:
            row = conn.execute(q.limit(1)).first()
        if row is None:
            if version is None:
                raise NotFoundError("store.policy.not_found", name=name)
            raise NotFoundError("store.policy.version_not_found", name=name, version=version)
        return _policy(row)

    def latest(self, name: str) -> Policy | None:
        try:
            return self.get(name)
        except NotFoundError:
            return None

    def versions(self, name: str) -> list[Policy]:
        """Every version of ``name``, oldest first."""
        with reading(self._store.engine) as conn:
            rows = conn.execute(sa.select(policies).where(policies.c.name == norm(name)).order_by(policies.c.version))
            return [_policy(r) for r in rows]

    def list(self) -> list[Policy]:
        """The newest version of each policy, by name."""
        newest = (
            sa.select(policies.c.name, sa.func.max(policies.c.version).label("version"))
            .group_by(policies.c.name)
            .subquery()
        )
        q = (
            sa.select(policies)
            .join(newest, sa.and_(policies.c.name == newest.c.name, policies.c.version == newest.c.version))
            .order_by(policies.c.name)
        )
        with reading(self._store.engine) as conn:
            return [_policy(r) for r in conn.execute(q)]
