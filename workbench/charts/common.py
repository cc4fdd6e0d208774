"""Shared chart styling: one plotly template, a colour-blind-safe palette, system fonts only (no web fonts)."""

from __future__ import annotations

import plotly.graph_objects as go

FONT = "Pretendard, 'Noto Sans KR', 'Malgun Gothic', 'Apple SD Gothic Neo', system-ui, sans-serif"
PALETTE = ("#1f6fb2", "#e07b39", "#3a9d5d", "#c0392b", "#7b5ea7", "#8c6d31", "#d45d9a", "#5f6b73")
SEVERITY_COLORS = {"high": "#c0392b", "medium": "#e07b39", "low": "#7f8c8d"}
BAND_COLORS = {
    "useless": "#bdc3c7",
    "weak": "#85c1e9",
    "medium": "#2e86c1",
    "strong": "#1b4f72",
    "suspicious": "#c0392b",
    "stable": "#3a9d5d",
    "shifting": "#e0a339",
    "major": "#c0392b",
}
MISSING_COLOR = "#95a5a6"


def _template() -> go.layout.Template:
    """plotly_white cut down to what flat 2-D charts read (axes, backgrounds, bar/heatmap/scatter defaults).

    Every figure deep-copies its template; the full plotly_white carries settings for 3-D scenes, maps,
    polar and ternary axes and 24 trace types, which made building a figure take about 20 ms (a 50-column
    report spent 1.4 s on template copies alone)."""
    import plotly.io as pio

    white = pio.templates["plotly_white"].to_plotly_json()
    layout = {k: v for k, v in white["layout"].items() if k not in ("polar", "ternary", "scene", "geo", "colorway")}
    data = {k: v for k, v in white["data"].items() if k in ("bar", "heatmap", "scatter", "histogram")}
    return go.layout.Template(layout=layout, data=data)


TEMPLATE = _template()


def base_figure(title: str | None = None, *, height: int = 360) -> go.Figure:
    """An empty figure in the Workbench style (white, system fonts, compact margins)."""
    fig = go.Figure()
    fig.update_layout(
        template=TEMPLATE,
        font={"family": FONT, "size": 13},
        title={"text": title, "x": 0, "xanchor": "left"} if title else None,
        height=height,
        margin={"l": 10, "r": 10, "t": 50 if title else 20, "b": 10},
        colorway=list(PALETTE),
        legend={"orientation": "h", "y": -0.15},
    )
    return fig
