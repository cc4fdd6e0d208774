"""Privacy gate: PII detection, masking policies, k-anonymity, ``certify()`` and the audit log."""

from workbench.privacy.gate import Finding, GateError, MaskedTable, certify

__all__ = ["Finding", "GateError", "MaskedTable", "certify"]
