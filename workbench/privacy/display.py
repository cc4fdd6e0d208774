"""What the Privacy page shows, computed here so the page only draws: scan rows, the policy editor's rows
and back, the before/after preview (formats on the raw side, never values) and the k-anonymity summary.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import polars as pl

from workbench.i18n import t
from workbench.io.table import Table
from workbench.privacy import patterns as p
from workbench.privacy.kanon import KAnonymityCost
from workbench.privacy.keys import KeyError_
from workbench.privacy.policy import ACTIONS, ColumnRule, Policy, apply
from workbench.privacy.scan import ScanResult, scan

NO_PARAM = "-"
# the generalisation (or mask type) offered per detected kind in the editor
_TO_CHOICES = ("age_band", "age_band_5", "sido", "sigungu", "month", "year")


def type_label(pii_type: str | None, quasi: str | None = None) -> str:
    """The reader's name for a detected kind: 주민등록번호 / Resident registration no., 준식별자: 성별 …"""
    if pii_type:
        return t(f"privacy.type.{pii_type}")
    return t(f"privacy.quasi.{quasi}") if quasi else ""


def _label(c) -> str:
    return t("privacy.type.customer_key") if c.customer_key and not c.pii_type else type_label(c.pii_type, c.quasi)


def reasons_text(c) -> str:
    """Why a free-text column was flagged, in words: each kind found inside the text (names by the context
    that made them names) with its row count, most rows first. Empty for other columns."""
    parts = []
    for code, rows in c.reasons:
        if code.startswith("person_name."):
            parts.append(t(f"privacy.why.{code}", rows=f"{rows:,}"))
        else:
            parts.append(t("privacy.why.inside", kind=type_label(code), rows=f"{rows:,}"))
    return "; ".join(parts)


def scan_rows(result: ScanResult) -> pl.DataFrame:
    """One row per column: verdict, confidence, match rate, masked examples, why, value format."""
    return pl.DataFrame(
        {
            t("privacy.col.column"): [c.column for c in result.columns],
            t("privacy.col.type"): [_label(c) for c in result.columns],
            t("privacy.col.confidence"): [c.confidence for c in result.columns],
            t("privacy.col.match_rate"): [c.match_rate for c in result.columns],
            t("privacy.col.examples"): [", ".join(c.evidence) for c in result.columns],
            t("privacy.col.why"): [reasons_text(c) for c in result.columns],
            t("privacy.col.format"): [c.value_format or "" for c in result.columns],
        }
    )


def editor_rows(result: ScanResult, policy: Policy) -> list[dict[str, Any]]:
    """The policy as editable rows: column, detected type, action, parameter, reason."""
    rows = []
    for c in result.columns:
        rule = policy.rule(c.column)
        param = rule.to or (str(rule.base) if rule.base else None) or (str(rule.upper) if rule.upper else None)
        rows.append(
            {
                "column": c.column,
                "detected": _label(c),
                "action": rule.action,
                "param": param or NO_PARAM,
                "reason": rule.reason or "",
            }
        )
    return rows


def policy_from_rows(base: Policy, result: ScanResult, rows: Sequence[Mapping[str, Any]]) -> Policy:
    """Rebuild the policy from edited rows; the detected type drives the mask, the parameter the level."""
    types = {c.column: c.pii_type for c in result.columns}
    rules = []
    for r in rows:
        col, action = str(r["column"]), str(r.get("action") or "keep")
        param = str(r.get("param") or NO_PARAM).strip()
        reason = str(r.get("reason") or "").strip() or None
        pii_type = types.get(col)
        if action == "keep" and not reason and not pii_type and base.rule(col).action == "keep":
            continue  # unflagged and untouched: no rule needed
        rule = ColumnRule(action=action, pii_type=pii_type, reason=reason)  # type: ignore[arg-type]
        if action == "generalize":
            rule = replace(rule, to=param if param in _TO_CHOICES else _default_to(pii_type))
        elif action == "round":
            rule = replace(rule, base=_number(param) or 1000.0)
        elif action == "topcode":
            rule = replace(rule, upper=_number(param))
        elif action == "bucket":
            rule = replace(rule, edges=tuple(x for x in (_number(v) for v in param.split(",")) if x is not None))
        rules.append((col, rule))
    return replace(base, rules=tuple(rules))


def _default_to(pii_type: str | None) -> str:
    return {"address": "sigungu"}.get(pii_type or "", "age_band")


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def preview(
    table: Table, result: ScanResult, policy: Policy, *, n: int = 12, key: bytes | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Before/after of the first ``n`` rows. Before: value formats only. After: the policy's output, with
    any column that still looks like PII (or is flagged and kept) also shown as formats.

    A pseudonym without a key is refused here with apply's own message (``KeyError_``), never previewed as
    something else; a rule still being edited leaves the preview format-only."""
    head = Table(table.name, table.frame.head(n), table.source)
    before = head.frame.select([p.value_format(pl.col(c)).alias(c) for c in head.frame.columns])
    try:
        out = apply(head, replace(policy, k_anonymity=None), key=key).table.frame
    except KeyError_:
        raise
    except Exception:  # a rule half-edited: the preview stays format-only
        return before, before
    flagged = set(result.pii_columns)
    still = set(scan(Table("preview", out)).pii_columns)
    unsafe = [c for c in out.columns if c in still or (c in flagged and policy.rule(c).action == "keep")]
    if unsafe:
        out = out.with_columns([p.value_format(pl.col(c)).alias(c) for c in unsafe])
    return before, out


def kanon_summary(cost: KAnonymityCost) -> dict[str, Any]:
    return {
        "k_before": cost.before.k,
        "k_after": cost.after.k,
        "target": cost.after.target,
        "rows_suppressed": cost.rows_suppressed,
        "classes": cost.after.classes,
        "categories_merged": cost.categories_merged,
    }


def smallest_classes(cost: KAnonymityCost, *, after: bool = False) -> pl.DataFrame:
    """The smallest equivalence classes over the *masked* quasi-identifiers (generalised values only)."""
    m = cost.after if after else (cost.generalised or cost.before)  # the raw classes' values are never shown
    cols = list(m.quasi_identifiers)
    data: dict[str, list] = {c: [cls.values[i] for cls in m.smallest] for i, c in enumerate(cols)}
    data[t("privacy.col.class_size")] = [cls.size for cls in m.smallest]
    return pl.DataFrame(data)


def actions() -> tuple[str, ...]:
    return ACTIONS
