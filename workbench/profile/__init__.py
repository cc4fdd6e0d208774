"""Profiling of certified tables: column statistics, alerts, correlations, target and stability analysis.

``profile(table, target=..., time_column=...)`` runs every stage once and returns a frozen ``Profile``; the
page, the charts, the HTML/Excel reports and ``workbench profile --json`` all read that one object.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

import polars as pl

from workbench.privacy.gate import MaskedTable
from workbench.profile.alerts import ALERT_CODES, Alert, build_alerts
from workbench.profile.columns import ColumnProfile, TableProfile, profile_columns, scan_columns
from workbench.profile.correlations import Correlations, correlations
from workbench.profile.kinds import KINDS, Kind
from workbench.profile.stability import Stability, compare_datasets, psi, stability_by_period
from workbench.profile.target import (
    BinTable,
    NumericTargetAnalysis,
    TargetAnalysis,
    TargetError,
    numeric_target_analysis,
    resolve_event,
    target_analysis,
)
from workbench.signals import leakage
from workbench.signals.timing import TimingMark

STEPS = ("columns", "correlations", "target", "stability", "alerts")


@dataclass(frozen=True)
class Profile:
    """Everything computed about one certified table; renderers read it and never compute again."""

    table: TableProfile
    correlations: Correlations
    alerts: tuple[Alert, ...]
    target: TargetAnalysis | None = None
    numeric_target: NumericTargetAnalysis | None = None
    stability: Stability | None = None
    dated_after: tuple[tuple[str, float], ...] = ()  # date columns later than the time column: share of rows

    def alerts_for(self, column: str) -> tuple[Alert, ...]:
        """The alerts raised on ``column`` (table-wide alerts have no column and never match)."""
        return tuple(a for a in self.alerts if a.column == column)

    @property
    def timings(self) -> tuple[tuple[str, float], ...]:
        out = [*list(self.table.timings), ("correlations", self.correlations.seconds)]
        if self.target is not None:
            out.append(("target", self.target.seconds))
        if self.stability is not None:
            out.append(("stability", self.stability.seconds))
        return tuple(out)


def _is_binary(table: MaskedTable, column: str) -> bool:
    return table.lazy().select(pl.col(column).drop_nulls().n_unique()).collect().item() == 2


def analyse_target(
    table: MaskedTable, target: str, profile: TableProfile, *, monotonic: bool = False
) -> TargetAnalysis | NumericTargetAnalysis:
    """WOE/IV, AUC, KS for a two-valued target; correlation and mutual information for a numeric one."""
    if target in table.columns and not _is_binary(table, target) and profile.column(target).kind == "numeric":
        return numeric_target_analysis(table, target, profile=profile)
    return target_analysis(table, target, profile=profile, monotonic=monotonic)


def assemble(
    table: TableProfile,
    corr: Correlations,
    target: TargetAnalysis | NumericTargetAnalysis | None = None,
    stability: Stability | None = None,
    *,
    dated_after: Mapping[str, float] | None = None,
    time_column: str | None = None,
    marks: Mapping[str, TimingMark] | None = None,
) -> Profile:
    """Put computed stages together and derive the alerts (cheap: reads the results only); ``marks`` are a
    domain expert's timing marks by column, shown on the leakage alerts."""
    ta = target if isinstance(target, TargetAnalysis) else None
    nta = target if isinstance(target, NumericTargetAnalysis) else None
    alerts = build_alerts(table, corr, ta, dated_after=dated_after, time_column=time_column, marks=marks)
    return Profile(table, corr, alerts, ta, nta, stability, tuple((dated_after or {}).items()))


def dates_after(table: MaskedTable, time_column: str, profile: TableProfile) -> dict[str, float]:
    """Per other date column, the share of rows dated after ``time_column`` (evidence of leakage). A month
    kept as text (2024-01) is a period, not an instant: a date inside the month is not after it, so none."""
    dates = [c.name for c in profile.columns if c.kind == "date" and c.name != time_column]
    if time_column not in table.columns or not table.schema[time_column].is_temporal():
        return {}
    return leakage.dated_after(table.lazy(), time_column, dates)


def profile(
    table: MaskedTable,
    *,
    target: str | None = None,
    time_column: str | None = None,
    kinds: Mapping[str, Kind] | None = None,
    monotonic: bool = False,
    today: date | None = None,
    on_step: Callable[[str, float], None] | None = None,
    marks: Mapping[str, TimingMark] | None = None,
) -> Profile:
    """Profile a certified table: columns, correlations, alerts; with ``target`` WOE/IV (binary) or
    correlation and mutual information (numeric); with ``time_column`` PSI per month.

    ``on_step(step, fraction_done)`` is called before each stage (progress for a caller that shows it).
    """

    def step(name: str) -> None:
        if on_step is not None:
            on_step(name, STEPS.index(name) / len(STEPS))

    step("columns")
    scanned = scan_columns(table, kinds=kinds, today=today)
    tp = scanned.profile
    step("correlations")
    corr = correlations(table, tp, sample=scanned.sample)
    analysis = None
    if target is not None:
        step("target")
        analysis = analyse_target(table, target, tp, monotonic=monotonic)
    st = None
    if time_column is not None:
        step("stability")
        st = stability_by_period(table, time_column, profile=tp, features=[c for c in table.columns if c != target])
    step("alerts")
    after = dates_after(table, time_column, tp) if time_column is not None else None
    result = assemble(tp, corr, analysis, st, dated_after=after, time_column=time_column, marks=marks)
    if on_step is not None:
        on_step("done", 1.0)
    return result


__all__ = [
    "ALERT_CODES",
    "KINDS",
    "STEPS",
    "Alert",
    "BinTable",
    "ColumnProfile",
    "Correlations",
    "Kind",
    "Profile",
    "Stability",
    "TableProfile",
    "TargetAnalysis",
    "TargetError",
    "analyse_target",
    "assemble",
    "build_alerts",
    "compare_datasets",
    "correlations",
    "dates_after",
    "profile",
    "profile_columns",
    "psi",
    "resolve_event",
    "stability_by_period",
    "target_analysis",
]
