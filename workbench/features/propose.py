"""A first feature spec for a set of certified tables, so the analyst edits instead of typing.

Roles, keys and links come from what the analyst stored on the Data page (``store.tables``) and, where
nothing is stored, from ``workbench.relations`` suggestions (key uniqueness and value inclusion checked on
every row). The result is an ordinary ``FeatureProject``; ``project_to_dict`` turns it into the YAML the CLI
runs, so the page and ``workbench features --spec`` build the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import polars as pl
import yaml

from workbench.cache import shared
from workbench.features.plan import PlanOptions
from workbench.features.project import FeatureProject
from workbench.features.relations import LabelRole, Relations, TableRole
from workbench.privacy.gate import MaskedTable

MAX_BY_LEVELS = 30  # a `by` column with more distinct values is more likely an id than a category


@shared(max_entries=128)
def category_columns(table: MaskedTable, exclude: Sequence[str] = ()) -> tuple[str, ...]:
    """Text columns with 2..MAX_BY_LEVELS values: candidates for per-category counts and shares (computed once
    per table content for every session: the Features page asks on every run)."""
    frame = table.frame
    out = []
    for col, dtype in frame.schema.items():
        if col in exclude or dtype != pl.String:
            continue
        n = frame.get_column(col).n_unique()
        if 2 <= n <= MAX_BY_LEVELS:
            out.append(col)
    return tuple(out)


def propose_project(
    tables: Mapping[str, MaskedTable],
    *,
    metas: Sequence[Any] = (),
    relationships: Sequence[Any] = (),
    label: str | None = None,
) -> FeatureProject | None:
    """A spec over ``tables`` (``metas``/``relationships``: the store's records, which win over guesses).

    Returns ``None`` when no label table (a binary target and a date) can be found.
    """
    from workbench.relations import foreign_key_candidates, suggest_roles

    suggested = suggest_roles(tables)
    stored = {m.dataset: m for m in metas if m.dataset in tables}
    role_of = {n: (stored[n].role if n in stored else suggested[n].role) for n in tables}
    time_of = {n: (stored[n].time_column if n in stored else suggested[n].time_column) for n in tables}
    pk_of = {
        n: (stored[n].primary_key[0] if n in stored and stored[n].primary_key else suggested[n].primary_key)
        for n in tables
    }
    links: dict[str, dict[str, str]] = {}  # child -> {parent: child column}; several parents: a bridge
    for r in relationships:
        if r.child in tables and r.parent in tables:
            links.setdefault(r.child, {})[r.parent] = r.child_columns[0]
    for fk in foreign_key_candidates(tables):  # the stored link to a parent wins over a guessed one
        links.setdefault(fk.child, {}).setdefault(fk.parent, fk.column)
    label = label or next((n for n, r in role_of.items() if r == "label"), None)
    if label is None:
        return None
    target = stored[label].target_column if label in stored else suggested[label].target
    if label in links:
        label_key = next(iter(links[label].values()))
    else:  # the label's key: a column it shares with a customer table's key
        label_key = next(
            (pk_of[n] for n in tables if role_of[n] == "customer" and pk_of[n] in tables[label].columns), None
        )
    if not label_key:
        return None
    roles = []
    parents = {p for ls in links.values() for p in ls}
    for name, table in tables.items():
        if name == label:
            continue
        own = {p: c for p, c in links.get(name, {}).items() if p != label}
        one = len(own) == 1
        parent, parent_key = next(iter(own.items())) if one else (None, None)
        time = time_of[name] if _dated(role_of[name], name, own, parents, label_key, table) else None
        keys = {pk_of[name], *own.values(), time}
        roles.append(
            TableRole(
                name=name,
                key=pk_of[name],
                parent=parent,
                parent_key=parent_key,
                parents=() if one else tuple(own.items()),
                time=time,
                by=tuple(category_columns(table, exclude=[k for k in keys if k])) if time else (),
            )
        )
    cutoff = time_of[label] or next(iter(c for c, d in tables[label].frame.schema.items() if d == pl.Date), None)
    rel = Relations(tables=tuple(roles), label=LabelRole(table=label, key=label_key, cutoff=cutoff, target=target))
    numeric, categorical = label_candidates(tables[label], exclude=(label_key, cutoff, target))
    return FeatureProject(rel, PlanOptions(label_transforms={"numeric": numeric, "categorical": categorical}))


def _dated(role: str, name: str, links: Mapping[str, str], parents: set[str], label_key: str, table) -> bool:
    """Whether a table's time column is when its rows happened: event tables; accounts that hold the label
    key (an account counts once opened); a child nobody references (cards issued). Not a lookup's or a
    bridge's far table's date (a client's birth date is an attribute, not an event)."""
    if role == "event":
        return True
    if role == "account":
        return label_key in table.columns
    return role == "other" and bool(links) and name not in parents


def label_candidates(table: MaskedTable, exclude: Sequence[str | None] = ()) -> tuple[list[str], list[str]]:
    """The label table's own columns a model may use: numbers, and text with 2..MAX_BY_LEVELS values
    (identifiers, the cutoff and the target left out; dates are the cutoff's business)."""
    skip = {c for c in exclude if c}
    numeric = [
        c for c, d in table.schema.items() if c not in skip and (d.is_numeric() or d == pl.Boolean) and not _id_like(c)
    ]
    return numeric, list(category_columns(table, exclude=[*skip, *(c for c in table.columns if _id_like(c))]))


def _id_like(column: str) -> bool:
    from workbench.relations import named_like_id

    return named_like_id(column)


def with_label_columns(project: FeatureProject, columns: Sequence[str]) -> FeatureProject:
    """Only ``columns`` of the label table as candidates (numbers get log/bin/missing, text frequency and
    target encoding); the target itself never is one."""
    lt = dict(project.options.label_transforms)
    target = project.relations.label.target
    keep = [c for c in columns if c != target]
    lt["numeric"] = [c for c in lt.get("numeric", ()) if c in keep]
    lt["categorical"] = [c for c in lt.get("categorical", ()) if c in keep]
    return replace(project, options=replace(project.options, label_transforms=lt))


def with_choices(
    project: FeatureProject,
    *,
    windows: Sequence[int],
    aggregations: Sequence[str],
    by: Mapping[str, Sequence[str]],
    target: str | None,
    cutoff: str,
) -> FeatureProject:
    """The page's widget values applied to a proposed project."""
    rel = project.relations
    tables = tuple(replace(r, by=tuple(by.get(r.name, r.by))) for r in rel.tables)
    label = replace(rel.label, target=target, cutoff=cutoff)
    opts = replace(project.options, windows=tuple(sorted(windows)), aggregations=tuple(aggregations))
    return replace(project, relations=Relations(tables, label), options=opts)


def project_to_dict(project: FeatureProject) -> dict[str, Any]:
    """The YAML shape ``FeatureProject.from_dict`` reads (see ``workbench/features/project.py``)."""
    rel, opt = project.relations, project.options
    tables = {}
    for r in rel.tables:
        conf = {
            k: v
            for k, v in (
                ("path", r.path),
                ("key", r.key),
                ("parent", r.parent),
                ("parent_key", r.parent_key),
                ("parents", dict(r.parents)),
                ("time", r.time),
                ("alias", r.alias),
            )
            if v
        }
        if r.by:
            conf["by"] = list(r.by)
        if r.columns:
            conf["columns"] = list(r.columns)
        tables[r.name] = conf
    lab = rel.label
    label = {
        k: v
        for k, v in (
            ("table", lab.table),
            ("path", lab.path),
            ("key", lab.key),
            ("cutoff", lab.cutoff),
            ("target", lab.target),
            ("id", lab.id),
        )
        if v
    }
    out: dict[str, Any] = {
        "tables": tables,
        "label": label,
        "windows": list(opt.windows),
        "aggregations": list(opt.aggregations),
        "max_categories": opt.max_categories,
        "trend": list(opt.trend) if opt.trend else None,
    }
    if opt.ratios:
        out["ratios"] = [
            {"table": r.table, "column": r.column, "numerator": dict(r.numerator), "denominator": dict(r.denominator)}
            for r in opt.ratios
        ]
    if opt.balance_use:
        out["balance_use"] = [{"table": b.table, "balance": b.balance, "limit": b.limit} for b in opt.balance_use]
    if opt.label_transforms:
        out["label_transforms"] = {k: list(v) if not isinstance(v, str) else v for k, v in opt.label_transforms.items()}
    th = project.thresholds
    out["selection"] = {
        "min_iv": th.min_iv,
        "max_psi": th.max_psi,
        "max_corr": th.max_corr,
        "max_missing": th.max_missing,
    }
    out["psi_period"] = project.psi_period
    return out


def project_yaml(project: FeatureProject) -> str:
    """``project_to_dict`` as YAML text (Korean kept readable, keys in spec order), for download and preview."""
    return yaml.safe_dump(project_to_dict(project), allow_unicode=True, sort_keys=False)


def schema_rows(
    project: FeatureProject, lang: str | None = None, columns_of: Mapping[str, Sequence[str]] | None = None
) -> list[dict[str, str]]:
    """The tables a build will use, one row each, for the page: role (how the relationship graph reads it,
    given ``columns_of``), key, links to its parents, time, categories."""
    from workbench.features.graph import relationship_graph
    from workbench.i18n import t

    rel = project.relations
    rows = [
        {
            t("features.schema.table", lang): rel.label.table,
            t("features.schema.role", lang): t("features.schema.role_label", lang),
            t("features.schema.key", lang): rel.label.key,
            t("features.schema.link", lang): "",
            t("features.schema.time", lang): rel.label.cutoff,
            t("features.schema.by", lang): rel.label.target or "",
        }
    ]
    graph = relationship_graph(rel, columns_of) if columns_of is not None else None
    for r in rel.tables:
        role = t(f"features.graph.role.{graph.node(r.name).role}", lang) if graph else None
        rows.append(
            {
                t("features.schema.table", lang): r.name,
                t("features.schema.role", lang): role
                or t(f"features.schema.role_{'event' if r.time else 'entity'}", lang),
                t("features.schema.key", lang): r.key or "",
                t("features.schema.link", lang): ", ".join(f"{c} → {p}" for p, c in r.links),
                t("features.schema.time", lang): r.time or "",
                t("features.schema.by", lang): ", ".join(r.by),
            }
        )
    return rows
