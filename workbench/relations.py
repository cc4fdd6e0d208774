"""Suggestions for table roles, primary keys and foreign keys, so the analyst confirms instead of typing.

Everything here reads certified tables only and returns frozen suggestions; the analyst's decision is what
gets stored (``store.tables``). Checks are exact (set inclusion over all rows), not sampled: a key that is
unique in a sample but not in the table is the classic silent join blow-up.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from workbench.cache import shared
from workbench.privacy.gate import MaskedTable

ROLES = ("customer", "account", "event", "label", "other")
_ID_NAME = re.compile(r"(^id$|_id$|^id_|key$|token|번호$|코드$|_no$|_cd$)", re.IGNORECASE)
_TARGET_NAME = re.compile(r"(default|target|bad|label|churn|fraud|연체|부도|불량|target)", re.IGNORECASE)
_KEY_DTYPES = (
    pl.String,
    pl.Categorical,
    pl.Int8,
    pl.Int16,
    pl.Int32,
    pl.Int64,
    pl.UInt8,
    pl.UInt16,
    pl.UInt32,
    pl.UInt64,
)


@dataclass(frozen=True)
class KeyCandidate:
    """A column whose values are unique and never null: it can identify a row."""

    table: str
    column: str
    named_like_id: bool


@dataclass(frozen=True)
class ForeignKeyCandidate:
    """``child.column`` values found among ``parent.parent_column`` (the parent's key).

    ``inclusion`` is the share of the child's distinct non-null values present in the parent key; 1.0 means
    every row joins. ``rows_per_key`` > 1 says the child is the "many" side (e.g. transactions per account).
    """

    child: str
    column: str
    parent: str
    parent_column: str
    inclusion: float
    rows_per_key: float


@dataclass(frozen=True)
class RoleSuggestion:
    table: str
    role: str
    primary_key: str | None
    time_column: str | None
    target: str | None
    reason_key: str  # i18n key explaining the suggestion


def named_like_id(column: str) -> bool:
    """A column named like an identifier (``*_id``, ``…번호``, ``…_no``): a key, not a measurement."""
    return bool(_ID_NAME.search(column))


def _is_key_dtype(dtype: pl.DataType) -> bool:
    return any(dtype == d for d in _KEY_DTYPES)


@shared(max_entries=128)
def primary_key_candidates(name: str, table: MaskedTable) -> tuple[KeyCandidate, ...]:
    """Single columns that are unique and complete, id-like names first."""
    frame = table.frame
    cols = [c for c, d in frame.schema.items() if _is_key_dtype(d)]
    if not cols or frame.height == 0:
        return ()
    stats = frame.select(
        *[pl.col(c).n_unique().alias(f"u{i}") for i, c in enumerate(cols)],
        *[pl.col(c).null_count().alias(f"n{i}") for i, c in enumerate(cols)],
    ).row(0)
    k = len(cols)
    found = [
        KeyCandidate(name, c, bool(_ID_NAME.search(c)))
        for i, c in enumerate(cols)
        if stats[i] == frame.height and stats[k + i] == 0
    ]
    return tuple(sorted(found, key=lambda c: (not c.named_like_id, cols.index(c.column))))


@shared(max_entries=32)
def foreign_key_candidates(
    tables: Mapping[str, MaskedTable], *, min_inclusion: float = 0.95
) -> tuple[ForeignKeyCandidate, ...]:
    """Columns of one table whose values lie (almost) all within another table's primary key."""
    keys = {name: primary_key_candidates(name, t) for name, t in tables.items() if not _is_label(t)}
    out: list[ForeignKeyCandidate] = []
    for parent, candidates in keys.items():
        for key in candidates[:1] if candidates else ():
            parent_values = tables[parent].frame.get_column(key.column).unique()
            for child, table in tables.items():
                if child == parent or key.column not in _same_dtype_columns(table, parent_values.dtype):
                    continue
                col = table.frame.get_column(key.column).drop_nulls()
                if col.len() == 0:
                    continue
                distinct = col.unique()
                inclusion = float(distinct.is_in(parent_values.implode()).mean())
                if inclusion >= min_inclusion:
                    out.append(
                        ForeignKeyCandidate(
                            child,
                            key.column,
                            parent,
                            key.column,
                            round(inclusion, 4),
                            round(col.len() / distinct.len(), 2),
                        )
                    )
    return tuple(out)


def _same_dtype_columns(table: MaskedTable, dtype: pl.DataType) -> set[str]:
    return {c for c, d in table.frame.schema.items() if d == dtype}


def _is_label(table: MaskedTable) -> bool:
    """A label table (target + cutoff date) is the root of a feature build, never a parent of others."""
    return bool(time_columns(table)) and any(target_like(table, c) for c in target_candidates(table))


# two values that can only be an outcome (the profile's event words, without flags like Y/N or 0/1)
_OUTCOME_WORDS = frozenset({"good", "bad", "default", "non-default", "불량", "정상", "부도", "우량"})


def target_like(table: MaskedTable, column: str) -> bool:
    """A binary column named like a target, or holding outcome words (good/bad, 정상/불량)."""
    if _TARGET_NAME.search(column):
        return True
    values = table.frame.get_column(column).drop_nulls().unique()
    return values.dtype == pl.String and {str(v).strip().lower() for v in values} <= _OUTCOME_WORDS


def time_columns(table: MaskedTable) -> tuple[str, ...]:
    return tuple(c for c, d in table.frame.schema.items() if d in (pl.Date,) or isinstance(d, pl.Datetime))


@shared(max_entries=128)
def target_candidates(table: MaskedTable) -> tuple[str, ...]:
    """Columns with exactly two values (ignoring nulls), target-like names first."""
    frame = table.frame
    if frame.height == 0:
        return ()
    counts = frame.select(pl.all().drop_nulls().n_unique()).row(0, named=True)
    binary = [c for c, n in counts.items() if n == 2]
    return tuple(sorted(binary, key=lambda c: not _TARGET_NAME.search(c)))


def suggest_roles(tables: Mapping[str, MaskedTable]) -> dict[str, RoleSuggestion]:
    """One role per table from its keys, foreign keys, time columns and targets.

    label: has a binary target and a date (the cutoff); event: a time column and many rows per foreign key;
    customer: its key is referenced and it references nobody; account: referenced and references a parent.
    """
    fks = foreign_key_candidates(tables)
    out: dict[str, RoleSuggestion] = {}
    for name, table in tables.items():
        pk = next(iter(primary_key_candidates(name, table)), None)
        times = time_columns(table)
        targets = [c for c in target_candidates(table) if target_like(table, c)]  # same test as _is_label
        as_child = [f for f in fks if f.child == name]
        as_parent = [f for f in fks if f.parent == name]
        time_col = times[0] if times else None
        if targets and times:
            role, reason = "label", "relations.reason.label"
        elif times and as_child and any(f.rows_per_key > 1.5 for f in as_child) and not as_parent:
            role, reason = "event", "relations.reason.event"
            time_col = _pick_event_time(table, times)
        elif as_parent and not as_child:
            role, reason = "customer", "relations.reason.customer"
        elif as_parent and as_child:
            role, reason = "account", "relations.reason.account"
        else:
            role, reason = "other", "relations.reason.other"
        out[name] = RoleSuggestion(
            name, role, pk.column if pk else None, time_col, targets[0] if role == "label" and targets else None, reason
        )
    return out


def _pick_event_time(table: MaskedTable, times: tuple[str, ...]) -> str:
    """Prefer a datetime (an event's instant) over a date."""
    for c in times:
        if isinstance(table.frame.schema[c], pl.Datetime):
            return c
    return times[0]
