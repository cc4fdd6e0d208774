"""Profile charts: pure functions from profile results to plotly figures (no statistics computed here).

Labels come from the i18n catalog in the current language; every figure has a "how to read this" text in
``profile.read.*`` that the page and the HTML report show next to it.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go

from workbench.charts.common import BAND_COLORS, MISSING_COLOR, PALETTE, base_figure
from workbench.i18n import t
from workbench.profile.columns import ColumnProfile, TableProfile
from workbench.profile.correlations import Correlations
from workbench.profile.explore import COUNT, PairView
from workbench.profile.stability import Stability
from workbench.profile.target import BinTable, TargetAnalysis


def missing_bars(profile: TableProfile) -> go.Figure:
    """Share of missing values per column (null and NaN stacked), most missing first."""
    cols = sorted(profile.columns, key=lambda c: -c.missing_share)
    fig = base_figure(t("profile.chart.missing_title"), height=max(260, 22 * len(cols) + 80))
    names = [c.name for c in cols][::-1]
    fig.add_bar(
        y=names,
        x=[100 * c.n_null / max(c.rows, 1) for c in cols][::-1],
        name="null",
        orientation="h",
        marker_color=MISSING_COLOR,
    )
    fig.add_bar(
        y=names,
        x=[100 * c.n_nan / max(c.rows, 1) for c in cols][::-1],
        name="NaN",
        orientation="h",
        marker_color=PALETTE[1],
    )
    fig.update_layout(barmode="stack", xaxis_title=t("profile.chart.missing_pct"), xaxis_range=[0, 100])
    return fig


def missing_patterns(profile: TableProfile) -> go.Figure:
    """The most frequent combinations of missing columns: one row per pattern, a dark cell = missing."""
    pats = profile.missing_patterns
    cols = sorted({c for p in pats for c in p.columns})
    fig = base_figure(t("profile.chart.patterns_title"), height=max(220, 28 * len(pats) + 120))
    if not pats or not cols:
        fig.add_annotation(
            text=t("profile.chart.no_missing"), showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper"
        )
        return fig
    labels = [f"{p.count:,} ({100 * p.count / max(profile.rows, 1):.1f}%)" for p in pats]
    z = [[1 if c in p.columns else 0 for c in cols] for p in pats]
    fig.add_heatmap(
        z=z,
        x=cols,
        y=labels,
        colorscale=[[0, "#ecf0f1"], [1, "#34495e"]],
        showscale=False,
        xgap=2,
        ygap=2,
        hovertemplate="%{x}<br>%{y}<extra></extra>",
    )
    fig.update_yaxes(autorange="reversed", title=t("profile.chart.rows"))
    return fig


def kinds_bar(profile: TableProfile) -> go.Figure:
    kinds = profile.kinds
    fig = base_figure(t("profile.chart.kinds_title"), height=260)
    fig.add_bar(x=[t(f"profile.kind.{k}") for k in kinds], y=list(kinds.values()), marker_color=PALETTE[0])
    fig.update_layout(yaxis_title=t("profile.chart.columns"))
    return fig


def _draws_histogram(column: ColumnProfile) -> bool:
    return bool(column.histogram) and column.kind in ("numeric", "date")


def has_distribution(column: ColumnProfile) -> bool:
    """Whether ``column_distribution`` has anything to draw: an identifier's values all differ (ten equal
    bars say nothing), and a column with no histogram and no counted top values leaves an empty frame."""
    return column.kind != "id_like" and (_draws_histogram(column) or bool(column.top))


def codes_text(column: ColumnProfile) -> str:
    """The special codes of a column with their counts and shares: "-1: 2,487 (82.9 %)"."""
    return ", ".join(f"{s.value:g}: {s.count:,} ({100 * s.share:.1f} %)" for s in column.special_codes)


def column_distribution(column: ColumnProfile) -> go.Figure:
    """Histogram for numeric and date columns, top values with shares for the others."""
    if _draws_histogram(column):
        fig = base_figure(t("profile.chart.histogram_title", column=column.name))
        lefts = [a for a, _, _ in column.histogram]
        rights = [b for _, b, _ in column.histogram]
        if column.kind == "date":
            from datetime import date, timedelta

            epoch = date(1970, 1, 1)
            centers = [str(epoch + timedelta(days=int((a + b) / 2))) for a, b in zip(lefts, rights, strict=True)]
            widths = None
        else:
            centers = [(a + b) / 2 for a, b in zip(lefts, rights, strict=True)]
            widths = [b - a for a, b in zip(lefts, rights, strict=True)]
        fig.add_bar(x=centers, y=[n for *_, n in column.histogram], width=widths, marker_color=PALETTE[0])
        fig.update_layout(bargap=0.02, yaxis_title=t("profile.chart.rows"))
        if column.special_codes:  # counted apart, not in the bars: named above the chart with their shares
            fig.add_annotation(
                text=t("signals.codes.apart", codes=codes_text(column)),
                xref="paper",
                yref="paper",
                x=0,
                y=1.0,
                yanchor="bottom",
                showarrow=False,
                font={"color": PALETTE[3]},
            )
        return fig
    fig = base_figure(t("profile.chart.top_title", column=column.name))
    top = list(column.top)[::-1]
    fig.add_bar(
        y=[v.value for v in top],
        x=[100 * v.share for v in top],
        orientation="h",
        marker_color=PALETTE[0],
        text=[f"{v.count:,}" for v in top],
        textposition="auto",
    )
    fig.update_layout(xaxis_title=t("profile.chart.share_pct"))
    return fig


def correlation_heatmap(corr: Correlations, method: str = "pearson") -> go.Figure:
    """Pearson/Spearman (−1…1) over numeric columns, or Cramér's V (0…1) over categoricals."""
    if method == "cramers_v":
        names, m, zmin = corr.categorical, corr.cramers_v, 0.0
    else:
        names, m, zmin = corr.numeric, corr.spearman if method == "spearman" else corr.pearson, -1.0
    title = t("profile.chart.corr_title", method=t(f"profile.method.{method}"), n=f"{corr.sample_size:,}")
    fig = base_figure(title, height=max(360, 18 * len(names) + 140))
    z = [[None if (isinstance(v, float) and math.isnan(v)) else round(v, 3) for v in row] for row in m]
    fig.add_heatmap(
        z=z,
        x=list(names),
        y=list(names),
        zmin=zmin,
        zmax=1.0,
        colorscale="RdBu" if zmin < 0 else "Blues",
        reversescale=zmin < 0,
        hovertemplate="%{y} × %{x}: %{z}<extra></extra>",
    )
    fig.update_yaxes(autorange="reversed")
    return fig


