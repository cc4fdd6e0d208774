"""Charts of a ``TrainingResult``: pure functions result → plotly ``Figure``; nothing is computed here that the
result does not already hold (curves, deciles, confusion grids and SHAP samples come from ``workbench.model``).

Every chart has a "how to read this" text under ``model.help.<name>`` in the catalog; ``CHARTS`` lists them so
the page, the model card and the tests walk the same registry.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from workbench.i18n import t
from workbench.i18n.formats import column_header
from workbench.model.baseline import TrainingResult

SPLIT_COLOURS = {"train": "#8c8c8c", "valid": "#1f77b4", "test": "#d62728"}
EVENT_COLOUR, NON_EVENT_COLOUR = "#d62728", "#1f77b4"
LAYOUT = {"template": "plotly_white", "height": 420, "margin": {"l": 60, "r": 20, "t": 60, "b": 50}}

# name → applies to tasks; the page and the card draw these in order, each with model.help.<name>
CHARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("roc", ("binary",)),
    ("pr", ("binary",)),
    ("ks", ("binary",)),
    ("lift", ("binary",)),
    ("gain", ("binary",)),
    ("calibration", ("binary",)),
    ("confusion", ("binary",)),
    ("threshold_metrics", ("binary",)),
    ("score_distribution", ("binary",)),
    ("importance", ("binary", "multiclass", "regression")),
    ("shap_beeswarm", ("binary", "multiclass", "regression")),
    ("shap_dependence", ("binary", "multiclass", "regression")),
    ("history", ("binary", "multiclass", "regression")),
)


def _split_name(name: str) -> str:
    return t(f"model.split.{name}")


def _layout(fig: go.Figure, title_key: str, x_key: str | None = None, y_key: str | None = None, **kw) -> go.Figure:
    title = kw.pop("title_text", None) or t(title_key)
    fig.update_layout(**{**LAYOUT, **kw, "title": title})
    if x_key:
        fig.update_xaxes(title=t(x_key))
    if y_key:
        fig.update_yaxes(title=t(y_key))
    return fig


def roc_chart(result: TrainingResult) -> go.Figure:
    fig = go.Figure()
    for name, c in result.curves.items():
        auc = result.metrics[name].auc
        fig.add_scatter(
            x=c.fpr,
            y=c.tpr,
            mode="lines",
            name=f"{_split_name(name)} AUC {auc:.3f}",
            line={"color": SPLIT_COLOURS[name]},
        )
    fig.add_scatter(
        x=[0, 1], y=[0, 1], mode="lines", name=t("model.chart.random"), line={"dash": "dot", "color": "#bbbbbb"}
    )
    fig.update_xaxes(range=[0, 1])
    fig.update_yaxes(range=[0, 1.02])
    return _layout(fig, "model.chart.roc", "model.chart.fpr", "model.chart.tpr")


def pr_chart(result: TrainingResult) -> go.Figure:
    fig = go.Figure()
    for name, c in result.curves.items():
        ap = result.metrics[name].pr_auc
        fig.add_scatter(
            x=c.recall,
            y=c.precision,
            mode="lines",
            name=f"{_split_name(name)} PR-AUC {ap:.3f}",
            line={"color": SPLIT_COLOURS[name]},
        )
        fig.add_hline(y=c.base_rate, line={"dash": "dot", "color": SPLIT_COLOURS[name]}, opacity=0.5)
    fig.update_xaxes(range=[0, 1])
    fig.update_yaxes(range=[0, 1.02])
    return _layout(fig, "model.chart.pr", "model.chart.recall", "model.chart.precision")


def ks_chart(result: TrainingResult, split: str = "test") -> go.Figure:
    c = result.curves[split]
    gap = np.abs(np.asarray(c.cum_events) - np.asarray(c.cum_non_events))
    at = int(gap.argmax())
    fig = go.Figure()
    fig.add_scatter(
        x=c.population, y=c.cum_events, mode="lines", name=t("model.chart.cum_events"), line={"color": EVENT_COLOUR}
    )
    fig.add_scatter(
        x=c.population,
        y=c.cum_non_events,
        mode="lines",
        name=t("model.chart.cum_non_events"),
        line={"color": NON_EVENT_COLOUR},
    )
    fig.add_scatter(
        x=[c.population[at]] * 2,
        y=[c.cum_non_events[at], c.cum_events[at]],
        mode="lines+text",
        name=f"KS {gap[at]:.3f}",
        line={"color": "black", "dash": "dash"},
        text=["", f"KS {gap[at]:.3f}"],
        textposition="top right",
    )
    return _layout(
        fig,
        "model.chart.ks",
        "model.chart.population",
        "model.chart.cumulative_share",
        title_text=f"{t('model.chart.ks')} · {_split_name(split)}",
    )


def lift_chart(result: TrainingResult, split: str = "test") -> go.Figure:
    d = result.curves[split].deciles
    fig = go.Figure()
    fig.add_bar(
        x=[r.decile for r in d],
        y=[r.lift for r in d],
        name=t("model.chart.lift"),
        marker_color="#1f77b4",
        text=[f"{r.event_rate:.1%}" for r in d],
        textposition="outside",
        hovertemplate="%{x}: lift %{y:.2f}<br>%{text}<extra></extra>",
    )
    fig.add_hline(y=1, line={"dash": "dot", "color": "#888"})
    fig.update_xaxes(tickmode="linear", dtick=1)
    return _layout(
        fig,
        "model.chart.lift",
        "model.chart.decile",
        "model.chart.lift",
        title_text=f"{t('model.chart.lift')} · {_split_name(split)}",
    )


def gain_chart(result: TrainingResult, split: str = "test") -> go.Figure:
    d = result.curves[split].deciles
    xs = [0.0, *[sum(r.rows for r in d[: i + 1]) / sum(r.rows for r in d) for i in range(len(d))]]
    fig = go.Figure()
    fig.add_scatter(
        x=xs,
        y=[0.0, *[r.cum_gain for r in d]],
        mode="lines+markers",
        name=t("model.chart.model"),
        line={"color": SPLIT_COLOURS[split]},
    )
    fig.add_scatter(
        x=[0, 1], y=[0, 1], mode="lines", name=t("model.chart.random"), line={"dash": "dot", "color": "#bbbbbb"}
    )
    fig.update_xaxes(tickformat=".0%")
    fig.update_yaxes(tickformat=".0%")
    return _layout(
        fig,
        "model.chart.gain",
        "model.chart.population",
        "model.chart.events_captured",
        title_text=f"{t('model.chart.gain')} · {_split_name(split)}",
    )


def calibration_chart(result: TrainingResult) -> go.Figure:
    fig = go.Figure()
    top = 0.0
    for name, c in result.curves.items():
        top = max(top, *c.calib_pred, *c.calib_obs)
        fig.add_scatter(
            x=c.calib_pred,
            y=c.calib_obs,
            mode="lines+markers",
            name=_split_name(name),
            line={"color": SPLIT_COLOURS[name]},
            customdata=c.calib_n,
            hovertemplate="pred %{x:.3f}<br>obs %{y:.3f}<br>n %{customdata}<extra></extra>",
        )
    fig.add_scatter(
        x=[0, top], y=[0, top], mode="lines", name=t("model.chart.perfect"), line={"dash": "dot", "color": "#bbbbbb"}
    )
    return _layout(fig, "model.chart.calibration", "model.chart.predicted", "model.chart.observed")


def _confusion_text(cm: tuple[int, int, int, int]) -> list[list[str]]:
    tn, fp, fn, tp = cm
    total = max(tn + fp + fn + tp, 1)
    return [
        [f"{tn:,}<br>({tn / total:.1%})", f"{fp:,}<br>({fp / total:.1%})"],
        [f"{fn:,}<br>({fn / total:.1%})", f"{tp:,}<br>({tp / total:.1%})"],
    ]


def confusion_chart(result: TrainingResult, split: str = "test", threshold: float | None = None) -> go.Figure:
    """Confusion matrix with a slider over the stored threshold grid (works in the offline card too);
    ``threshold`` picks the starting step (default: the run's threshold)."""
    c = result.curves[split]
    start = threshold if threshold is not None else (result.threshold or 0.5)
    active = int(np.argmin(np.abs(np.asarray(c.thresholds) - start)))
    labels_x = [t("model.chart.pred_non_event"), t("model.chart.pred_event")]
    labels_y = [t("model.chart.actual_non_event"), t("model.chart.actual_event")]

    def z(cm):
        return [[cm[0], cm[1]], [cm[2], cm[3]]]

    cm0 = c.confusion[active]
    fig = go.Figure(
        go.Heatmap(
            z=z(cm0),
            x=labels_x,
            y=labels_y,
            text=_confusion_text(cm0),
            texttemplate="%{text}",
            colorscale="Blues",
            showscale=False,
        )
    )
    steps = [
        {"method": "restyle", "label": f"{th:.2f}", "args": [{"z": [z(cm)], "text": [_confusion_text(cm)]}]}
        for th, cm in zip(c.thresholds, c.confusion, strict=True)
    ]
    fig.update_layout(
        sliders=[
            {
                "active": active,
                "steps": steps,
                "pad": {"t": 40},
                "currentvalue": {"prefix": t("model.chart.threshold") + ": "},
            }
        ]
    )
    fig.update_yaxes(autorange="reversed")
    return _layout(
        fig, "model.chart.confusion", title_text=f"{t('model.chart.confusion')} · {_split_name(split)}", height=480
    )


def score_distribution_chart(result: TrainingResult, split: str = "test") -> go.Figure:
    c = result.curves[split]
    edges = np.asarray(c.hist_edges)
    mids = (edges[:-1] + edges[1:]) / 2
    ev, non = np.asarray(c.hist_events, float), np.asarray(c.hist_non_events, float)
    fig = go.Figure()
    other, event = result.target.classes
    fig.add_bar(x=mids, y=non / max(non.sum(), 1), name=f"{other}", marker_color=NON_EVENT_COLOUR, opacity=0.6)
    fig.add_bar(
        x=mids,
        y=ev / max(ev.sum(), 1),
        name=f"{event} ({t('model.chart.event')})",
        marker_color=EVENT_COLOUR,
        opacity=0.6,
    )
    if result.threshold is not None:
        fig.add_vline(x=result.threshold, line={"dash": "dash", "color": "black"})
    fig.update_yaxes(tickformat=".0%")
    return _layout(
        fig,
        "model.chart.score_distribution",
        "model.chart.score",
        "model.chart.share_of_class",
        barmode="overlay",
        title_text=f"{t('model.chart.score_distribution')} · {_split_name(split)}",
    )


def importance_chart(result: TrainingResult, top: int = 20) -> go.Figure:
    """Three panels side by side (gain share, split count, mean |SHAP| share), features in gain order."""
    imp = result.importance[:top][::-1]
    names = [f.feature for f in imp]
    fig = make_subplots(
        rows=1,
        cols=3,
        shared_yaxes=True,
        horizontal_spacing=0.03,
        subplot_titles=[t("model.chart.gain_share"), t("model.chart.split_count"), t("model.chart.shap_share")],
    )
    fig.add_bar(y=names, x=[f.gain for f in imp], orientation="h", marker_color="#1f77b4", row=1, col=1, name="gain")
    fig.add_bar(y=names, x=[f.split for f in imp], orientation="h", marker_color="#7f7f7f", row=1, col=2, name="split")
    fig.add_bar(y=names, x=[f.shap for f in imp], orientation="h", marker_color="#d62728", row=1, col=3, name="SHAP")
    fig.update_xaxes(tickformat=".0%", row=1, col=1)
    fig.update_xaxes(tickformat=".0%", row=1, col=3)
    return _layout(fig, "model.chart.importance", showlegend=False, height=max(320, 28 * len(names) + 120))


def _normalised(values: np.ndarray) -> np.ndarray:
    """Colour scale of a beeswarm: each feature's values as percentile ranks (0 low … 1 high); NaN grey."""
    out = np.full(len(values), np.nan)
    ok = ~np.isnan(values)
    if ok.sum() > 1:
        ranks = values[ok].argsort().argsort()
        out[ok] = ranks / (ok.sum() - 1)
    return out


def shap_beeswarm_chart(result: TrainingResult, top: int = 12) -> go.Figure:
    s = result.shap
    fig = go.Figure()
    if s is None:
        return _layout(fig, "model.chart.shap_beeswarm")
    order = np.argsort(-np.abs(s.values).mean(axis=0))[:top][::-1]
    rng = np.random.default_rng(0)
    for rank, j in enumerate(order):
        name = s.features[j]
        vals = s.values[:, j]
        raw = s.feature_values[name]
        if name in s.categorical:
            colour = np.full(len(vals), 0.5)
            hover = [str(v) for v in raw]
        else:
            colour = _normalised(raw.astype(float))
            hover = [f"{v:.4g}" for v in raw.astype(float)]
        jitter = rng.uniform(-0.3, 0.3, len(vals))
        fig.add_scattergl(
            x=vals,
            y=rank + jitter,
            mode="markers",
            name=name,
            showlegend=False,
            text=hover,
            marker={
                "size": 4,
                "color": np.nan_to_num(colour, nan=0.5),
                "colorscale": "RdBu_r",
                "cmin": 0,
                "cmax": 1,
                "opacity": 0.6,
                "showscale": rank == len(order) - 1,
                "colorbar": {
                    "title": t("model.chart.feature_value"),
                    "tickvals": [0, 1],
                    "ticktext": [t("model.chart.low"), t("model.chart.high")],
                },
            },
            hovertemplate=f"{name}: %{{text}}<br>SHAP %{{x:.3f}}<extra></extra>",
        )
    fig.update_yaxes(tickvals=list(range(len(order))), ticktext=[s.features[j] for j in order])
    fig.add_vline(x=0, line={"color": "#888"})
    return _layout(
        fig, "model.chart.shap_beeswarm", "model.chart.shap_value", None, height=max(360, 34 * len(order) + 120)
    )


def shap_dependence_chart(result: TrainingResult, feature: str | None = None) -> go.Figure:
    """SHAP of one feature against its value (default: the top feature by mean |SHAP|)."""
    s = result.shap
    fig = go.Figure()
    if s is None:
        return _layout(fig, "model.chart.shap_dependence")
    if feature is None:
        feature = s.features[int(np.abs(s.values).mean(axis=0).argmax())]
    j = s.features.index(feature)
    raw = s.feature_values[feature]
    if feature in s.categorical:
        fig.add_box(
            x=[str(v) if v is not None else t("model.chart.missing") for v in raw],
            y=s.values[:, j],
            boxpoints="outliers",
            marker_color="#1f77b4",
            name=feature,
        )
    else:
        fig.add_scattergl(
            x=raw.astype(float),
            y=s.values[:, j],
            mode="markers",
            name=feature,
            marker={"size": 4, "opacity": 0.5, "color": "#1f77b4"},
        )
        missing = np.isnan(raw.astype(float))
        if missing.any():
            fig.add_annotation(
                text=t("model.chart.missing_rows", rows=int(missing.sum())),
                showarrow=False,
                xref="paper",
                yref="paper",
                x=1,
                y=1.05,
            )
    fig.add_hline(y=0, line={"color": "#888"})
    fig.update_xaxes(title=feature)
    return _layout(
        fig,
        "model.chart.shap_dependence",
        None,
        "model.chart.shap_value",
        title_text=f"{t('model.chart.shap_dependence')} · {feature}",
    )


LIGHTGBM_METRICS = {"binary_logloss": "logloss", "multi_logloss": "logloss", "l1": "mae"}  # LightGBM's names


def history_chart(result: TrainingResult) -> go.Figure:
    """Every recorded metric by boosting round for train and valid; the dashed line is the kept round."""
    metrics = list(result.history.get("valid", {}))
    titles = [column_header(LIGHTGBM_METRICS.get(m, m)) for m in metrics]  # binary_logloss → 로그 손실
    fig = make_subplots(rows=1, cols=len(metrics) or 1, subplot_titles=titles or [""])
    for col, metric in enumerate(metrics, start=1):
        for split in ("train", "valid"):
            values = result.history.get(split, {}).get(metric)
            if values:
                fig.add_scatter(
                    y=values,
                    x=list(range(1, len(values) + 1)),
                    mode="lines",
                    name=_split_name(split),
                    line={"color": SPLIT_COLOURS[split]},
                    showlegend=col == 1,
                    row=1,
                    col=col,
                )
        fig.add_vline(x=result.best_iteration, line={"dash": "dash", "color": "black"}, row=1, col=col)
    fig.update_xaxes(title=t("model.chart.iteration"))
    return _layout(fig, "model.chart.history")


def run_comparison_chart(runs: Sequence[tuple[str, dict[str, dict[str, float]]]], metric: str = "auc") -> go.Figure:
    """``runs``: (label, {split: {metric: value}}) pairs, e.g. from stored run records."""
    fig = go.Figure()
    for split in ("train", "valid", "test"):
        fig.add_bar(
            x=[label for label, _ in runs],
            y=[m.get(split, {}).get(metric) for _, m in runs],
            name=_split_name(split),
            marker_color=SPLIT_COLOURS[split],
        )
    return _layout(
        fig,
        "model.chart.run_comparison",
        None,
        None,
        barmode="group",
        title_text=f"{t('model.chart.run_comparison')} · {column_header(metric)}",
    )


def threshold_metrics_chart(result: TrainingResult, split: str = "test", threshold: float | None = None) -> go.Figure:
    """Precision, recall and F1 against the threshold (``workbench.model.thresholds``), with the threshold in
    use and the best-F1 threshold marked."""
    from workbench.model.thresholds import threshold_curve

    curve = threshold_curve(result.curves[split])
    xs = [r.threshold for r in curve.rows]
    fig = go.Figure()
    for name, values, colour in (
        ("precision", [r.precision for r in curve.rows], "#1f77b4"),
        ("recall", [r.recall for r in curve.rows], "#d62728"),
        ("f1", [r.f1 for r in curve.rows], "#2ca02c"),
    ):
        fig.add_scatter(x=xs, y=values, mode="lines", name=t(f"table.col.{name}"), line={"color": colour})
    best = curve.best_f1
    fig.add_scatter(
        x=[best.threshold],
        y=[best.f1],
        mode="markers",
        marker={"size": 10, "color": "#2ca02c", "symbol": "diamond"},
        name=t("model.chart.best_f1", threshold=f"{best.threshold:.2f}", f1=f"{best.f1:.3f}"),
    )
    current = threshold if threshold is not None else (result.threshold or 0.5)
    fig.add_vline(x=current, line_dash="dot", line_color="#555")
    fig.update_xaxes(range=[0, 1])
    fig.update_yaxes(range=[0, 1.02], tickformat=".0%")
    return _layout(
        fig,
        "model.chart.threshold_metrics",
        "model.chart.threshold",
        None,
        title_text=f"{t('model.chart.threshold_metrics')} · {_split_name(split)}",
        legend={"orientation": "h", "y": -0.2},
    )


def chart(name: str, result: TrainingResult) -> go.Figure:
    """The chart called ``name`` in ``CHARTS`` with its default arguments (for the card and the page tabs)."""
    return {
        "roc": roc_chart,
        "pr": pr_chart,
        "ks": ks_chart,
        "lift": lift_chart,
        "gain": gain_chart,
        "calibration": calibration_chart,
        "confusion": confusion_chart,
        "threshold_metrics": threshold_metrics_chart,
        "score_distribution": score_distribution_chart,
        "importance": importance_chart,
        "shap_beeswarm": shap_beeswarm_chart,
        "shap_dependence": shap_dependence_chart,
        "history": history_chart,
    }[name](result)


def charts_for(result: TrainingResult) -> tuple[str, ...]:
    return tuple(name for name, tasks in CHARTS if result.task in tasks)
