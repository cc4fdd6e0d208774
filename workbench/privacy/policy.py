"""Masking policies: a frozen dataclass ↔ YAML, proposed from a scan, applied by one function.

``apply_policy(table, policy)`` is the only place a policy turns into data, so the page and the CLI produce
identical tables from the same policy and key. A policy file looks like::

    name: customers
    as_of: 2026-11-01             # reference date for age bands (default: today)
    columns:
      주민등록번호: {action: generalize, pii_type: rrn, to: age_band}
      성명: {action: mask, pii_type: person_name}
      휴대폰: {action: drop}
      계좌번호: {action: pseudonym, pii_type: account_number}
      연소득: {action: topcode, upper: 20000}
      branch_code: {action: keep, reason: "a branch, not a person"}
    k_anonymity: {quasi_identifiers: [주민등록번호, 성별, 주소], k: 5, max_suppression: 0.05}

Columns the policy does not name are kept. A column the scan flags and the policy keeps is an override and
needs a ``reason``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any, Literal

import polars as pl
import yaml

from workbench.errors import UserError
from workbench.io.table import Table
from workbench.privacy import identifiers as ids
from workbench.privacy import kanon
from workbench.privacy import patterns as p
from workbench.privacy import transforms as tf
from workbench.privacy.detectors import PII_TYPES
from workbench.privacy.gate import GateError, refuse_identifiers_in_reason

Action = Literal["keep", "drop", "mask", "pseudonym", "generalize", "redact", "round", "bucket", "topcode"]
ACTIONS: tuple[str, ...] = (
    "keep",
    "drop",
    "mask",
    "pseudonym",
    "generalize",
    "redact",
    "round",
    "bucket",
    "topcode",
)
MASKING_ACTIONS = frozenset({"drop", "mask", "pseudonym", "generalize", "redact"})  # enough for a PII column
GENERALISATIONS = ("age_band", "age_band_5", "sido", "sigungu", "month", "year")


class PolicyError(UserError):
    """A policy file or rule that cannot be applied."""


@dataclass(frozen=True)
class ColumnRule:
    """What happens to one column. Only the fields of the chosen action matter."""

    action: Action = "keep"
    pii_type: str | None = None  # mask/pseudonym: which type-aware mask and normalisation
    to: str | None = None  # generalize: age_band | age_band_5 | sido | sigungu | month | year
    base: float | None = None  # round: nearest multiple (e.g. 10000 KRW)
    edges: tuple[float, ...] = ()  # bucket: interval edges
    lower: float | None = None  # topcode: bottom code
    upper: float | None = None  # topcode: top code
    reason: str | None = None  # keep on a flagged column: why it is not personal data

    def check(self, column: str) -> None:
        """Reject an incomplete rule before any data is touched, in one line naming the column."""
        if self.action not in ACTIONS:
            raise PolicyError(
                "privacy.policy.bad_action", column=column, action=self.action, allowed=", ".join(ACTIONS)
            )
        if self.pii_type is not None and self.pii_type not in PII_TYPES:
            raise PolicyError("privacy.policy.bad_type", column=column, pii_type=self.pii_type)
        if self.action == "generalize" and self.to not in GENERALISATIONS:
            raise PolicyError("privacy.policy.bad_generalize", column=column, allowed=", ".join(GENERALISATIONS))
        if self.action == "round" and not self.base:
            raise PolicyError("privacy.policy.needs", column=column, action="round", param="base")
        if self.action == "bucket" and not self.edges:
            raise PolicyError("privacy.policy.needs", column=column, action="bucket", param="edges")
        if self.action == "topcode" and self.lower is None and self.upper is None:
            raise PolicyError("privacy.policy.needs", column=column, action="topcode", param="upper")


@dataclass(frozen=True)
class KAnonymitySpec:
    quasi_identifiers: tuple[str, ...]
    k: int = 5
    max_suppression: float = 0.05


@dataclass(frozen=True)
class Policy:
    """A versioned masking policy (the store numbers the versions); ``rules`` keep the file's column order."""

    name: str
    rules: tuple[tuple[str, ColumnRule], ...] = ()
    k_anonymity: KAnonymitySpec | None = None
    as_of: date | None = None
    version: int | None = field(default=None, compare=False)

    def rule(self, column: str) -> ColumnRule:
        return dict(self.rules).get(column, ColumnRule())

    @property
    def masked_columns(self) -> tuple[str, ...]:
        return tuple(c for c, r in self.rules if r.action in MASKING_ACTIONS)

    @property
    def overrides(self) -> dict[str, str]:
        """Columns kept on purpose, with their reason (the gate accepts only reasoned overrides)."""
        return {c: r.reason for c, r in self.rules if r.action == "keep" and r.reason}

    def with_rule(self, column: str, rule: ColumnRule) -> Policy:
        rules = dict(self.rules)
        rules[column] = rule
        return replace(self, rules=tuple(rules.items()))

    # --- YAML ------------------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        cols = {}
        for c, r in self.rules:
            cols[c] = {
                f.name: list(v) if isinstance(v, tuple) else v
                for f in fields(r)
                if (v := getattr(r, f.name)) not in (None, ())
            }
        out: dict[str, Any] = {"name": self.name}
        if self.as_of:
            out["as_of"] = self.as_of.isoformat()
        out["columns"] = cols
        if self.k_anonymity:
            ka = self.k_anonymity
            out["k_anonymity"] = {
                "quasi_identifiers": list(ka.quasi_identifiers),
                "k": ka.k,
                "max_suppression": ka.max_suppression,
            }
        return out

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), allow_unicode=True, sort_keys=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, version: int | None = None) -> Policy:
        if not isinstance(data, Mapping) or not isinstance(data.get("columns", {}), Mapping):
            raise PolicyError("privacy.policy.bad_file")
        known = {f.name for f in fields(ColumnRule)}
        rules = []
        for col, spec in (data.get("columns") or {}).items():
            spec = {"action": spec} if isinstance(spec, str) else dict(spec or {})
            unknown = set(spec) - known
            if unknown:
                raise PolicyError("privacy.policy.unknown_field", column=col, field=", ".join(sorted(unknown)))
            if "edges" in spec:
                spec["edges"] = tuple(float(x) for x in spec["edges"])
            rule = ColumnRule(**spec)
            rule.check(str(col))
            rules.append((str(col), rule))
        ka = data.get("k_anonymity")
        spec = None
        if ka:
            spec = KAnonymitySpec(
                tuple(ka.get("quasi_identifiers") or ()), int(ka.get("k", 5)), float(ka.get("max_suppression", 0.05))
            )
        as_of = data.get("as_of")
        if isinstance(as_of, str):
            as_of = date.fromisoformat(as_of)
        return cls(str(data.get("name") or "policy"), tuple(rules), spec, as_of, version)

    @classmethod
    def from_yaml(cls, text: str, *, version: int | None = None) -> Policy:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as err:
            raise PolicyError("privacy.policy.bad_yaml", detail=str(err).splitlines()[0]) from None
        return cls.from_dict(data or {}, version=version)


