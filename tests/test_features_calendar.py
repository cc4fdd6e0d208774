"""The cutoff's month and weekday say when an application came, not who applied: a month scored later holds
one value of them, so they are never selected automatically; an expert decides (reason ``calendar_review``)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from test_features_generate import OUT_IN, SCHEMA, bank_frames, masked

from workbench.charts.features import iv_ranking
from workbench.features.pipeline import build_features
from workbench.features.plan import PlanOptions
from workbench.features.project import FeatureProject
from workbench.features.relations import Relations
from workbench.features.review import FLAGS
from workbench.features.selection import ranked_table
from workbench.i18n import t


@pytest.fixture(scope="module")
def run():
    """Weekend applications default three times as often: the weekday is strong and stable over periods."""
    frames = bank_frames(1500, 10)
    rng = np.random.default_rng(11)
    loans = frames["loans"]
    weekend = loans["applied_at"].dt.weekday().to_numpy() >= 6
    y = (rng.random(loans.height) < np.where(weekend, 0.45, 0.15)).astype(np.int8)
    frames["loans"] = loans.with_columns(pl.Series("default_12m", y))
    project = FeatureProject(Relations.from_dict(SCHEMA), PlanOptions(windows=(90,), ratios=(OUT_IN,)))
    return build_features(project, masked(frames))


def test_a_strong_stable_weekday_waits_for_an_expert_instead_of_being_selected(run):
    scores = {s.name: s for s in run.scores}
    recs = {r.name: r for r in run.recommendations}
    weekday = next(s.name for s in run.specs if s.aggregation == "cutoff_weekday")
    month = next(s.name for s in run.specs if s.aggregation == "cutoff_month")
    assert scores[weekday].iv > 0.1 and not scores[weekday].unstable(run.thresholds.max_psi)  # it would be selected
    assert recs[weekday].reason == "calendar_review" and not recs[weekday].selected
    assert not recs[month].selected
    assert weekday not in run.selected and month not in run.selected
    assert any(r.selected for r in run.recommendations)  # the rest of the build is untouched


def test_the_reason_is_explained_filtered_and_drawn_in_both_languages(run):
    assert "calendar_review" in FLAGS
    weekday = next(s.name for s in run.specs if s.aggregation == "cutoff_weekday")
    for lang, word in (("ko", "언제"), ("en", "when, not who")):
        table = ranked_table(run.specs, run.scores, run.recommendations, run.thresholds, lang=lang)
        reason = table.filter(pl.col("name") == weekday)["reason"].item()
        assert word in reason and "{" not in reason
        figure = iv_ranking(table, top=len(run.specs), lang=lang)
        drawn = {y for trace in figure.data for y in trace.y}
        assert weekday in drawn  # every decision has its colour: nothing falls out of the chart
        assert t("features.decision.calendar_review", lang) in {trace.name for trace in figure.data}