def iv_bars(target: TargetAnalysis, top: int = 30) -> go.Figure:
    """IV per feature, coloured by band; the dashed lines are the band limits (0.02, 0.1, 0.3, 0.5)."""
    tables = list(target.tables[:top])[::-1]
    fig = base_figure(
        t("profile.chart.iv_title", target=target.target, event=target.event), height=max(300, 22 * len(tables) + 100)
    )
    fig.add_bar(
        y=[tb.feature for tb in tables],
        x=[tb.iv for tb in tables],
        orientation="h",
        marker_color=[BAND_COLORS[tb.band] for tb in tables],
        customdata=[[t(f"profile.iv_band.{tb.band}"), tb.auc, tb.ks] for tb in tables],
        hovertemplate=(
            "%{y}: IV %{x:.3f}<br>%{customdata[0]}<br>AUC %{customdata[1]:.3f}, KS %{customdata[2]:.3f}<extra></extra>"
        ),
    )
    for limit in (0.02, 0.1, 0.3, 0.5):
        fig.add_vline(x=limit, line_dash="dot", line_color="#7f8c8d")
    fig.update_layout(xaxis_title="IV")
    return fig


def woe_chart(table: BinTable) -> go.Figure:
    """Rows per bin (bars) and event rate per bin (line, right axis); missing and special bins first."""
    used = table.used
    labels = [b.label for b in used]
    fig = base_figure(t("profile.chart.woe_title", feature=table.feature, iv=f"{table.iv:.3f}"))
    fig.add_bar(x=labels, y=[b.total for b in used], name=t("profile.chart.rows"), marker_color="#aed6f1")
    fig.add_scatter(
        x=labels,
        y=[100 * (b.event_rate or 0) for b in used],
        name=t("profile.chart.event_rate"),
        yaxis="y2",
        mode="lines+markers",
        line_color=PALETTE[3],
        customdata=[[w] for w in table.woe],
        hovertemplate="%{x}: %{y:.2f}% (WOE %{customdata[0]:.3f})<extra></extra>",
    )
    fig.update_layout(
        yaxis={"title": t("profile.chart.rows")},
        yaxis2={"title": t("profile.chart.event_rate"), "overlaying": "y", "side": "right", "rangemode": "tozero"},
        xaxis={"type": "category"},
    )
    return fig


