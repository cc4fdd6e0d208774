"""Layout that reads well: one number format, missing cells marked from the catalog, times in the bank's zone,
result headers from the catalog, Korean axis titles written horizontally, legends clear of the labels."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import polars as pl
import pytest
from plotly.subplots import make_subplots

from workbench.charts.common import base_figure, readable
from workbench.i18n import set_language, t
from workbench.i18n.formats import number, percent, when


def test_one_number_format_for_amounts_rates_and_missing():
    assert number(1234567) == "1,234,567"
    assert number(26520.4) == "26,520"  # not 2.652e+04
    assert number(3.0) == "3"
    assert number(0.123456) == "0.1235"
    assert number(0.7234, digits=3) == "0.723"
    assert number(None) == number(float("nan")) == t("table.missing") == "–"
    assert percent(0.1234) == "12.3%"


def test_times_are_shown_in_seoul_by_default_and_the_zone_is_configurable(monkeypatch):
    stored = datetime(2026, 12, 5, 3, 5, tzinfo=UTC)
    monkeypatch.delenv("WORKBENCH_TZ", raising=False)
    assert when(stored) == "2026-12-05 12:05"
    assert when("2026-12-05T03:05:00") == "2026-12-05 12:05"  # a naive stored time is UTC
    monkeypatch.setenv("WORKBENCH_TZ", "Europe/London")
    assert when(stored) == "2026-12-05 03:05"
    monkeypatch.setenv("WORKBENCH_TZ", "Mars/Olympus")  # a typo falls back to Seoul instead of failing a page
    assert when(stored) == "2026-12-05 12:05"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("ko", ["실행", "데이터셋", "AUC", "지니", "순위", "customer_id"]),
        ("en", ["Run", "Dataset", "AUC", "Gini", "Rank", "customer_id"]),
    ],
)
def test_result_headers_come_from_the_catalog(lang, expected):
    from workbench.ui.tables import header

    set_language(lang)
    assert [header(c) for c in ("run", "dataset", "auc", "gini", "rank", "customer_id")] == expected


def test_missing_text_cells_get_the_mark_not_none():
    from workbench.ui.tables import with_missing_mark

    frame = pl.DataFrame({"split": ["random", None], "auc": [0.7, None]})
    shown = with_missing_mark(frame)
    assert shown["split"].to_list() == ["random", "–"]
    assert shown["auc"].to_list() == [0.7, None]  # numbers stay numbers (sortable, right-aligned)
    pdf = with_missing_mark(pd.DataFrame({"run": ["a", None]}))
    assert pdf["run"].tolist() == ["a", "–"]


def _has_hangul(text):
    return any("\uac00" <= ch <= "\ud7a3" for ch in text or "")


def test_korean_axis_titles_are_written_horizontally_above_the_axis():
    fig = base_figure("결측")
    fig.add_bar(x=["2024-01", "2024-02"], y=[3, 4], name="null")
    fig.add_bar(x=["2024-01", "2024-02"], y=[1, 2], name="NaN")
    fig.update_layout(yaxis_title="행 수", xaxis_title="월")
    readable(fig)
    assert not fig.layout.yaxis.title.text  # no rotated (stacked) Hangul left on the axis
    [note] = [a for a in fig.layout.annotations if a.text == "행 수"]
    assert note.textangle in (None, 0) and note.yanchor == "bottom" and note.xanchor == "left"
    assert fig.layout.xaxis.title.text == "월"  # x titles are horizontal already
    # the legend sits above the plot, clear of the first category label under the x-axis
    assert fig.layout.legend.y >= 1 and fig.layout.legend.yanchor == "bottom"
    assert fig.layout.xaxis.automargin and fig.layout.yaxis.automargin


def test_a_right_hand_korean_axis_title_goes_to_the_right():
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_bar(x=[1, 2], y=[10, 20])
    fig.add_scatter(x=[1, 2], y=[0.1, 0.2], secondary_y=True)
    fig.update_yaxes(title_text="행 수", secondary_y=False)
    fig.update_yaxes(title_text="불량률", secondary_y=True)
    readable(fig)
    notes = {a.text: a for a in fig.layout.annotations}
    assert notes["행 수"].xanchor == "left" and notes["불량률"].xanchor == "right"
    assert not any(_has_hangul(fig.layout[a].title.text) for a in ("yaxis", "yaxis2"))


def test_english_axis_titles_stay_on_the_axis():
    fig = base_figure()
    fig.add_bar(x=[1], y=[1])
    fig.update_layout(yaxis_title="Rows")
    readable(fig)
    assert fig.layout.yaxis.title.text == "Rows" and not fig.layout.annotations


def test_the_legend_leaves_the_right_corner_to_a_right_hand_axis_title():
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_bar(x=[1, 2], y=[10, 20], name="행 수")
    fig.add_scatter(x=[1, 2], y=[0.1, 0.2], secondary_y=True, name="불량률")
    fig.update_yaxes(title_text="행 수", secondary_y=False)
    fig.update_yaxes(title_text="불량률", secondary_y=True)
    fig.update_layout(legend={"orientation": "h", "y": -0.25})
    readable(fig)
    assert fig.layout.legend.xanchor == "center" and fig.layout.legend.x == 0.5  # the title holds the right corner
    one_axis = base_figure()
    one_axis.add_bar(x=[1], y=[1], name="행 수")
    one_axis.update_layout(yaxis_title="행 수", legend={"orientation": "h", "y": -0.25})
    readable(one_axis)
    assert one_axis.layout.legend.xanchor == "right"


def test_a_legend_placed_above_at_the_left_moves_off_the_moved_axis_title():
    """The review card's bins chart put its legend at y=1.1 at the left, where the horizontal "행 수" now sits:
    the two overlapped at 1280 px."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_bar(x=["a", "b"], y=[10, 20], name="행 수")
    fig.add_scatter(x=["a", "b"], y=[0.1, 0.2], secondary_y=True, name="부도율")
    fig.update_yaxes(title_text="행 수", secondary_y=False)
    fig.update_yaxes(title_text="부도율", secondary_y=True)
    fig.update_layout(legend={"orientation": "h", "y": 1.1})  # as bins_chart draws it
    readable(fig)
    assert fig.layout.legend.xanchor == "center" and fig.layout.legend.x == 0.5  # both top corners are titles' own
    left_only = base_figure()
    left_only.add_bar(x=[1], y=[1], name="행 수")
    left_only.update_layout(yaxis_title="행 수", legend={"orientation": "h", "y": 1.1})
    readable(left_only)
    assert left_only.layout.legend.xanchor == "right"
