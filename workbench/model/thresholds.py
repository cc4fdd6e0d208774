"""Precision, recall and F1 at every threshold on the stored grid, from a split's confusion matrices.

Calling "event" every score at or above a threshold trades bad customers caught (recall) against the share
of flagged customers who really are bad (precision); F1 is their harmonic mean. The numbers come from the
run's own confusion matrices (``BinaryCurves.confusion`` on 0.00 … 1.00), so the chart, the card and a
stored run after a reload all agree with the confusion matrix on screen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from workbench.model.metrics import BinaryCurves


@dataclass(frozen=True)
class ThresholdRow:
    threshold: float
    precision: float  # NaN when nothing is called an event (no precision to speak of)
    recall: float
    f1: float
    flagged: float  # share of rows called an event


@dataclass(frozen=True)
class ThresholdCurve:
    rows: tuple[ThresholdRow, ...]

    @property
    def best_f1(self) -> ThresholdRow:
        """The threshold with the highest F1 (the lowest such threshold on a tie)."""
        scored = [r for r in self.rows if not math.isnan(r.f1)]
        return max(scored, key=lambda r: (r.f1, -r.threshold)) if scored else self.rows[0]

    def at(self, threshold: float) -> ThresholdRow:
        return min(self.rows, key=lambda r: abs(r.threshold - threshold))


def threshold_curve(curves: BinaryCurves) -> ThresholdCurve:
    rows = []
    for th, (tn, fp, fn, tp) in zip(curves.thresholds, curves.confusion, strict=True):
        called, events, total = tp + fp, tp + fn, tn + fp + fn + tp
        precision = tp / called if called else math.nan
        recall = tp / events if events else math.nan
        both = precision + recall
        f1 = 2 * precision * recall / both if called and events and both > 0 else (0.0 if called else math.nan)
        rows.append(ThresholdRow(float(th), precision, recall, f1, called / total if total else math.nan))
    return ThresholdCurve(tuple(rows))
