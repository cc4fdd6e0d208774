"""What a model-risk reviewer would ask about first, raised as coded warnings with ko/en messages.

Codes (``model.warning.<code>`` in the catalog):
- ``leakage_suspect``: a feature the profile would call a leakage suspect, on the same evidence and in the
  same words (``workbench.signals.leakage``: IV ≥ 1.0, AUC ≥ 0.90 with ≥ 30 events, a copy of the target) —
  usually information recorded after the outcome (days overdue after the loan, a call's duration).
- ``strong_predictor``: 0.5 ≤ IV < 1.0 without that evidence: confirm it is known when the decision is made.
- ``known_after``: a column a domain expert marked "known only after the decision" was left out.
- ``leakage_auc``: the code runs trained before the evidence rule carry (read back, never raised now).
- ``leakage_importance``: one feature carries more than half of the model's gain.
- ``overfit``: train AUC exceeds validation AUC by more than 0.05 (regression: R² by more than 0.10).
- ``tiny_class``: a class has fewer than 50 rows in training or fewer than 10 in validation/test: its metrics
  are noise.
- ``oot_degradation``: out-of-time test AUC is more than 0.03 below validation AUC, and by more than twice
  the chance error of the difference (Hanley–McNeil; a 100-event test set moves AUC by ±0.03 on its own):
  the relationship drifts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from workbench.i18n import t
from workbench.model.explain import FeatureImportance
from workbench.model.metrics import BinaryMetrics, MulticlassMetrics, RegressionMetrics, auc
from workbench.privacy.gate import MaskedTable
from workbench.signals import codes, leakage
from workbench.signals.timing import TimingMark

DOMINANT_GAIN = 0.5
OVERFIT_AUC_GAP = 0.05
OVERFIT_R2_GAP = 0.10
OOT_AUC_DROP = 0.03
TINY_TRAIN = 50
TINY_EVAL = 10
UNIVARIATE_SAMPLE = 200_000
CODES = (
    "leakage_suspect",
    "strong_predictor",
    "known_after",
    "leakage_importance",
    "overfit",
    "tiny_class",
    "oot_degradation",
)


@dataclass(frozen=True)
class ModelWarning:
    code: str
    feature: str | None = None
    params: dict = field(default_factory=dict, hash=False, compare=False)
    severity: str = "warning"

    def message(self, lang: str | None = None) -> str:
        if self.code in (leakage.SUSPECT, leakage.STRONG):
            return leakage.message(self.code, self.feature or "", self.params, lang)
        params = dict(self.params)
        if "split" in params:  # a split is stored as its code (train, valid, test), read in the reader's words
            params["split"] = t(f"model.split.{params['split']}", lang)
        return t(f"model.warning.{self.code}", lang, feature=self.feature or "", **params)


GROUP_AT = 3  # this many warnings of one kind are one box with their list: 21 boxes in a row get skimmed


@dataclass(frozen=True)
class WarningGroup:
    """Warnings of one code as a reader meets them: alone, or ``GROUP_AT``+ of a kind under one heading (the
    worst severity among them), each message still listed."""

    code: str
    severity: str
    messages: tuple[str, ...]

    @property
    def grouped(self) -> bool:
        return len(self.messages) >= GROUP_AT


def group_warnings(warnings: Sequence[tuple[str, str, str]]) -> list[WarningGroup]:
    """``(code, severity, message)`` in the order raised → one group per code where it has ``GROUP_AT`` or
    more, else one per warning; dangers first, then the order of first appearance."""
    by_code: dict[str, list[tuple[str, str]]] = {}
    for code, severity, message in warnings:
        by_code.setdefault(code, []).append((severity, message))
    out: list[WarningGroup] = []
    for code, items in by_code.items():
        if len(items) >= GROUP_AT:
            worst = "danger" if any(sev == "danger" for sev, _ in items) else items[0][0]
            out.append(WarningGroup(code, worst, tuple(m for _, m in items)))
        else:
            out.extend(WarningGroup(code, sev, (m,)) for sev, m in items)
    return sorted(out, key=lambda g: g.severity != "danger")


def univariate_auc(s: pl.Series, y: np.ndarray) -> float:
    """How well one feature ranks a binary target on its own, direction-free (max(AUC, 1 − AUC)).

    Numbers rank by value with missing as the lowest; text ranks by its category's event rate (a
    target-encoding on the same rows, so optimistic for many small categories: a flag, not a verdict).
    """
    if s.dtype.is_numeric() or s.dtype == pl.Boolean:
        num = s.cast(pl.Float64).fill_nan(None)
        if num.null_count() == len(num):
            return float("nan")
        v = num.fill_null(num.min() - 1).to_numpy()
    else:
        text = s.cast(pl.String).fill_null("(missing)")
        rates = pl.DataFrame({"k": text, "y": y}).group_by("k").agg(pl.col("y").mean().alias("r"))
        v = text.replace_strict(dict(rates.iter_rows()), return_dtype=pl.Float64).to_numpy()
    a = auc(y, v)
    return max(a, 1 - a) if np.isfinite(a) else float("nan")


def univariate_aucs(X: pl.DataFrame, y: np.ndarray, *, seed: int = 42) -> dict[str, float]:
    if X.height > UNIVARIATE_SAMPLE:
        rows = np.sort(np.random.default_rng(seed).choice(X.height, UNIVARIATE_SAMPLE, replace=False))
        X, y = X[rows], y[rows]
    return {c: univariate_auc(X[c], y) for c in X.columns}


def leakage_grades(table: MaskedTable, target: str, features: Sequence[str]) -> list[leakage.LeakageGrade]:
    """The profile's leakage grade of each feature: the same WOE/IV tables (``profile.target``, special codes
    binned apart), graded by ``workbench.signals.leakage``, strongest first."""
    from workbench.profile.alerts import grade_table
    from workbench.profile.target import target_analysis

    numeric = [c for c in features if table.schema[c].is_numeric()]
    ta = target_analysis(table, target, features=list(features), specials=codes.of_frame(table.frame, numeric))
    return [grade_table(tb) for tb in ta.tables]


def timing_warnings(excluded: Sequence, marks: Sequence[TimingMark]) -> list[ModelWarning]:
    """One warning per column left out because a domain expert marked it known only after the decision."""
    by = {m.column: m for m in marks}
    return [
        ModelWarning("known_after", e.column, {"who": by[e.column].actor, "comment": by[e.column].comment or "-"})
        for e in excluded
        if e.reason == "known_after" and e.column in by
    ]


def leakage_warnings(grades: Sequence[leakage.LeakageGrade], imp: tuple[FeatureImportance, ...]) -> list[ModelWarning]:
    out = [
        ModelWarning(g.code, g.column, dict(g.params()), "danger" if g.suspect else "warning") for g in grades if g.code
    ]
    flagged = {w.feature for w in out if w.code == leakage.SUSPECT}
    out += [
        ModelWarning(
            "leakage_importance",
            f.feature,
            {"share": round(100 * f.gain, 1)},
            "danger" if f.feature in flagged else "warning",
        )
        for f in imp
        if f.gain > DOMINANT_GAIN
    ]
    return out


def auc_se(a: float, pos: int, neg: int) -> float:
    """Standard error of an AUC (Hanley & McNeil 1982): how far it moves by chance with this many events."""
    if not (pos and neg) or not np.isfinite(a):
        return float("inf")
    q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
    return float(np.sqrt((a * (1 - a) + (pos - 1) * (q1 - a * a) + (neg - 1) * (q2 - a * a)) / (pos * neg)))


def _auc_gap_se(va, te) -> float:
    if not isinstance(va, BinaryMetrics):
        return 0.0
    return float(np.hypot(auc_se(va.auc, va.events, va.n - va.events), auc_se(te.auc, te.events, te.n - te.events)))


def metric_warnings(metrics: dict, *, time_split: bool) -> list[ModelWarning]:
    out: list[ModelWarning] = []
    tr, va, te = metrics.get("train"), metrics.get("valid"), metrics.get("test")
    if isinstance(tr, BinaryMetrics | MulticlassMetrics):
        key = "auc" if isinstance(tr, BinaryMetrics) else "macro_auc"
        a_tr, a_va, a_te = (getattr(m, key) for m in (tr, va, te))
        if a_tr - a_va > OVERFIT_AUC_GAP:
            out.append(
                ModelWarning("overfit", None, {"train": round(a_tr, 3), "valid": round(a_va, 3), "metric": "AUC"})
            )
        if time_split and a_va - a_te > max(OOT_AUC_DROP, 2 * _auc_gap_se(va, te)):
            out.append(ModelWarning("oot_degradation", None, {"valid": round(a_va, 3), "test": round(a_te, 3)}))
    if isinstance(tr, RegressionMetrics) and tr.r2 - va.r2 > OVERFIT_R2_GAP:
        out.append(ModelWarning("overfit", None, {"train": round(tr.r2, 3), "valid": round(va.r2, 3), "metric": "R²"}))
    return out


def class_warnings(y: np.ndarray, splits: dict[str, np.ndarray], classes: tuple[str, ...]) -> list[ModelWarning]:
    out = []
    for code, label in enumerate(classes):
        for name, idx in splits.items():
            n = int(np.sum(y[idx] == code))
            if n < (TINY_TRAIN if name == "train" else TINY_EVAL):
                out.append(ModelWarning("tiny_class", None, {"value": label, "split": name, "rows": n}))
                break
    return out
