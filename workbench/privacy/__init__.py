"""Privacy gate: PII detection, masking policies, k-anonymity, ``certify()`` and the audit log."""

from workbench.privacy.gate import Finding, GateError, MaskedTable, certify
from workbench.privacy.scan import ColumnScan, QuasiIdentifier, ScanResult, scan

__all__ = [
    "ColumnScan",
    "Finding",
    "GateError",
    "MaskedTable",
    "QuasiIdentifier",
    "ScanResult",
    "certify",
    "scan",
]
