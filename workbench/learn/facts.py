"""What the tour's answers must be, computed from the data the trainee sees (never typed in by hand).

Every function reads certified tables, a raw export's scan or the workspace store, so the tour stays true
when the sample bank changes: a new leak, another drifting column or a different special code moves the
expected answer with it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from workbench.io.table import Table
from workbench.privacy import MaskedTable, scan
from workbench.profile import analyse_target, build_alerts, correlations, profile_columns, stability_by_period
from workbench.relations import suggest_roles

LEAKAGE_ALERT = "leakage_suspect"


@dataclass(frozen=True)
class Label:
    """The label table of the workspace: its name, binary target and application date (the cutoff)."""

    table: str
    target: str
    time: str | None


@dataclass(frozen=True)
class SpecialCode:
    """A value that stands for "unknown" in a numeric column (e.g. 9999 in annual income), and its share."""

    table: str
    column: str
    value: float
    share: float


@dataclass(frozen=True)
class Drift:
    """A feature's largest monthly PSI against the first month."""

    feature: str
    psi: float
    major: bool = False  # in the "major" band beyond chance (``FeatureStability.band``)


def label_of(tables: Mapping[str, MaskedTable], metas: Sequence = ()) -> Label | None:
    """The table stored (or suggested) in the role ``label`` with its target; ``None`` when there is none."""
    stored = {m.dataset: m for m in metas if m.dataset in tables}
    for name, meta in stored.items():
        if meta.role == "label" and meta.target_column:
            return Label(name, meta.target_column, meta.time_column)
    for name, role in suggest_roles(tables).items():
        if role.role == "label" and role.target:
            return Label(name, role.target, role.time_column)
    return None


def table_of_role(tables: Mapping[str, MaskedTable], role: str, metas: Sequence = ()) -> str | None:
    stored = {m.dataset: m.role for m in metas if m.dataset in tables}
    suggested = suggest_roles(tables)
    return next((n for n in tables if stored.get(n, suggested[n].role) == role), None)


def pii_columns(raw: Table) -> frozenset[str]:
    """Columns of a raw export the privacy scan flags as personal identifiers (names only, never values)."""
    return frozenset(f.column for f in scan(raw).findings)


def leaking_columns(table: MaskedTable, target: str) -> dict[str, float]:
    """Columns the profile flags ``leakage_suspect`` against ``target``, with their IV (too good to be true)."""
    cols = profile_columns(table)
    analysis = analyse_target(table, target, cols)
    alerts = build_alerts(cols, correlations(table, cols), analysis)
    out = {}
    for a in alerts:
        if a.code == LEAKAGE_ALERT and a.column is not None:
            params = dict(a.params)
            out[a.column] = float(params.get("iv", "nan"))
    return out


def special_codes(tables: Mapping[str, MaskedTable]) -> tuple[SpecialCode, ...]:
    """Every special code the column profile sets apart, over all tables (largest share first)."""
    found = []
    for name, table in tables.items():
        for c in profile_columns(table).columns:
            found += [SpecialCode(name, c.name, float(s.value), float(s.share)) for s in c.special_codes]
    return tuple(sorted(found, key=lambda s: -s.share))


def drifting_features(table: MaskedTable, time_column: str, *, exclude: Sequence[str] = ()) -> tuple[Drift, ...]:
    """Features by their largest monthly PSI along ``time_column``, strongest drift first."""
    features = [c for c in table.columns if c not in exclude and c != time_column]
    stability = stability_by_period(table, time_column, features=features)
    drifts = [Drift(f.feature, f.max_psi, f.band == "major") for f in stability.features if f.max_psi == f.max_psi]
    return tuple(sorted(drifts, key=lambda d: -d.psi))


def drift_answers(drifts: Sequence[Drift]) -> frozenset[str]:
    """Features in the "major" PSI band (> 0.25); the single strongest when none is that far."""
    major = frozenset(d.feature for d in drifts if d.major)
    return major or frozenset(d.feature for d in drifts[:1])


def strongest_features(catalog: Sequence, *, n: int = 5) -> tuple[tuple[str, float], ...]:
    """The catalog's features by IV, strongest first, leaving out those flagged as leakage suspects."""
    scored = [
        (f.name, float(f.scores["iv"]))
        for f in catalog
        if f.scores and f.scores.get("iv") is not None and not f.scores.get("leakage_suspect")
    ]
    return tuple(sorted(scored, key=lambda x: -x[1])[:n])


def leak_free_run(runs: Sequence, target: str, leaks: Sequence[str]):
    """The newest stored run on ``target`` whose features include none of ``leaks`` (runs: newest first)."""
    return next((r for r in runs if r.target == target and not set(r.features) & set(leaks)), None)


def run_auc(run, split: str = "test") -> float | None:
    value = (run.metrics or {}).get(split, {}).get("auc")
    return float(value) if value is not None else None
