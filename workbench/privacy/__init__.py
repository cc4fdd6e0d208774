"""Privacy gate: PII detection, masking policies, k-anonymity, ``certify()`` and the audit log.

The public API other areas call::

    find_identifiers(text) -> tuple[IdentifierSpan]  # identifiers inside any string, in any spelling
    redact_text(text) -> str                         # the same, replaced by bracketed tokens
    scan(table) -> ScanResult                        # .findings, .quasi_identifiers, .to_json()
    propose_policy(scan_result, keyed=False) -> Policy
    apply_policy(table, policy) -> Table              # the one function the UI and the CLI share
    mask_table(table, policy, actor=None) -> MaskOutcome(masked, report, scan)
    certify(table, findings, ...) -> MaskedTable      # the only maker of a MaskedTable
    auto_certify(table, *, actor=None) -> MaskedTable # no PII → certified + audited; PII → GateError
    save_certified(store, masked, ...) / load_certified(store, name) / certified_names(store)
"""

from workbench.privacy.certified import (
    MaskOutcome,
    MaskReport,
    auto_certify,
    certified_names,
    load_certified,
    load_policy,
    mask_table,
    raw_customer_keys,
    record_export,
    save_certified,
    save_policy,
)
from workbench.privacy.gate import Finding, GateError, MaskedTable, certify
from workbench.privacy.identifiers import IdentifierSpan, find_identifiers, redact_text
from workbench.privacy.kanon import KAnonymity, KAnonymityCost
from workbench.privacy.keys import KeyError_, load_key
from workbench.privacy.policy import ColumnRule, KAnonymitySpec, Policy, PolicyError, apply_policy, propose_policy
from workbench.privacy.scan import ColumnScan, QuasiIdentifier, ScanResult, scan

__all__ = [
    "ColumnRule",
    "ColumnScan",
    "Finding",
    "GateError",
    "IdentifierSpan",
    "KAnonymity",
    "KAnonymityCost",
    "KAnonymitySpec",
    "KeyError_",
    "MaskOutcome",
    "MaskReport",
    "MaskedTable",
    "Policy",
    "PolicyError",
    "QuasiIdentifier",
    "ScanResult",
    "apply_policy",
    "auto_certify",
    "certified_names",
    "certify",
    "find_identifiers",
    "load_certified",
    "load_key",
    "load_policy",
    "mask_table",
    "propose_policy",
    "raw_customer_keys",
    "record_export",
    "redact_text",
    "save_certified",
    "save_policy",
    "scan",
]
