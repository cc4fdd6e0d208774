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
    "very_strong": "#d68910",
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


def _has_hangul(text: str | None) -> bool:
    return bool(text) and any("\uac00" <= ch <= "\ud7a3" for ch in text)


def readable(fig: go.Figure) -> go.Figure:
    """Last touches every chart gets before it is drawn, so labels never collide:

    - a Korean y-axis title is written horizontally above its axis (plotly turns it 90°, which stacks Hangul
      syllables one under another), on the left for a left axis, on the right for a right one;
    - a horizontal legend sits above the plot instead of under it, where it covered the first category labels
      of the x-axis, and never at the top left a moved axis title holds: right-aligned, or centred when a
      right-hand axis title already holds the right corner;
    - axes grow their margins to fit their tick labels (long month or category names are not cut);
    - dates are ticked as 2024-01, not as plotly's English month names.
    """
    layout = fig.layout
    top = 0
    right_title = left_title = False
    for name in [k for k in layout.to_plotly_json() if k.startswith("yaxis")]:
        axis = layout[name]
        text = axis.title.text if axis.title else None
        if not _has_hangul(text):
            continue
        right = axis.side == "right"
        x_name = "xaxis" + (axis.anchor[1:] if axis.anchor and axis.anchor not in ("x", "free") else "")
        domain = layout[x_name].domain if x_name in layout and layout[x_name].domain else (0, 1)
        y_top = axis.domain[1] if axis.domain else 1
        fig.add_annotation(
            text=text,
            xref="paper",
            yref="paper",
            x=domain[1] if right else domain[0],
            y=y_top,
            xanchor="right" if right else "left",
            yanchor="bottom",
            yshift=4,
            showarrow=False,
            font={"size": 12, "color": "#555"},
        )
        axis.title.text = None
        right_title = right_title or right
        left_title = left_title or not right
        top = 24
    legend = layout.legend
    # under the plot, or above it at the left where a moved axis title now sits (a chart's own y=1.1)
    if legend.orientation == "h" and (legend.y is None or legend.y < 0 or (left_title and not legend.xanchor)):
        x, anchor = (0.5, "center") if right_title else (1, "right")
        fig.update_layout(legend={"orientation": "h", "x": x, "xanchor": anchor, "y": 1.0, "yanchor": "bottom"})
        top = max(top, 28)
    if top:
        margin_top = layout.margin.t if layout.margin.t is not None else 20
        fig.update_layout(margin={"t": margin_top + top})
    if layout.xaxis.type == "date" or any(_dated(tr.x) for tr in fig.data if getattr(tr, "x", None) is not None):
        # plotly names months in English ("Jan", "Apr") whatever the page's language: numbers instead
        fig.update_xaxes(tickformat="%Y-%m")
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    return fig


def _dated(values) -> bool:
    import datetime as dt

    import numpy as np

    first = next((v for v in values if v is not None), None) if len(values) else None
    return isinstance(first, dt.date | np.datetime64) or (
        isinstance(first, str) and len(first) >= 10 and first[4] == "-" and first[7] == "-" and first[:4].isdigit()
    )
