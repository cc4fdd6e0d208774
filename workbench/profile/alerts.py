"""Alerts: what an analyst should look at first, each with a severity and a plain explanation (ko/en).

Rules are a tuple of thresholds in this module (no plugin machinery). Every alert carries its numbers as
parameters; the message is rendered from the ``profile.alert.<code>`` catalog entry in the reader's
language, so the CLI, the page and the reports say the same thing. ``column`` is None for table-level alerts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from workbench.i18n import t
from workbench.profile.columns import ColumnProfile, TableProfile
from workbench.profile.correlations import Correlations
from workbench.profile.target import BinTable, TargetAnalysis
from workbench.signals import codes, leakage
from workbench.signals.timing import TimingMark

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
    "strong_predictor",
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


def alert_rules() -> dict[str, tuple[str, str]]:
    """Each alert code's severity and the rule that raises it, written from this module's thresholds (and
    ``workbench.signals``'), so the README's table of codes cannot drift from the code."""
    pct = lambda x: f"{100 * x:g} %"  # noqa: E731
    return {
        "constant": ("high", "a single distinct value"),
        "quasi_constant": ("medium", f"the top value holds ≥ {pct(QUASI_CONSTANT_SHARE)} of the non-missing values"),
        "high_missing": (
            "medium / high",
            f"missing (null or NaN) ≥ {pct(HIGH_MISSING_SHARE)}; high from {pct(HIGH_MISSING_SEVERE)}",
        ),
        "high_cardinality": ("low", f"a categorical or text column with more than {HIGH_CARDINALITY_LEVELS} levels"),
        "id_like": ("medium", "the profile's kind is id_like"),
        "skewed": ("low", f"absolute skewness > {SKEW_ABS:g} (special codes left out)"),
        "zero_inflated": (
            "low",
            f"zeros ≥ {pct(ZERO_INFLATED_SHARE)} of the non-missing values (and below {pct(QUASI_CONSTANT_SHARE)})",
        ),
        "imbalanced": (
            "low",
            f"a categorical's top level ≥ {pct(IMBALANCED_SHARE)}, or a target's event rate "
            f"< {pct(1 - IMBALANCED_SHARE)}",
        ),
        "duplicate_rows": ("medium", "at least one row repeats an earlier row exactly"),
        "high_correlation": ("medium", f"absolute Pearson, Spearman, Cramér's V or η ≥ {HIGH_CORRELATION:g} (sample)"),
        "mixed_types": (
            "medium",
            f"between {pct(MIXED_TYPES_BETWEEN[0])} and {pct(MIXED_TYPES_BETWEEN[1])} of a text column's values "
            "read as numbers",
        ),
        "special_codes": (
            "medium",
            f"values standing for 'unknown', each on ≥ {pct(codes.MIN_SHARE)} of the values and ≥ {codes.MIN_ROWS} "
            f"rows: up to {codes.MAX_NEGATIVE} negative whole numbers in an otherwise non-negative whole-number "
            f"column (whose other side holds ≥ {codes.REST_PER_NEGATIVE}× as many values), a repeated top value "
            f"spelled in nines or more than {codes.FAR_RANGES:g}× the rest's range above it, or an agreed spelling "
            f"({', '.join(str(c) for c in codes.KNOWN)}) apart from the rest; left out of moments, quantiles, "
            "histograms and correlations, binned apart",
        ),
        "future_dates": ("high", "dates after the day of the profile"),
        "leakage_suspect": (
            "high",
            f"IV ≥ {leakage.LEAK_IV:g}, or univariate AUC ≥ {leakage.LEAK_AUC:.2f} with ≥ {leakage.LEAK_MIN_EVENTS} "
            f"events, or a date later than the time column in ≥ {pct(leakage.AFTER_TIME_SHARE)} of rows, or the "
            f"column reproduces the target in ≥ {pct(leakage.COPY_SHARE)} of the rows of each class",
        ),
        "strong_predictor": (
            "medium",
            f"{leakage.STRONG_IV:g} ≤ IV < {leakage.LEAK_IV:g} without evidence of leakage: very strong; confirm it "
            "is known when the decision is made",
        ),
        "woe_smoothed": ("low", "a bin with no events or no non-events got 0.5 added to both counts"),
    }


@dataclass(frozen=True)
class Alert:
    code: str
    column: str | None
    severity: Severity
    params: tuple[tuple[str, object], ...] = ()

    def message(self, lang: str | None = None) -> str:
        if self.code in (leakage.SUSPECT, leakage.STRONG):
            return leakage.message(self.code, self.column or "", dict(self.params), lang)
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
            listed = ", ".join(f"{s.value:g} ({_pct(s.share)}%)" for s in c.special_codes)
            out.append(Alert("special_codes", c.name, "medium", (("codes", listed),)))
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
    *,
    dated_after: Mapping[str, float] | None = None,
    time_column: str | None = None,
    marks: Mapping[str, TimingMark] | None = None,
) -> tuple[Alert, ...]:
    """Every alert of a profile, most severe first; table-level alerts (column None) lead their group.

    ``dated_after`` (per date column, the share of rows later than ``time_column``) is evidence of leakage
    (``workbench.signals.leakage``) with or without a target. ``marks`` (a domain expert's timing marks by
    column) are shown on the column's leakage alerts."""
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
            g = grade_table(tb)
            if g.code:
                severity: Severity = "high" if g.suspect else "medium"
                said = marks[tb.feature].params() if marks and tb.feature in marks else ()
                out.append(Alert(g.code, tb.feature, severity, (*g.params(), ("target", target.target), *said)))
            if tb.smoothed:
                out.append(Alert("woe_smoothed", tb.feature, "low", (("bins", ", ".join(tb.smoothed_bins)),)))
    for column, share in (dated_after or {}).items():
        g = leakage.grade(column, after_share=share, time_column=time_column)
        if g.suspect:
            name = target.target if target is not None else ""
            said = marks[column].params() if marks and column in marks else ()
            out.append(Alert(g.code, column, "high", (*g.params(), ("target", name), *said)))  # type: ignore[arg-type]
    return tuple(sorted(out, key=lambda a: (SEVERITY_ORDER[a.severity], a.column is not None, a.code)))


def grade_table(tb: BinTable) -> leakage.LeakageGrade:
    """The leakage grade of one feature from its WOE/IV table (binned AUC, events, how well it copies)."""
    return leakage.grade(
        tb.feature,
        iv=tb.iv,
        auc=tb.auc,
        events=tb.events,
        copy_share=leakage.copy_share((b.events, b.non_events) for b in tb.used),
    )
