"""Charts of feature results: pure functions from result objects to plotly figures (no statistics here)."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from workbench.features.scoring import FeatureScore
from workbench.i18n import t
from workbench.signals import leakage

_DECISION_COLOURS = {
    "selected": "#2e7d32",
    "selected_flagged": "#f9a825",
    "leakage_suspect": "#c62828",
    "redundant": "#78909c",
    "unstable": "#8e24aa",
    "snapshot_review": "#ab47bc",
    "calendar_review": "#7e57c2",
    "weak": "#b0bec5",
    "empty": "#cfd8dc",
}


def iv_ranking(table: pl.DataFrame, *, top: int = 30, lang: str | None = None) -> go.Figure:
    """Horizontal bars of IV for the ``top`` strongest features of a ranked table, coloured by decision."""
    rows = table.sort("iv", descending=True, nulls_last=True).head(top).reverse()
    fig = go.Figure()
    for code, colour in _DECISION_COLOURS.items():
        part = rows.filter(pl.col("reason_code") == code)
        if part.height:
            fig.add_bar(
                x=part["iv"].to_list(),
                y=part["name"].to_list(),
                orientation="h",
                marker_color=colour,
                name=t(f"features.decision.{code}", lang),
                customdata=part["description"].to_list(),
                hovertemplate="%{y}<br>%{customdata}<br>IV %{x:.3f}<extra></extra>",
            )
    fig.add_vline(x=0.02, line_dash="dot", line_color="#607d8b")
    fig.add_vline(x=leakage.STRONG_IV, line_dash="dot", line_color="#ef6c00")
    fig.add_vline(x=leakage.LEAK_IV, line_dash="dot", line_color="#c62828")
    fig.update_layout(
        barmode="overlay",
        height=max(320, 22 * rows.height + 80),
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis_title="IV",
        yaxis={"categoryorder": "array", "categoryarray": rows["name"].to_list()},
        legend={"orientation": "h", "y": 1.08},
    )
    return fig


def bins_chart(score: FeatureScore, *, lang: str | None = None) -> go.Figure:
    """Rows per bin (bars: the distribution) and the bad rate per bin (line), missing as its own bin."""
    labels = [t("features.chart.missing", lang) if b.label == "missing" else b.label for b in score.bins]
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_bar(x=labels, y=[b.n for b in score.bins], name=t("features.chart.rows", lang), marker_color="#90a4ae")
    fig.add_scatter(
        x=labels,
        y=[b.bad_rate for b in score.bins],
        name=t("features.chart.bad_rate", lang),
        mode="lines+markers",
        marker_color="#c62828",
        secondary_y=True,
    )
    fig.update_yaxes(title_text=t("features.chart.rows", lang), secondary_y=False)
    fig.update_yaxes(title_text=t("features.chart.bad_rate", lang), tickformat=".0%", secondary_y=True)
    fig.update_layout(height=340, margin={"l": 10, "r": 10, "t": 30, "b": 10}, legend={"orientation": "h", "y": 1.1})
    return fig
