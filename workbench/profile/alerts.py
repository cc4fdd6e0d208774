"""Alerts: what an analyst should look at first, each with a severity and a plain explanation (ko/en).

Rules are a tuple of thresholds in this module (no plugin machinery). Every alert carries its numbers as
parameters; the message is rendered from the ``profile.alert.<code>`` catalog entry in the reader's
language, so the CLI, the page and the reports say the same thing. ``column`` is None for table-level alerts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from workbench.i18n import t
from workbench.profile.columns import ColumnProfile, TableProfile
from workbench.profile.correlations import Correlations
from workbench.profile.target import TargetAnalysis

Severity = Literal["high", "medium", "low"]
SEVERITY_ORDER: dict[str, int] = {"high": 0, "medium": 1, "low": 2}

# The vocabulary of DESIGN.md, plus woe_smoothed (the zero-count rule of target.py applied).
ALERT_CODES: tuple[str, ...] = (
    "constant",
    "quasi_constant",
    "high_missing",
    "high_cardinality",
    "id_like",
    "skewed",
    "zero_inflated",
    "imbalanced",
    "duplicate_rows",
    "high_correlation",
    "mixed_types",
    "special_codes",
    "future_dates",
    "leakage_suspect",
    "woe_smoothed",
)

QUASI_CONSTANT_SHARE = 0.99  # top value holds ≥ 99 % of the non-missing values
HIGH_MISSING_SHARE = 0.30  # medium from 30 %, high from 70 %
HIGH_MISSING_SEVERE = 0.70
HIGH_CARDINALITY_LEVELS = 50  # categorical with more levels than this is hard to use as is
SKEW_ABS = 2.0
ZERO_INFLATED_SHARE = 0.30
IMBALANCED_SHARE = 0.90  # categorical's top level ≥ 90 % (below quasi-constant), or a target's event rate < 10 %
HIGH_CORRELATION = 0.90
MIXED_TYPES_BETWEEN = (0.05, 0.95)  # share of a string column's values that look numeric
LEAKAGE_IV = 0.5
LEAKAGE_AUC = 0.90


@dataclass(frozen=True)
class Alert:
    code: str
    column: str | None
    severity: Severity
    params: tuple[tuple[str, object], ...] = ()

    def message(self, lang: str | None = None) -> str:
        return t(f"profile.alert.{self.code}", lang, column=self.column or "", **dict(self.params))

    def title(self, lang: str | None = None) -> str:
        return t(f"profile.alert_title.{self.code}", lang)


def _pct(x: float) -> str:
    return f"{100 * x:.1f}"


def _column_alerts(c: ColumnProfile, today_iso: str) -> list[Alert]:
    out: list[Alert] = []
    if c.count == 0:
        return [Alert("high_missing", c.name, "high", (("pct", _pct(1.0)),))]
    if c.missing_share >= HIGH_MISSING_SHARE:
        sev: Severity = "high" if c.missing_share >= HIGH_MISSING_SEVERE else "medium"
        out.append(Alert("high_missing", c.name, sev, (("pct", _pct(c.missing_share)),)))
    if c.distinct == 1:
        out.append(Alert("constant", c.name, "high", (("value", c.top[0].value if c.top else "?"),)))
        return out
    if c.kind == "id_like":
        out.append(Alert("id_like", c.name, "medium", (("distinct", f"{c.distinct:,}"),)))
        return out
    if c.top and c.top_share >= QUASI_CONSTANT_SHARE:
        out.append(Alert("quasi_constant", c.name, "medium", (("value", c.top[0].value), ("pct", _pct(c.top_share)))))
    elif c.kind in ("categorical", "boolean") and c.top and c.top_share >= IMBALANCED_SHARE:
        out.append(Alert("imbalanced", c.name, "low", (("value", c.top[0].value), ("pct", _pct(c.top_share)))))
    if c.kind in ("categorical", "text") and c.distinct > HIGH_CARDINALITY_LEVELS:
        out.append(Alert("high_cardinality", c.name, "low", (("distinct", f"{c.distinct:,}"),)))
    if c.kind == "numeric":
        if c.skew is not None and abs(c.skew) > SKEW_ABS:
            out.append(Alert("skewed", c.name, "low", (("skew", f"{c.skew:.1f}"),)))
        if c.count and c.zeros / c.count >= ZERO_INFLATED_SHARE and c.zeros / c.count < QUASI_CONSTANT_SHARE:
            out.append(Alert("zero_inflated", c.name, "low", (("pct", _pct(c.zeros / c.count)),)))
        if c.special_codes:
            codes = ", ".join(f"{s.value:g} ({_pct(s.share)}%)" for s in c.special_codes)
            out.append(Alert("special_codes", c.name, "medium", (("codes", codes),)))
    if c.numeric_string_share is not None and (
        MIXED_TYPES_BETWEEN[0] <= c.numeric_string_share <= MIXED_TYPES_BETWEEN[1]
    ):
        out.append(Alert("mixed_types", c.name, "medium", (("pct", _pct(c.numeric_string_share)),)))
    if c.future_count:
        out.append(
            Alert(
                "future_dates",
                c.name,
                "high",
                (("n", f"{c.future_count:,}"), ("max", str(c.date_max)), ("today", today_iso)),
            )
        )
    return out


def build_alerts(
    profile: TableProfile,
    correlations: Correlations | None = None,
    target: TargetAnalysis | None = None,
) -> tuple[Alert, ...]:
    """Every alert of a profile, most severe first; table-level alerts (column None) lead their group."""
    out: list[Alert] = []
    if profile.duplicate_rows:
        out.append(
            Alert(
                "duplicate_rows",
                None,
                "medium",
                (("n", f"{profile.duplicate_rows:,}"), ("pct", _pct(profile.duplicate_rows / max(profile.rows, 1)))),
            )
        )
    for c in profile.columns:
        if target is not None and c.name == target.target:
            continue
        out += _column_alerts(c, profile.computed_on.isoformat())
    if correlations is not None:
        for p in correlations.top_pairs(10_000):
            if abs(p.value) < HIGH_CORRELATION:
                break
            out.append(
                Alert(
                    "high_correlation",
                    p.b,
                    "medium",
                    (
                        ("other", p.a),
                        ("method", p.method),
                        ("value", f"{p.value:.2f}"),
                        ("n", f"{correlations.sample_size:,}"),
                    ),
                )
            )
    if target is not None:
        if target.event_rate < 1 - IMBALANCED_SHARE:
            out.append(
                Alert("imbalanced", target.target, "low", (("value", target.event), ("pct", _pct(target.event_rate))))
            )
        for tb in target.tables:
            if tb.iv > LEAKAGE_IV or tb.auc >= LEAKAGE_AUC:
                out.append(
                    Alert(
                        "leakage_suspect",
                        tb.feature,
                        "high",
                        (("iv", f"{tb.iv:.2f}"), ("auc", f"{tb.auc:.2f}"), ("target", target.target)),
                    )
                )
            if tb.smoothed:
                out.append(Alert("woe_smoothed", tb.feature, "low", (("bins", ", ".join(tb.smoothed_bins)),)))
    return tuple(sorted(out, key=lambda a: (SEVERITY_ORDER[a.severity], a.column is not None, a.code)))
