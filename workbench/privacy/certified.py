"""The gate's workflows: mask a table by a policy, certify a table that has no PII, keep certified tables in
the workspace store, and write every step to the audit log.

Audit payloads carry column names, types, counts, policy versions and fingerprints: never a value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from workbench.io.table import Table
from workbench.privacy import patterns as p
from workbench.privacy.gate import GateError, MaskedTable, certify, restore
from workbench.privacy.kanon import KAnonymityCost
from workbench.privacy.policy import Policy, apply
from workbench.privacy.scan import ScanResult, scan
from workbench.privacy.transforms import TOKEN_HEX


@dataclass(frozen=True)
class ColumnChange:
    """Before/after of one column, shown as value *formats* (``######-#######``), never values."""

    column: str
    pii_type: str | None
    action: str
    format_before: str | None
    format_after: str | None


@dataclass(frozen=True)
class MaskReport:
    table: str
    rows_in: int
    rows_out: int
    policy_name: str
    policy_version: int | None
    findings: tuple[dict[str, Any], ...]
    changes: tuple[ColumnChange, ...]
    k_anonymity: KAnonymityCost | None
    overrides: tuple[tuple[str, str], ...]

    def to_json(self) -> dict[str, Any]:
        ka = self.k_anonymity
        return {
            "table": self.table,
            "rows_in": self.rows_in,
            "rows_out": self.rows_out,
            "policy": {"name": self.policy_name, "version": self.policy_version},
            "findings": list(self.findings),
            "columns": [
                {
                    "name": c.column,
                    "pii_type": c.pii_type,
                    "action": c.action,
                    "format_before": c.format_before,
                    "format_after": c.format_after,
                }
                for c in self.changes
            ],
            "overrides": [{"column": c, "reason": r} for c, r in self.overrides],
            "k_anonymity": None
            if ka is None
            else {
                "quasi_identifiers": list(ka.after.quasi_identifiers),
                "target": ka.after.target,
                "k_before": ka.before.k,
                "k_generalised": ka.generalised.k if ka.generalised else ka.before.k,
                "k_after": ka.after.k,
                "rows_suppressed": ka.rows_suppressed,
                "categories_merged": ka.categories_merged,
                "steps": [{"column": s.column, "step": s.step} for s in ka.steps],
            },
        }


@dataclass(frozen=True)
class MaskOutcome:
    masked: MaskedTable
    report: MaskReport
    scan: ScanResult


def _formats(frame: pl.DataFrame) -> dict[str, str | None]:
    if frame.height == 0 or frame.width == 0:
        return dict.fromkeys(frame.columns)
    head = frame.head(2_000)
    row = head.select([p.value_format(pl.col(c)).drop_nulls().mode().first().alias(c) for c in head.columns])
    return row.row(0, named=True)


def findings_payload(result: ScanResult) -> list[dict[str, Any]]:
    return [
        {
            "column": f.column,
            "pii_type": f.pii_type,
            "confidence": round(f.confidence, 3),
            "match_rate": round(f.match_rate, 4),
        }
        for f in result.findings
    ]


def mask_table(
    table: Table,
    policy: Policy,
    *,
    actor: str | None = None,
    key: bytes | None = None,
    scan_result: ScanResult | None = None,
) -> MaskOutcome:
    """Scan, apply the policy, certify. Raises ``GateError`` when a flagged column is left unmasked without
    a reasoned override, or when the output still looks like PII."""
    result = scan_result or scan(table)
    applied = apply(table, policy, key=key)
    masked = certify(
        applied.table,
        result.findings,
        masked_columns=policy.masked_columns,
        overrides=policy.overrides,
        policy_version=policy.version,
        actor=actor,
    )
    before, after = _formats(table.frame), _formats(applied.table.frame)
    flagged = {f.column: f.pii_type for f in result.findings}
    changes = tuple(
        ColumnChange(c, flagged.get(c), policy.rule(c).action, before.get(c), after.get(c)) for c in table.frame.columns
    )
    report = MaskReport(
        table=table.name,
        rows_in=table.frame.height,
        rows_out=masked.height,
        policy_name=policy.name,
        policy_version=policy.version,
        findings=tuple(findings_payload(result)),
        changes=changes,
        k_anonymity=applied.k_anonymity,
        overrides=masked.overrides,
    )
    return MaskOutcome(masked, report, result)


# --- the store -------------------------------------------------------------------------------------------


def _open_store(store=None):
    if store is not None:
        return store
    from workbench.store import Store

    return Store.open()


def audit(store, action: str, payload: dict[str, Any], *, actor: str | None = None) -> None:
    """Append to the hash-chained log. Payloads hold names, counts and fingerprints only."""
    store.audit.append(action, payload, actor=actor)


def certification_payload(masked: MaskedTable, **extra: Any) -> dict[str, Any]:
    return {
        "table": masked.name,
        "fingerprint": masked.fingerprint,
        "rows": masked.height,
        "columns": masked.columns,
        "policy_version": masked.policy_version,
        "overrides": [{"column": c, "reason": r} for c, r in masked.overrides],
        **extra,
    }


def raw_customer_keys(table, result: ScanResult) -> tuple[str, ...]:
    """Customer-number columns (고객번호, CIF …) whose values are not all keyed pseudonyms.

    The scan does not count a customer number as PII (it has no pattern of its own), yet inside a bank it names
    a person: a file that still holds it as issued must pass ``workbench mask --auto`` (a keyed pseudonym,
    joins kept) before analysis. A column already holding this workbench's tokens (``TOKEN_HEX`` hex digits)
    passes; a bank's own pseudonyms are kept on purpose in ``workbench mask`` with a reason, which certifies.
    """
    keys = result.customer_keys
    if not keys:
        return ()
    token = rf"^[0-9a-f]{{{TOKEN_HEX}}}$"
    checks = [(~pl.col(c).cast(pl.String).str.contains(token) & pl.col(c).is_not_null()).any().alias(c) for c in keys]
    row = table.lazy().select(checks).collect().row(0, named=True)
    return tuple(c for c in keys if row[c])


def auto_certify(
    table: Table, *, actor: str | None = None, store=None, scan_result: ScanResult | None = None
) -> MaskedTable:
    """Certify a table with no PII column and no customer number as issued (quasi-identifiers alone do not
    block) and audit it as "auto-certified"; otherwise refuse in one line naming the columns and pointing to
    ``workbench mask``.

    ``scan_result``: the caller's scan of this very table, so it is not scanned twice (the gate still
    re-scans what it seals)."""
    result = scan_result or scan(table)
    if result.findings:
        raise GateError(
            "privacy.gate.refused",
            table=table.name,
            columns=", ".join(f"{f.column} ({f.pii_type})" for f in result.findings),
            table_path=table.source.location or table.name,
        )
    raw_keys = raw_customer_keys(table, result)
    if raw_keys:
        raise GateError(
            "privacy.gate.raw_customer_key",
            table=table.name,
            columns=", ".join(raw_keys),
            table_path=table.source.location or table.name,
        )
    masked = certify(table, (), actor=actor, _scanned=None if scan_result else result)
    st = _open_store(store)
    audit(
        st,
        "privacy.auto_certified",
        certification_payload(
            masked, note="auto-certified", quasi_identifiers=[q.column for q in result.quasi_identifiers]
        ),
        actor=masked.certified_by,
    )
    return masked


def save_policy(store, policy: Policy, *, actor: str | None = None, comment: str = "") -> Policy:
    """Store a new version of ``policy`` (YAML) and return it with its version number."""
    from dataclasses import replace

    version = store.policies.save(policy.name, policy.to_yaml(), actor=actor, comment=comment)
    return replace(policy, version=version)


def load_policy(store, name: str, version: int | None = None) -> Policy:
    rec = store.policies.get(name, version)
    return Policy.from_yaml(rec.yaml, version=rec.version)


def save_certified(
    store,
    masked: MaskedTable,
    *,
    name: str | None = None,
    source=None,
    policy_name: str | None = None,
    actor: str | None = None,
    report: MaskReport | None = None,
):
    """Keep a certified table in the workspace (a new dataset version) and audit the certification.

    The audit entry commits in the same transaction as the dataset row (the store adds ``dataset`` and
    ``dataset_version``), so a crash can never leave a certified dataset without its certification on record.
    """
    extra: dict[str, Any] = {"policy": policy_name}
    if report is not None:
        extra["findings"] = list(report.findings)
        extra["masked_columns"] = [c.column for c in report.changes if c.action not in ("keep",)]
        if report.k_anonymity:
            extra["k_anonymity"] = report.to_json()["k_anonymity"]
    note = ("privacy.certified", certification_payload(masked, **extra))
    return store.datasets.save_masked(
        masked, name=name, source=source, policy_name=policy_name, actor=actor or masked.certified_by, audit=note
    )


def load_certified(store, name: str, version: int | None = None) -> MaskedTable:
    """A certified dataset from the workspace as a ``MaskedTable``; an uncertified one is refused."""
    ds = store.datasets.get(name, version)
    if not ds.certified:
        raise GateError("privacy.gate.not_certified", name=name)
    frame = store.datasets.read(name, ds.version)
    return restore(
        ds.name,
        frame,
        policy_version=ds.policy_version,
        certified_at=ds.certified_at,
        certified_by=ds.certified_by or "",
    )


def certified_names(store) -> tuple[str, ...]:
    """Names of certified datasets in the workspace (newest version of each is certified): the other pages'
    guard lists only these."""
    return tuple(sorted(d.name for d in store.datasets.list() if d.certified))


def record_export(store, masked: MaskedTable, target: str, *, actor: str | None = None) -> None:
    """Audit that a certified table left the workbench (file written, report exported)."""
    audit(
        store,
        "privacy.exported",
        {"table": masked.name, "fingerprint": masked.fingerprint, "target": target},
        actor=actor,
    )
