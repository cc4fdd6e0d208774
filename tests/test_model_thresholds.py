"""Precision, recall and F1 against the threshold, from the run's own confusion matrices."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from workbench.model.metrics import binary_curves
from workbench.model.thresholds import threshold_curve


@pytest.fixture
def scored():
    rng = np.random.default_rng(7)
    y = (rng.random(4_000) < 0.08).astype(float)  # a bank's default rate
    p = np.clip(0.05 + 0.35 * y + rng.normal(0, 0.12, y.size), 0, 1)
    return y, p


def test_each_threshold_agrees_with_counting_rows(scored):
    y, p = scored
    curve = threshold_curve(binary_curves(y, p))
    for th in (0.1, 0.25, 0.4):
        called = p >= th
        tp = float((called & (y == 1)).sum())
        precision, recall = tp / called.sum(), tp / (y == 1).sum()
        row = curve.at(th)
        assert row.threshold == pytest.approx(th)
        assert row.precision == pytest.approx(precision)
        assert row.recall == pytest.approx(recall)
        assert row.f1 == pytest.approx(2 * precision * recall / (precision + recall))
        assert row.flagged == pytest.approx(called.mean())


def test_recall_falls_as_the_threshold_rises_and_best_f1_is_the_maximum(scored):
    curve = threshold_curve(binary_curves(*scored))
    recalls = [r.recall for r in curve.rows]
    assert recalls[0] == 1.0 and all(a >= b for a, b in itertools.pairwise(recalls))
    best = curve.best_f1
    assert best.f1 == max(r.f1 for r in curve.rows if not math.isnan(r.f1))
    assert 0.1 < best.threshold < 0.5


def test_nobody_flagged_has_no_precision_rather_than_a_made_up_one():
    y = np.array([0, 0, 1, 1], dtype=float)
    p = np.array([0.1, 0.2, 0.3, 0.4])
    top = threshold_curve(binary_curves(y, p)).at(1.0)
    assert math.isnan(top.precision) and top.recall == 0.0 and top.flagged == 0.0


def test_the_chart_draws_three_lines_and_marks_best_f1(scored):
    from types import SimpleNamespace

    from workbench.charts.model import threshold_metrics_chart

    result = SimpleNamespace(curves={"test": binary_curves(*scored)}, threshold=0.08)
    fig = threshold_metrics_chart(result)
    names = [tr.name for tr in fig.data]
    assert names[:3] == ["정밀도", "재현율", "F1"] and "F1 최대" in names[3]
    assert fig.layout.shapes[0].x0 == pytest.approx(0.08)  # the threshold in use
