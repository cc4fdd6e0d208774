"""Which candidate features to build: the cross of tables × windows × aggregations × categories, as specs.

Planning reads the data only to learn *which* columns are numeric and *which* category values exist (the
most frequent ``max_categories`` per column, so a free-text column cannot explode the feature count); it
never reads values relative to a cutoff. Event tables are read lazily, one category column at a time, so a
table left on disk is never loaded whole. The result is a plain tuple of specs the user can edit and store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product

import polars as pl

from workbench.features.relations import FeatureSpecError, Relations, RelPath, TableRole
from workbench.features.spec import LIMIT_USE_STATS, FeatureSpec
from workbench.features.table_stats import distinct_counts, top_values
from workbench.features.transforms import fit_transform_specs
from workbench.privacy.gate import MaskedTable
from workbench.signals.identifiers import frame_identifiers

DEFAULT_WINDOWS: tuple[int, ...] = (7, 30, 90, 180, 365)
DEFAULT_AGGREGATIONS: tuple[str, ...] = (
    "count",
    "sum",
    "mean",
    "std",
    "min",
    "max",
    "median",
    "n_unique",
    "last",
    "days_since_last",
    "days_since_first",
)
NUMERIC_AGGS = ("sum", "mean", "std", "min", "max", "median")


@dataclass(frozen=True)
class Ratio:
    """``sum(column | numerator) / sum(column | denominator)`` per window, e.g. withdrawals over deposits."""

    table: str
    column: str
    numerator: tuple[tuple[str, str], ...]
    denominator: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class BalanceUse:
    """Use of the credit limit (한도 소진율) after each event of ``table``: the overdrawn part of ``balance`` over
    ``limit``, averaged and at its highest per window. ``limit`` may live on a table up the key path (the
    account's overdraft limit for its transactions); the first table on the path that has it is used."""

    table: str
    balance: str
    limit: str


@dataclass(frozen=True)
class PlanOptions:
    """What to cross. ``trend=(30, 90)`` compares the last 30 days' daily rate with the 90 days before."""

    windows: tuple[int, ...] = DEFAULT_WINDOWS
    aggregations: tuple[str, ...] = DEFAULT_AGGREGATIONS
    trend: tuple[int, int] | None = (30, 90)
    ratios: tuple[Ratio, ...] = ()
    balance_use: tuple[BalanceUse, ...] = ()
    max_categories: int = 12
    max_attribute_levels: int = 50
    cross_by: bool = True  # counts for pairs of the first two category columns (mobile × withdrawal)
    label_transforms: Mapping[str, Sequence] = field(default_factory=dict)
    max_depth: int = 4  # links walked from the label entity (featuretools' max_depth)


def _numeric_columns(role: TableRole, schema: pl.Schema, keys: set[str]) -> list[str]:
    if role.columns:
        return list(role.columns)
    return [c for c, d in schema.items() if d.is_numeric() and c not in keys]


def _is_date(dtype: pl.DataType) -> bool:
    return dtype == pl.Date or isinstance(dtype, pl.Datetime)


def _category_columns(events: pl.LazyFrame, schema: pl.Schema, keys: set[str], limit: int) -> tuple[str, ...]:
    """Text columns of a snapshot table with 2..``limit`` values, for counts and shares when the spec names
    no ``by`` (a bridge's far table: clients by gender)."""
    text = [c for c, d in schema.items() if c not in keys and (d == pl.String or d == pl.Categorical)]
    if not text:
        return ()
    counts = distinct_counts(events, text, nulls=False)
    return tuple(c for c, n in zip(text, counts, strict=True) if 2 <= n <= limit)


def _event_specs(
    role: TableRole, events: pl.LazyFrame, path: RelPath, opt: PlanOptions, keys: set[str]
) -> list[FeatureSpec]:
    """Aggregations over a to-many path: windows before the cutoff when its row table is dated; over all
    rows (``window`` None) for a snapshot, with day counts from its date columns instead of recency."""
    src = {"source": role.name, "key_path": path.tables, "alias": path.prefix, "timing": path.timing}
    aggs = set(opt.aggregations)
    schema = events.collect_schema()
    numeric = _numeric_columns(role, schema, keys)
    main = numeric[0] if numeric else None
    dated = path.dated
    windows: tuple[int | None, ...] = opt.windows if dated else (None,)
    by = role.by or (() if dated else _category_columns(events, schema, keys, opt.max_categories))
    widest = max(opt.windows) if dated else None
    out: list[FeatureSpec] = []
    for w in windows:
        if "count" in aggs:
            out.append(FeatureSpec(aggregation="count", window=w, **src))
        for col, agg in product(numeric, NUMERIC_AGGS):
            if agg in aggs:
                out.append(FeatureSpec(aggregation=agg, column=col, window=w, **src))
        if "n_unique" in aggs:
            out.extend(FeatureSpec(aggregation="n_unique", column=c, window=w, **src) for c in by)
    if dated:
        for col in numeric:
            if "last" in aggs:
                out.append(FeatureSpec(aggregation="last", column=col, window=widest, **src))
        for agg in ("days_since_last", "days_since_first"):
            if agg in aggs:
                out.append(FeatureSpec(aggregation=agg, window=widest, **src))
    else:
        dates = [c for c, d in schema.items() if _is_date(d) and c not in keys]
        out.extend(FeatureSpec(aggregation=a, column=c, **src) for c in dates for a in ("tenure_min", "tenure_max"))
    values = {c: top_values(events, c, opt.max_categories) for c in by}
    for c, w in product(by, windows):
        for v in values[c]:
            out.append(FeatureSpec(aggregation="count", window=w, filter=((c, v),), **src))
            out.append(FeatureSpec(aggregation="share", column=main, window=w, filter=((c, v),), **src))
    if opt.cross_by and len(by) >= 2:
        a, b = by[:2]
        for w, va, vb in product(windows, values[a], values[b]):
            out.append(FeatureSpec(aggregation="count", window=w, filter=((a, va), (b, vb)), **src))
    if opt.trend and dated:
        recent, base = opt.trend
        out.append(FeatureSpec(aggregation="trend", window=recent, base_window=base, **src))
        if main:
            out.append(FeatureSpec(aggregation="trend", column=main, window=recent, base_window=base, **src))
    for r in opt.ratios:
        if r.table == role.name and dated:
            out.extend(
                FeatureSpec(
                    aggregation="ratio",
                    column=r.column,
                    window=w,
                    filter=r.numerator,
                    denominator_filter=r.denominator,
                    **src,
                )
                for w in opt.windows
            )
    return out


def _limit_use_specs(role: TableRole, rel_path: RelPath, columns_of, opt: PlanOptions) -> list[FeatureSpec]:
    out: list[FeatureSpec] = []
    path = rel_path.tables
    for b in opt.balance_use:
        if b.table != role.name or not rel_path.dated:
            continue
        holder = next((t for t in path if b.limit in columns_of[t]), None)
        if holder is None or b.balance not in columns_of[role.name]:
            missing = b.balance if b.balance not in columns_of[role.name] else b.limit
            raise FeatureSpecError("features.error.missing_columns", table=role.name, columns=missing)
        for w, stat in product(opt.windows, LIMIT_USE_STATS):
            params = (("limit", b.limit), ("limit_table", holder), ("stat", stat))
            out.append(
                FeatureSpec(
                    source=role.name,
                    aggregation="limit_use",
                    column=b.balance,
                    window=w,
                    key_path=path,
                    alias=rel_path.prefix,
                    params=params,
                )
            )
    return out


def _entity_specs(role: TableRole, frame: pl.LazyFrame, path: RelPath, label_key: str, opt: PlanOptions, keys):
    """One value per label row: the label entity's columns, or a lookup's (the account's district)."""
    src = {"source": role.name, "key_path": path.tables, "alias": path.prefix, "timing": "snapshot"}
    schema = frame.collect_schema()
    text = [c for c, d in schema.items() if c not in keys and c != label_key and not d.is_numeric() and not _is_date(d)]
    counts = distinct_counts(frame, text, nulls=True)
    levels = dict(zip(text, counts, strict=True))
    out: list[FeatureSpec] = []
    for col, dtype in schema.items():
        if col in keys or col == label_key:
            continue
        if _is_date(dtype):
            out.append(FeatureSpec(aggregation="tenure_days", column=col, **src))
        elif dtype.is_numeric() or levels[col] <= opt.max_attribute_levels:
            out.append(FeatureSpec(aggregation="attribute", column=col, **src))
    return out


def plan_features(
    relations: Relations, tables: Mapping[str, MaskedTable], options: PlanOptions | None = None
) -> tuple[FeatureSpec, ...]:
    """All candidate specs for the label table: events in windows, entity attributes, cutoff date parts."""
    opt = options or PlanOptions()
    columns_of = {n: t.columns for n, t in tables.items()}
    keys = {r.key for r in relations.tables if r.key} | {c for r in relations.tables for _, c in r.links}
    keys |= {r.time for r in relations.tables if r.time}
    label = relations.label
    if label.target:  # the target is never a candidate, whichever table holds a column of that name
        keys |= {label.target}
    out: list[FeatureSpec] = []
    unkeyed: dict[str, set[str]] = {}  # per table, identifiers nobody declared (workbench.signals.identifiers)
    for path in relations.paths(columns_of, opt.max_depth):
        role = relations.table(path.source)
        if role.name not in unkeyed:
            unkeyed[role.name] = frame_identifiers(
                tables[role.name].lazy(), [c for c in columns_of[role.name] if c not in keys]
            )
        table_keys = keys | unkeyed[role.name]
        if path.to_many:
            out.extend(_event_specs(role, tables[role.name].lazy(), path, opt, table_keys))
            out.extend(_limit_use_specs(role, path, columns_of, opt))
        else:
            out.extend(_entity_specs(role, tables[role.name].lazy(), path, label.key, opt, table_keys))
    out.append(FeatureSpec(source=label.table, aggregation="cutoff_month", alias="label"))
    out.append(FeatureSpec(source=label.table, aggregation="cutoff_weekday", alias="label"))
    lt = opt.label_transforms
    if lt:
        out.extend(
            fit_transform_specs(
                tables[label.table].frame,
                label.table,
                numeric=lt.get("numeric", ()),
                categorical=lt.get("categorical", ()),
                dates=lt.get("dates", ()),
                ratios=[tuple(p) for p in lt.get("ratios", ())],
                target=label.target,
                alias=lt.get("alias"),
            )
        )
    return tuple(dict.fromkeys(out))