def psi_trend(stability: Stability, features: list[str] | None = None) -> go.Figure:
    """PSI of each feature per period against the reference, with the 0.1 and 0.25 band limits."""
    feats = [stability.feature(f) for f in features] if features else list(stability.features[:8])
    fig = base_figure(t("profile.chart.psi_title"))
    for f in feats:
        fig.add_scatter(x=list(stability.periods), y=list(f.psi), name=f.feature, mode="lines+markers")
    fig.add_hline(y=0.1, line_dash="dot", line_color=BAND_COLORS["shifting"])
    fig.add_hline(y=0.25, line_dash="dot", line_color=BAND_COLORS["major"])
    fig.update_layout(yaxis_title="PSI", xaxis={"type": "category"})
    return fig


def psi_bars(stability: Stability, top: int = 30) -> go.Figure:
    feats = list(stability.features[:top])[::-1]
    fig = base_figure(t("profile.chart.psi_max_title"), height=max(300, 22 * len(feats) + 100))
    fig.add_bar(
        y=[f.feature for f in feats],
        x=[f.max_psi for f in feats],
        orientation="h",
        marker_color=[BAND_COLORS[f.band] for f in feats],
    )
    fig.update_layout(xaxis_title="PSI")
    return fig


# chart function → catalog key of its "how to read this" text
READ_KEYS: dict[str, str] = {
    "missing_bars": "profile.read.missing",
    "missing_patterns": "profile.read.patterns",
    "kinds_bar": "profile.read.kinds",
    "column_distribution": "profile.read.distribution",
    "correlation_heatmap": "profile.read.correlation",
    "iv_bars": "profile.read.iv",
    "woe_chart": "profile.read.woe",
    "psi_trend": "profile.read.psi_trend",
    "psi_bars": "profile.read.psi",
    "stability_bins": "profile.read.psi_bins",
}


def stability_bins(stability: Stability, feature: str, period: int = -1) -> go.Figure:
    """Share of rows per bin: the reference against one period (default: the last) or the current dataset."""
    f = stability.feature(feature)
    k = period % len(stability.periods)
    ref, cur = f.counts[0], f.counts[k]
    used = [i for i in range(len(f.labels)) if ref[i] or cur[i]]
    labels = [f.labels[i] for i in used]
    fig = base_figure(t("profile.chart.psi_bins_title", feature=feature, psi=f"{f.psi[k]:.3f}"))
    for counts, name, color in ((ref, stability.periods[0], PALETTE[0]), (cur, stability.periods[k], PALETTE[1])):
        total = sum(counts) or 1
        fig.add_bar(x=labels, y=[100 * counts[i] / total for i in used], name=name, marker_color=color)
    fig.update_layout(barmode="group", yaxis_title=t("profile.chart.share_pct"), xaxis={"type": "category"})
    return fig


def pair_chart(view: PairView) -> go.Figure:
    """Two columns against each other: points (a density past a few thousand rows) for two numbers, boxes
    per category for a number against categories, a count heatmap for two categorical columns."""
    frame = view.frame
    fig = base_figure(t("profile.explore.pair_title", x=view.x, y=view.y), height=440)
    if view.x_numeric and view.y_numeric:
        if view.dense:
            fig.add_trace(go.Histogram2d(x=frame["x"], y=frame["y"], nbinsx=60, nbinsy=60, colorscale="Blues"))
        else:
            fig.add_scatter(x=frame["x"], y=frame["y"], mode="markers", marker={"size": 5, "opacity": 0.6})
    elif view.x_numeric or view.y_numeric:
        fig.add_trace(go.Box(x=frame["x"], y=frame["y"], orientation="h" if view.x_numeric else "v", boxpoints=False))
    else:
        fig.add_trace(
            go.Heatmap(
                x=frame["x"], y=frame["y"], z=frame[COUNT], colorscale="Blues", showscale=False, hoverongaps=False
            )
        )
        fig.update_xaxes(type="category")
        fig.update_yaxes(type="category")
    fig.update_layout(xaxis_title=view.x, yaxis_title=view.y, showlegend=False)
    return fig
