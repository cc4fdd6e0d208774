"""Datasets the app writes, kept apart from the ones people load.

A modelling table ("save as dataset" on the Features page) holds the target and copies of features. Taken
as a label or source table by the next build, it would make the target a candidate and every feature a
duplicate. So it is saved with its lineage (role, label table, feature run) and left out of a build's
sources unless the analyst asks for derived tables.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from workbench import intake
from workbench.features.export import feature_table
from workbench.features.pipeline import FeatureRun
from workbench.io.table import SourceInfo, Table
from workbench.privacy.gate import MaskedTable


def modelling_table_name(label: str) -> str:
    return f"features_{label}"


def build_sources(
    tables: Mapping[str, MaskedTable], derived: Collection[str], *, include_derived: bool = False
) -> dict[str, MaskedTable]:
    """The tables a build may use: all loaded ones, and the app's own (``derived``) only when asked."""
    return {n: t for n, t in tables.items() if include_derived or n not in derived}


def save_modelling_table(
    store, run: FeatureRun, chosen: Sequence[str], label: str, *, source_run: str | None, actor: str | None = None
) -> intake.Intake:
    """The label rows with the ``chosen`` features, through the gate into the workspace, with its lineage."""
    name = modelling_table_name(label)
    table = Table(name, feature_table(run.features, chosen), SourceInfo("features", name))
    result = intake.take_in(table, store, actor=actor)
    if result.certified:
        store.lineage.record(name, role="modelling_table", source_dataset=label, source_run=source_run, actor=actor)
    return result
