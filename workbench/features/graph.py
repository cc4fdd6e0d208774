"""The relationship graph of a feature spec, as data: which tables a build will use, how each one is read,
and the links between them, so the Features page can draw it before anything is built.

A table's ``role`` says how its columns become features:

- ``label``: the label table (one output row per row, its own columns as candidates);
- ``entity``: the label entity (its key is the label key): its columns are attributes;
- ``lookup``: reached by many-to-one links only (the account's district): attributes, one value per row;
- ``events``: a dated one-to-many table (or a bridge's far table reached through dated rows): windows
  strictly before the cutoff;
- ``snapshot``: an undated one-to-many table (standing orders, dispositions, a bridge's clients): aggregated
  over all its rows, as of extraction; never selected without an expert;
- ``unlinked``: nothing links it to the label (the spec check names it).

``level`` places a table left (lookups, negative) or right (aggregated, positive) of the label entity (0), by
its shortest path; ``bridge`` marks a table with several parents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from workbench.features.relations import Relations, RelPath

ROLES = ("label", "entity", "lookup", "events", "snapshot", "unlinked")


@dataclass(frozen=True)
class GraphNode:
    name: str
    role: str
    level: int
    bridge: bool = False
    rows: int | None = None


@dataclass(frozen=True)
class GraphEdge:
    """``child.column`` references ``parent``'s key (many child rows per parent row)."""

    child: str
    parent: str
    column: str


@dataclass(frozen=True)
class RelationshipGraph:
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    label: str
    entity: str | None

    def node(self, name: str) -> GraphNode:
        return next(n for n in self.nodes if n.name == name)


def _role_of(path: RelPath) -> tuple[str, int]:
    if not path.to_many:
        return ("entity" if len(path.tables) == 1 else "lookup"), -(len(path.tables) - 1)
    return ("events" if path.dated else "snapshot"), len(path.tables)


def relationship_graph(
    relations: Relations, columns_of: Mapping[str, Sequence[str]], rows: Mapping[str, int] | None = None
) -> RelationshipGraph:
    """Nodes for the label table and every table of the spec, edges for every link (the label's key included,
    drawn to the label entity or to the roots that hold it)."""
    rows = rows or {}
    lab = relations.label
    paths = relations.paths(columns_of)
    best: dict[str, RelPath] = {}
    for p in paths:  # shortest first: the first path reaching a table decides its role
        best.setdefault(p.source, p)
    entity = next((r.name for r in relations.tables if r.key == lab.key and r.name in best), None)
    nodes = [GraphNode(lab.table, "label", 0, rows=rows.get(lab.table))]
    for r in relations.tables:
        if r.name == lab.table:
            continue
        role, level = _role_of(best[r.name]) if r.name in best else ("unlinked", 1)
        if role == "entity" and r.name != entity:
            role = "lookup"  # another one-row-per-key table beside the label entity
        nodes.append(GraphNode(r.name, role, level, bridge=len(r.links) > 1, rows=rows.get(r.name)))
    edges = [GraphEdge(r.name, p, c) for r in relations.tables for p, c in r.links if r.name != lab.table]
    if entity:  # the label's key references the label entity
        edges.append(GraphEdge(lab.table, entity, lab.key))
    else:  # no entity table: the tables holding the label key reference the label rows
        edges += [GraphEdge(p.tables[-1], lab.table, lab.key) for p in paths if len(p.tables) == 1]
    return RelationshipGraph(tuple(nodes), tuple(edges), lab.table, entity)
