"""Errors the store raises to users: each carries an i18n key from ``messages/store.toml``."""

from __future__ import annotations

from workbench.errors import UserError


class StoreError(UserError):
    """Something about the workspace the user can fix (bad name, missing dataset, newer schema, ...).

    A ``kind`` parameter (``"dataset"``, ``"policy"``, ...) is itself translated (``store.kind.<kind>``), so
    "정책 이름이 비어 있습니다" and "The policy name is empty" come from one key.
    """

    def message(self, lang: str | None = None) -> str:
        from workbench.i18n import has, t

        kind = self.params.get("kind")
        if isinstance(kind, str) and has(f"store.kind.{kind}"):
            params = {**self.params, "kind": t(f"store.kind.{kind}", lang)}
            return " ".join(t(self.key, lang, **params).split())
        return super().message(lang)


class NotFoundError(StoreError):
    """A named record (dataset, policy, feature, run) does not exist in this workspace."""


class ConflictError(StoreError):
    """Someone else wrote the same record since the caller read it (optimistic concurrency).

    ``params`` name who changed it (``by``), when (``at``) and the version now stored (``version``), so the
    page can say "김 대리 changed this at 14:02; reload to see it" instead of silently overwriting.
    """