# --- proposal ----------------------------------------------------------------------------------------------

# what the auto policy does with each type: keep analytic value where a safe form exists
_PROPOSAL: dict[str, ColumnRule] = {
    "rrn": ColumnRule("generalize", "rrn", to="age_band"),
    "foreigner_rrn": ColumnRule("generalize", "foreigner_rrn", to="age_band"),
    "person_name": ColumnRule("mask", "person_name"),
    "phone": ColumnRule("mask", "phone"),
    "email": ColumnRule("mask", "email"),
    "address": ColumnRule("generalize", "address", to="sigungu"),
    "card_number": ColumnRule("mask", "card_number"),
    "account_number": ColumnRule("mask", "account_number"),
    "business_registration_number": ColumnRule("mask", "business_registration_number"),
    "passport_number": ColumnRule("drop"),
    "driver_license": ColumnRule("drop"),
    "ip_address": ColumnRule("mask", "ip_address"),
}
_JOIN_KEYS = ("account_number", "card_number", "business_registration_number")  # pseudonymised when keyed


def propose_policy(scan_result, *, keyed: bool = False, k: int = 5) -> Policy:
    """The ``--auto`` policy: a safe action per flagged column, birth dates to age bands, and k-anonymity
    over the quasi-identifiers (generalised resident numbers and addresses count as such).

    With a key (``keyed``) account, card and business numbers become keyed pseudonyms so joins keep
    working; without one they are partially masked. The bank's customer number (고객번호, CIF) always
    becomes a keyed pseudonym: a partial mask would break every join on it silently, so without a key
    ``apply`` refuses in one line that names the column and the key's variables.
    """
    rules: list[tuple[str, ColumnRule]] = []
    qis: list[str] = []
    for f in scan_result.findings:
        rule = _PROPOSAL[f.pii_type]
        if scan_result.column(f.column).embedded:  # identifiers inside a memo: redact them, keep the text
            rule = ColumnRule("redact")
        elif keyed and f.pii_type in _JOIN_KEYS:
            rule = ColumnRule("pseudonym", f.pii_type)
        rules.append((f.column, rule))
        if rule.action == "generalize":
            qis.append(f.column)
    rules += [(c, ColumnRule("pseudonym")) for c in scan_result.customer_keys]
    for q in scan_result.quasi_identifiers:
        if q.kind == "birth_date":  # a birth date or birth number (YYMMDD + gender digit): a 5-year age band
            rules.append((q.column, ColumnRule("generalize", to="age_band_5")))
        qis.append(q.column)
    spec = KAnonymitySpec(tuple(qis), k) if qis else None
    return Policy(name=scan_result.table, rules=tuple(rules), k_anonymity=spec)


# --- application -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Applied:
    """What ``apply_policy`` produced: the transformed table and, when asked for, the k-anonymity cost."""

    table: Table
    k_anonymity: kanon.KAnonymityCost | None


