"""How the tables hang together: keys, parents, event times, and the label table with its cutoff.

The shape mirrors the YAML spec (``tables:`` and ``label:``). A table reaches the label key by walking its
``parent`` links (transactions → accounts → customers); the walk stops at the first table that carries the
label key column, so per-customer roll-ups across accounts fall out of the join path.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workbench.errors import UserError


class FeatureSpecError(UserError):
    """The feature spec (tables, keys, windows…) is not usable as written."""


@dataclass(frozen=True)
class TableRole:
    """One table's place in the schema.

    ``parent_key`` is this table's column that references the parent's ``key``. ``time`` makes the table an
    event table (its rows happen at a moment and are aggregated in windows before the cutoff). ``by`` lists
    category columns for per-category counts and shares; ``alias`` shortens feature names (``tx_…``).
    """

    name: str
    key: str | None = None
    parent: str | None = None
    parent_key: str | None = None
    time: str | None = None
    alias: str | None = None
    by: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()  # numeric columns to aggregate; empty = every numeric non-key column
    path: str | None = None  # file path in a YAML spec (resolved by the command, never by the library)


@dataclass(frozen=True)
class LabelRole:
    """The label table: one output row per input row, features computed strictly before ``cutoff``."""

    table: str
    key: str
    cutoff: str
    target: str | None = None
    id: str | None = None
    path: str | None = None


@dataclass(frozen=True)
class Relations:
    tables: tuple[TableRole, ...]
    label: LabelRole

    def table(self, name: str) -> TableRole:
        for role in self.tables:
            if role.name == name:
                return role
        raise FeatureSpecError("features.error.unknown_table", table=name)

    def key_path(self, source: str, columns_of: Mapping[str, list[str]]) -> tuple[str, ...]:
        """Tables from ``source`` up to the first one holding the label key, e.g. (transactions, accounts)."""
        path = [source]
        seen = {source}
        current = self.table(source)
        while self.label.key not in columns_of[current.name]:
            if not current.parent:
                raise FeatureSpecError("features.error.no_path", table=source, label_key=self.label.key)
            if current.parent in seen:
                raise FeatureSpecError("features.error.cycle", table=source)
            seen.add(current.parent)
            current = self.table(current.parent)
            path.append(current.name)
        return tuple(path)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Relations:
        try:
            tables = tuple(
                TableRole(
                    name=name,
                    key=conf.get("key"),
                    parent=conf.get("parent"),
                    parent_key=conf.get("parent_key"),
                    time=conf.get("time"),
                    alias=conf.get("alias"),
                    by=tuple(conf.get("by") or ()),
                    columns=tuple(conf.get("columns") or ()),
                    path=conf.get("path"),
                )
                for name, conf in (data.get("tables") or {}).items()
            )
            lab = data["label"]
            label = LabelRole(
                table=lab["table"],
                key=lab["key"],
                cutoff=lab["cutoff"],
                target=lab.get("target"),
                id=lab.get("id"),
                path=lab.get("path"),
            )
        except (KeyError, TypeError, AttributeError) as e:
            raise FeatureSpecError("features.error.spec_shape", detail=str(e)) from e
        by = data.get("by") or {}
        if by:  # top-level `by: {transactions: [channel]}` from DESIGN.md
            tables = tuple(
                TableRole(**{**r.__dict__, "by": tuple(dict.fromkeys((*r.by, *by.get(r.name, ()))))}) for r in tables
            )
        rel = cls(tables=tables, label=label)
        for r in tables:
            if r.parent:
                rel.table(r.parent)
                if not r.parent_key:
                    raise FeatureSpecError("features.error.parent_key", table=r.name)
        return rel
