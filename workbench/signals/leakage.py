"""Leakage graded by evidence: the one place that says when a strong column is a suspect.

An analyst told "leak!" about every strong predictor stops reading warnings, so a column is only a
``leakage_suspect`` (severity high) on evidence that a value known at decision time rarely gives:

* ``iv``: information value ≥ ``LEAK_IV`` (1.0);
* ``auc``: univariate AUC ≥ ``LEAK_AUC`` (0.90), counted only with ≥ ``LEAK_MIN_EVENTS`` (30) events, since
  a handful of events ranks perfectly by chance;
* ``after_time``: a date column later than the time (cutoff) column in ≥ ``AFTER_TIME_SHARE`` of the rows
  where both are known: it was written after the decision;
* ``copy``: the column's bins reproduce the target for ≥ ``COPY_SHARE`` (98 %) of the rows *of each class*
  (the share of events in event-majority bins and of non-events in the others, the smaller of the two), so a
  1 % event rate is not "reproduced" by predicting nothing.

A column with ``STRONG_IV`` (0.5) ≤ IV < 1.0 and no such evidence is a ``strong_predictor`` (medium): very
strong, and legitimate when it is known at decision time — which a person has to confirm. The profile's
alerts, the features' selection and ``train``'s warnings all call ``grade`` and render ``message``, so the
Profile, Features and Model pages say the same words about the same column.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import polars as pl

from workbench.i18n import t

LEAK_IV = 1.0
LEAK_AUC = 0.90
LEAK_MIN_EVENTS = 30
COPY_SHARE = 0.98
AFTER_TIME_SHARE = 0.01  # of rows with both dates known; a decision-time date is never after the decision
STRONG_IV = 0.5

SUSPECT = "leakage_suspect"
STRONG = "strong_predictor"
EVIDENCE: tuple[str, ...] = ("iv", "auc", "after_time", "copy")


@dataclass(frozen=True)
class LeakageGrade:
    """What the numbers of one column say: ``code`` is ``leakage_suspect``, ``strong_predictor`` or None;
    ``evidence`` names the rules that fired (in ``EVIDENCE`` order)."""

    column: str
    code: str | None
    evidence: tuple[str, ...] = ()
    iv: float | None = None
    auc: float | None = None
    events: int = 0
    copy_share: float | None = None
    after_share: float | None = None
    time_column: str | None = None

    @property
    def suspect(self) -> bool:
        return self.code == SUSPECT

    def params(self) -> tuple[tuple[str, object], ...]:
        """The numbers as alert parameters (strings, as every alert carries them)."""
        out: list[tuple[str, object]] = [("evidence", ",".join(self.evidence))]
        if self.iv is not None:
            out.append(("iv", f"{self.iv:.2f}"))
        if self.auc is not None:
            out.append(("auc", f"{self.auc:.2f}"))
        out.append(("events", f"{self.events:,}"))
        if self.copy_share is not None:
            out.append(("copy", f"{100 * self.copy_share:.1f}"))
        if self.after_share is not None:
            out.append(("after", f"{100 * self.after_share:.1f}"))
        if self.time_column:
            out.append(("time", self.time_column))
        return tuple(out)


def grade(
    column: str,
    *,
    iv: float | None = None,
    auc: float | None = None,
    events: int = 0,
    copy_share: float | None = None,
    after_share: float | None = None,
    time_column: str | None = None,
) -> LeakageGrade:
    """Grade one column from whichever numbers are known (see the module docstring for the rules)."""
    evidence = []
    if iv is not None and iv >= LEAK_IV:
        evidence.append("iv")
    if auc is not None and auc >= LEAK_AUC and events >= LEAK_MIN_EVENTS:
        evidence.append("auc")
    if after_share is not None and after_share >= AFTER_TIME_SHARE:
        evidence.append("after_time")
    if copy_share is not None and copy_share >= COPY_SHARE:
        evidence.append("copy")
    code = SUSPECT if evidence else STRONG if iv is not None and iv >= STRONG_IV else None
    return LeakageGrade(column, code, tuple(evidence), iv, auc, events, copy_share, after_share, time_column)


def copy_share(counts: Iterable[tuple[int, int]]) -> float | None:
    """How completely a column's bins reproduce a binary target, from (events, non-events) per bin: the
    smaller of the share of events lying in bins where events are the majority and the share of non-events
    lying in the other bins. None when a class is absent."""
    pairs = [(int(e), int(n)) for e, n in counts]
    events, non_events = sum(e for e, _ in pairs), sum(n for _, n in pairs)
    if not events or not non_events:
        return None
    caught = sum(e for e, n in pairs if e > n)
    kept = sum(n for e, n in pairs if e <= n)
    return min(caught / events, kept / non_events)


def dated_after(frame: pl.LazyFrame | pl.DataFrame, time_column: str, columns: Iterable[str]) -> dict[str, float]:
    """Per date column, the share of rows (both dates known) where it is later than ``time_column``: one
    ``select`` over the table."""
    cols = [c for c in columns if c != time_column]
    if not cols:
        return {}
    lazy = frame.lazy()
    anchor = pl.col(time_column).cast(pl.Datetime("us"))
    exprs = []
    for i, c in enumerate(cols):
        x = pl.col(c).cast(pl.Datetime("us"))
        both = x.is_not_null() & anchor.is_not_null()
        exprs += [(both & (x > anchor)).sum().alias(f"a{i}"), both.sum().alias(f"b{i}")]
    row = lazy.select(exprs).collect().row(0)
    return {c: row[2 * i] / row[2 * i + 1] for i, c in enumerate(cols) if row[2 * i + 1]}


_THRESHOLDS = {
    "iv_min": f"{LEAK_IV:g}",
    "auc_min": f"{LEAK_AUC:.2f}",
    "min_events": LEAK_MIN_EVENTS,
    "copy_min": f"{100 * COPY_SHARE:g}",
}


def _evidence_text(p: Mapping[str, object], lang: str | None) -> str:
    parts = [
        t(f"signals.leak.evidence.{e}", lang, **{**_THRESHOLDS, **{k: v for k, v in p.items() if k != "evidence"}})
        for e in str(p.get("evidence") or "").split(",")
        if e
    ]
    return "; ".join(parts)


def message(code: str, column: str, params: Mapping[str, object], lang: str | None = None) -> str:
    """The words of a ``leakage_suspect`` or ``strong_predictor`` finding, the same on every page.

    ``params`` are ``LeakageGrade.params()`` plus ``target``, and ``mark``/``comment`` when a domain expert
    has said when the column is known (``workbench.signals.timing``)."""
    p = {k: v for k, v in params.items()}
    text = t(
        f"profile.alert.{code}",
        lang,
        column=column,
        target=p.get("target", ""),
        iv=p.get("iv", "-"),
        auc=p.get("auc", "-"),
        evidence=_evidence_text(p, lang),
    )
    if p.get("mark"):
        text += " " + t(f"signals.mark.said_{p['mark']}", lang, comment=p.get("comment") or "-", who=p.get("who", "-"))
    return text