def _column_expr(frame: pl.DataFrame, column: str, rule: ColumnRule, key: bytes | None, as_of: date):
    c = pl.col(column)
    dtype = frame.schema[column]
    if rule.pii_type and (dtype.is_numeric() or isinstance(dtype, pl.Decimal)):
        # an identifier stored as a number is masked as the digits it was typed as, not as 7.3e12
        c, dtype = p.digit_text(c, dtype), pl.String
    match rule.action:
        case "mask":
            return tf.partial_mask(c, rule.pii_type)
        case "generalize":
            return tf.generalise(c, dtype, to=rule.to or "", pii_type=rule.pii_type, as_of=as_of)
        case "round":
            return tf.round_to(c, rule.base or 1)
        case "bucket":
            return tf.bucket(c, rule.edges)
        case "topcode":
            return tf.top_bottom_code(c, lower=rule.lower, upper=rule.upper)
    return c


def reason_digits(reason: str) -> set[str]:
    """Every number in a reason as bare digits (6 or more), separators dropped: ``730915 1482636`` → one."""
    runs = re.findall(r"\d[\d \t.\-]*\d", reason.translate(ids.WIDE_TABLE))
    return {d for r in runs if len(d := re.sub(r"\D", "", r)) >= 6}


def check_reasons(frame: pl.DataFrame, policy: Policy) -> None:
    """Refuse an override reason that holds an identifier: the reason goes to the audit log and the policy
    table for good. Any kind ``identifiers`` finds, in any spelling, is refused; so is any word or number
    (as bare digits) that equals a value of a column the policy masks or keeps on purpose, whatever its
    spelling there (``01058293716`` quoting ``010-5829-3716`` of another column)."""
    reasons = policy.overrides
    watched = [c for c in dict.fromkeys([*policy.masked_columns, *reasons]) if c in frame.columns]
    for column, reason in reasons.items():
        refuse_identifiers_in_reason(column, reason)
        words = [w for w in re.findall(r"[\w@.+\-*]+", reason) if len(w) >= 2]
        digits = sorted(reason_digits(reason))
        if not watched or not (words or digits):
            continue
        hits = frame.select(
            [
                (v.is_in(words) | v.str.replace_all(r"\D", "").is_in(digits)).any().alias(c)
                for c in watched
                for v in [pl.col(c).cast(pl.String).str.strip_chars()]
            ]
        ).row(0, named=True)
        source = next((c for c in watched if hits[c]), None)
        if source == column:
            raise GateError("privacy.gate.reason_has_value", column=column)
        if source is not None:
            raise GateError("privacy.gate.reason_has_other_value", column=column, source=source)


def apply(table: Table, policy: Policy, *, key: bytes | None = None) -> Applied:
    """Transform every column by its rule, then enforce k-anonymity if the policy asks for it.

    A pseudonym rule without a key is refused (``privacy.key.missing``): never an unkeyed hash.
    """
    frame = table.frame
    missing = [c for c, _ in policy.rules if c not in frame.columns]
    if missing:
        raise PolicyError("privacy.policy.missing_columns", columns=", ".join(missing))
    for c, r in policy.rules:
        r.check(c)
    check_reasons(frame, policy)
    pseudonymised = [c for c, r in policy.rules if r.action == "pseudonym"]
    if pseudonymised and not key:
        from workbench.privacy.keys import KEY_ENV, KEY_FILE_ENV, KeyError_, load_key

        try:
            key = load_key()
        except KeyError_ as err:
            if err.key != "privacy.key.missing":
                raise
            columns = ", ".join(pseudonymised)
            raise KeyError_("privacy.key.missing_for", columns=columns, env=KEY_ENV, file_env=KEY_FILE_ENV) from None
    as_of = policy.as_of or date.today()
    exprs = []
    pseudo = {}
    for c in frame.columns:
        r = policy.rule(c)
        if r.action == "drop":
            continue
        if r.action in ("pseudonym", "redact"):  # both need the whole column: distinct values, found spellings
            pseudo[c] = (
                tf.pseudonymise(frame, c, key or b"", r.pii_type)
                if r.action == "pseudonym"
                else ids.redact_column(frame, c)
            )
            exprs.append(pl.col(c))
            continue
        exprs.append(_column_expr(frame, c, r, key, as_of).alias(c))
    out = frame.select(exprs)
    if pseudo:
        out = out.with_columns(list(pseudo.values()))
    cost = None
    if policy.k_anonymity and policy.k_anonymity.quasi_identifiers:
        qis = [q for q in policy.k_anonymity.quasi_identifiers if q in out.columns]
        ka = policy.k_anonymity
        raw = frame if all(c in frame.columns for c in qis) else None  # measured on the input's own classes
        out, cost = kanon.enforce(out, qis, k=ka.k, max_suppression=ka.max_suppression, raw=raw)
    return Applied(Table(table.name, out, table.source), cost)


def apply_policy(table: Table, policy: Policy, *, key: bytes | None = None) -> Table:
    """The one function the UI and the CLI call to mask a table by a policy."""
    return apply(table, policy, key=key).table
