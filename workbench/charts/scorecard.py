"""Scorecard charts: rows and bad rate per bin of a characteristic (the bin editor's picture), bad rate per
grade, and the score distribution of goods and bads. Pure: a result frame in, a plotly figure out."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from workbench.charts.common import PALETTE, base_figure
from workbench.i18n import t


def _rows_and_rate(x: list[str], rows: list[int], rate: list[float | None], title: str, x_title: str) -> go.Figure:
    fig = base_figure(title, height=340)
    fig.add_bar(x=x, y=rows, name=t("scorecard.chart.rows"), marker_color=PALETTE[0], opacity=0.55)
    layout = {
        "xaxis": {"title": x_title, "type": "category"},
        "yaxis": {"title": t("scorecard.chart.rows")},
        "legend": {"orientation": "h", "y": -0.25},
    }
    if any(r is not None for r in rate):  # no outcomes yet (new data): rows alone, no empty rate axis
        fig.add_scatter(
            x=x, y=rate, name=t("scorecard.chart.bad_rate"), yaxis="y2", mode="lines+markers", marker_color=PALETTE[3]
        )
        layout["yaxis2"] = {"title": t("scorecard.chart.bad_rate"), "overlaying": "y", "side": "right",
                            "tickformat": ".1%", "rangemode": "tozero"}  # fmt: skip
    fig.update_layout(**layout)
    return fig


def bins_chart(bins: pl.DataFrame, feature: str) -> go.Figure:
    """``FeatureBins.frame()``: rows as bars, bad rate as a line, one tick per bin label."""
    labels = [f"{k}: {label}" for k, label in zip(bins["bin"], bins["label"], strict=True)]
    return _rows_and_rate(
        labels, bins["rows"].to_list(), bins["bad_rate"].to_list(), t("scorecard.chart.bins", feature=feature),
        t("scorecard.chart.bin"),
    )  # fmt: skip


def bands_chart(bands: pl.DataFrame) -> go.Figure:
    """``points.band_table`` with outcomes: rows per grade and bad rate (grade 1 best)."""
    rate = bands["bad_rate"].to_list() if "bad_rate" in bands.columns else [None] * bands.height
    return _rows_and_rate(
        [str(b) for b in bands["band"]], bands["rows"].to_list(), rate, t("scorecard.chart.bands"),
        t("scorecard.chart.band"),
    )  # fmt: skip


def distribution_chart(distribution: pl.DataFrame) -> go.Figure:
    """``points.score_distribution``: goods and bads per score bucket, stacked."""
    fig = base_figure(t("scorecard.chart.distribution"), height=320)
    x = distribution["score_from"].to_list()
    fig.add_bar(x=x, y=distribution["goods"].to_list(), name=t("scorecard.chart.goods"), marker_color=PALETTE[0])
    fig.add_bar(x=x, y=distribution["bads"].to_list(), name=t("scorecard.chart.bads"), marker_color=PALETTE[3])
    fig.update_layout(
        barmode="stack", xaxis={"title": t("scorecard.chart.score")}, yaxis={"title": t("scorecard.chart.rows")}
    )
    return fig


def vintage_chart(vintages: pl.DataFrame) -> go.Figure:
    """``monitor.vintage_bad_rates``: bad rate per grade, one line per vintage (grade 1 best, left)."""
    fig = base_figure(t("scorecard.chart.vintages"), height=340)
    for k, (vintage, part) in enumerate(vintages.sort("vintage", "band").group_by("vintage", maintain_order=True)):
        fig.add_scatter(
            x=[str(b) for b in part["band"]], y=part["bad_rate"].to_list(), name=str(vintage[0])[:10],
            mode="lines+markers", marker_color=PALETTE[k % len(PALETTE)],
            customdata=part["rows"].to_list(), hovertemplate="%{y:.1%} (%{customdata})",
        )  # fmt: skip
    fig.update_layout(
        xaxis={"title": t("scorecard.chart.band"), "type": "category"},
        yaxis={"title": t("scorecard.chart.bad_rate"), "tickformat": ".1%", "rangemode": "tozero"},
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


def challenge_chart(champion: pl.DataFrame, challenger: pl.DataFrame, names: tuple[str, str]) -> go.Figure:
    """Two runs' ``band_table`` on the same rows, side by side: bad rate per grade once outcomes are known,
    else the share of rows per grade."""
    known = "bad_rate" in champion.columns
    column = "bad_rate" if known else "share"
    fig = base_figure(t("scorecard.chart.challenge"), height=340)
    for k, (name, bands) in enumerate(zip(names, (champion, challenger), strict=True)):
        x = [str(b) for b in bands["band"]]
        fig.add_bar(x=x, y=bands[column].to_list(), name=name, marker_color=PALETTE[k * 3])
    fig.update_layout(
        barmode="group",
        xaxis={"title": t("scorecard.chart.band"), "type": "category"},
        yaxis={"title": t("scorecard.chart.bad_rate" if known else "scorecard.chart.share"), "tickformat": ".1%"},
        legend={"orientation": "h", "y": -0.25},
    )
    return fig
