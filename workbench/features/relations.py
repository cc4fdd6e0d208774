"""How the tables hang together: keys, links, event times, and the label table with its cutoff.

The shape mirrors the YAML spec (``tables:`` and ``label:``). A table links to others by ``parent`` +
``parent_key`` (one parent) or ``parents: {TABLE: COLUMN, ...}`` (several: a bridge, e.g. a disposition
that links an account and a client). ``RelPath``s walk every link from the label entity (the table whose
``key`` is the label key) and from every other table that holds the label key column (the roots):

- **up** (many-to-one, any depth): lookups; from the label entity they are one value per label row (the
  account's district, the district's region);
- **down** (one-to-many, any depth): children and grandchildren whose rows are aggregated (transactions of
  an account, cards of its dispositions);
- **down, then up** (across a bridge): the far table's columns over the bridge rows (the clients of an
  account's dispositions), and their lookups in turn (the clients' districts).

A path never goes up and then down again (that would aggregate unrelated rows: every client of the same
district), never revisits a table, and never steps into another root (its rows reach the label key on
their own; going through them would count them twice).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
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
    parents: tuple[tuple[str, str], ...] = ()  # (parent table, this table's column) of a bridge
    time: str | None = None
    alias: str | None = None
    by: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()  # numeric columns to aggregate; empty = every numeric non-key column
    path: str | None = None  # file path in a YAML spec (resolved by the command, never by the library)
    table: str | None = None  # a metastore table (``db.name``) the Spark engine reads instead of a file

    @property
    def links(self) -> tuple[tuple[str, str], ...]:
        """Every (parent table, this table's column) link: ``parent`` first, then ``parents``."""
        one = ((self.parent, self.parent_key),) if self.parent and self.parent_key else ()
        return tuple(dict.fromkeys((*one, *self.parents)))

    def link_to(self, parent: str) -> str | None:
        """This table's column that references ``parent``'s key (None: no link)."""
        return next((c for p, c in self.links if p == parent), None)


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
class RelPath:
    """Tables from a feature's ``source`` to a root that holds the label key column, e.g.
    ``(client, disposition)``: a client's columns reach an account through its dispositions.

    ``row_table`` is the table whose rows are aggregated (the deepest table reached going down); ``None``
    when every step from the root is a lookup (one value per label row: an attribute). ``dated`` says the
    row table has a time column (windows before the cutoff) rather than being a snapshot."""

    tables: tuple[str, ...]
    row_table: str | None
    dated: bool
    prefix: str  # feature-name prefix: the source's alias, or the aliases along the path when it has lookups

    @property
    def source(self) -> str:
        return self.tables[0]

    @property
    def to_many(self) -> bool:
        return self.row_table is not None

    @property
    def timing(self) -> str:
        return "before_cutoff" if self.dated else "snapshot"


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

    def holds_label_key(self, name: str, columns_of: Mapping[str, Sequence[str]]) -> bool:
        return name != self.label.table and name in columns_of and self.label.key in columns_of[name]

    def is_entity(self, name: str) -> bool:
        """One row per label key: the table's own key is the label key (the label entity, or one-to-one)."""
        return self.table(name).key == self.label.key

    def children(self, name: str) -> tuple[tuple[str, str], ...]:
        """(child table, its column) for every table linking to ``name``."""
        return tuple((r.name, c) for r in self.tables for p, c in r.links if p == name)

    def step(self, near: str, far: str) -> tuple[str, str, str]:
        """How a row of ``near`` (nearer the source) meets ``far`` on a path: ``("up", near's column, far's
        key)`` when ``near`` links to ``far``; ``("lookup", near's key, far's column)`` when ``far`` links to
        ``near`` (``near`` is ``far``'s lookup)."""
        col = self.table(near).link_to(far)
        if col is not None:
            return "up", col, str(self.table(far).key)
        back = self.table(far).link_to(near)
        if back is None:
            raise FeatureSpecError("features.error.no_link", table=near, other=far)
        return "lookup", str(self.table(near).key), back

    def describe(self, tables: Sequence[str], columns_of: Mapping[str, Sequence[str]]) -> RelPath:
        """The ``RelPath`` of a key path (source first, root last)."""
        row = None
        for i, name in enumerate(tables):
            last = i == len(tables) - 1
            if (last and not self.is_entity(name)) or (not last and self.step(name, tables[i + 1])[0] == "up"):
                row = name
                break
        lookups = any(self.step(a, b)[0] == "lookup" for a, b in pairwise(tables))
        alias = {r.name: r.alias or r.name for r in self.tables}
        prefix = "_".join(alias.get(t, t) for t in reversed(tables)) if lookups else alias.get(tables[0], tables[0])
        dated = row is not None and bool(self.table(row).time)
        return RelPath(tuple(tables), row, dated, prefix)

    def paths(self, columns_of: Mapping[str, Sequence[str]], max_depth: int = 4) -> tuple[RelPath, ...]:
        """Every path from a root, walking up (lookups) and down (children), down before up, at most
        ``max_depth`` steps; roots in spec order, shorter paths first."""
        names = {r.name for r in self.tables if r.name in columns_of and r.name != self.label.table}
        roots = [r.name for r in self.tables if r.name in names and self.holds_label_key(r.name, columns_of)]
        found: list[tuple[str, ...]] = []

        def walk(path: tuple[str, ...], went_up: bool) -> None:
            found.append(path)
            if len(path) > max_depth:
                return
            here = path[0]
            for parent, _ in self.table(here).links:
                if parent in names and parent not in path and parent not in roots:
                    walk((parent, *path), True)
            if went_up:
                return
            for child, _ in self.children(here):
                if child in names and child not in path and child not in roots:
                    walk((child, *path), False)

        for root in roots:
            walk((root,), False)
        found.sort(key=len)
        return tuple(self.describe(p, columns_of) for p in found)

    def unreachable(self, columns_of: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
        """Tables of the spec (loaded, not the label table) that no path reaches."""
        reached = {t for p in self.paths(columns_of) for t in p.tables}
        return tuple(
            r.name for r in self.tables if r.name in columns_of and r.name != self.label.table and r.name not in reached
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Relations:
        try:
            tables = tuple(
                TableRole(
                    name=name,
                    key=conf.get("key"),
                    parent=conf.get("parent"),
                    parent_key=conf.get("parent_key"),
                    parents=tuple((str(p), str(c)) for p, c in (conf.get("parents") or {}).items()),
                    time=conf.get("time"),
                    alias=conf.get("alias"),
                    by=tuple(conf.get("by") or ()),
                    columns=tuple(conf.get("columns") or ()),
                    path=conf.get("path"),
                    table=conf.get("table"),
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
            if r.parent and not r.parent_key:
                raise FeatureSpecError("features.error.parent_key", table=r.name)
            for parent, _ in r.links:
                rel.table(parent)
        return rel
