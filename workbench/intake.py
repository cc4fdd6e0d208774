"""Taking a table in: read → scan → certified (no PII) or held for masking (PII found).

The Data page and the CLI share this path, so the safe path is the only one: a table with a raw identifier
never becomes visible downstream, and a clean table is certified, audited and saved in one step.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.io.table import Table
from workbench.privacy import Finding, MaskedTable, auto_certify, scan
from workbench.store import Dataset, Store


@dataclass(frozen=True)
class Intake:
    """What happened to one table. ``masked`` is set when it passed; ``findings`` name PII columns (no values)."""

    name: str
    rows: int
    columns: int
    masked: MaskedTable | None
    findings: tuple[Finding, ...]
    dataset: Dataset | None = None

    @property
    def certified(self) -> bool:
        return self.masked is not None


def take_in(table: Table, store: Store | None = None, *, actor: str | None = None) -> Intake:
    """Scan ``table``; certify and save it when it holds no PII, otherwise report the PII columns."""
    findings = tuple(scan(table).findings)
    if findings:
        return Intake(table.name, table.frame.height, table.frame.width, None, findings)
    masked = auto_certify(table, actor=actor)
    dataset = store.datasets.save_masked(masked, source=table.source, actor=actor) if store is not None else None
    return Intake(table.name, masked.height, len(masked.columns), masked, (), dataset)
