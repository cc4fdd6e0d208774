"""Twenty-one "strong predictor" boxes in a row buried the one about overfitting on the sample's modelling
table: warnings of one kind come as one box with their list folded under it, each message still there."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from workbench.i18n import t
from workbench.model.warnings import GROUP_AT, group_warnings

STRONG = [("strong_predictor", "warning", f"'f{i}' is very strong (IV 0.{60 + i})") for i in range(21)]
OVERFIT = ("overfit", "warning", "train AUC 0.93 against validation 0.71")
LEAK = ("leakage_suspect", "danger", "'days_overdue_after' looks like a leak")


def test_many_of_a_kind_are_one_group_dangers_first_and_nothing_is_dropped():
    groups = group_warnings([*STRONG[:10], OVERFIT, *STRONG[10:], LEAK])
    assert [(g.code, len(g.messages), g.grouped) for g in groups] == [
        ("leakage_suspect", 1, False),
        ("strong_predictor", 21, True),
        ("overfit", 1, False),
    ]
    assert groups[1].messages == tuple(m for _, _, m in STRONG)  # in the order raised


def test_a_few_of_a_kind_stay_separate_and_a_danger_makes_the_group_red():
    few = group_warnings(STRONG[: GROUP_AT - 1])
    assert [len(g.messages) for g in few] == [1] * (GROUP_AT - 1)
    mixed = group_warnings([*STRONG[:3], ("strong_predictor", "danger", "worse")])
    assert [(g.severity, len(g.messages)) for g in mixed] == [("danger", 4)]


def draw(warnings):
    from workbench.ui.model_views import warning_boxes

    warning_boxes(warnings)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_model_page_shows_one_box_per_kind_with_the_list_folded(lang, monkeypatch):
    monkeypatch.setenv("WORKBENCH_LANG", lang)
    at = AppTest.from_function(draw, kwargs={"warnings": [*STRONG, OVERFIT, LEAK]}).run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [LEAK[2]]
    boxes = [w.value for w in at.warning]
    title = t("model.warning_title.strong_predictor", lang)
    assert boxes == [t("model.warnings.group", lang, title=title, n=21), OVERFIT[2]]
    assert at.expander[0].label == t("model.warnings.group_list", lang, n=21)
    listed = at.expander[0].markdown[0].value
    assert all(m in listed for _, _, m in STRONG)
