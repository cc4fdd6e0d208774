"""Charts of stored run records (``workbench.model.runs.record_from_run``): what the Model page draws after a
reload, when the trained model's full result is gone but its record is in the store. Pure record → Figure.

Labels are run ids; every chart here has a "how to read this" text under ``model.help.<name>``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from workbench.charts.model import LAYOUT, _layout

Record = Mapping[str, Any]
PALETTE = ("#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")


def roc_overlay(runs: Sequence[tuple[str, Record]], split: str = "test") -> go.Figure:
    """One ROC line per run on ``split`` (runs stored without curves are left out of the lines)."""
    from workbench.i18n import t

    fig = go.Figure()
    for i, (label, rec) in enumerate(runs):
        curve = (rec.get("curves") or {}).get(split)
        if not curve:
            continue
        auc = (rec.get("metrics") or {}).get(split, {}).get("auc")
        name = f"{label} AUC {auc:.3f}" if auc is not None else label
        fig.add_scatter(
            x=curve["fpr"], y=curve["tpr"], mode="lines", name=name, line={"color": PALETTE[i % len(PALETTE)]}
        )
    fig.add_scatter(
        x=[0, 1], y=[0, 1], mode="lines", name=t("model.chart.random"), line={"dash": "dot", "color": "#bbbbbb"}
    )
    fig.update_xaxes(range=[0, 1])
    fig.update_yaxes(range=[0, 1.02])
    return _layout(fig, "model.chart.roc", "model.chart.fpr", "model.chart.tpr", legend={"orientation": "h", "y": -0.2})


def importance_overlay(runs: Sequence[tuple[str, Record]], top: int = 15) -> go.Figure:
    """Gain share per feature, one bar per run, over the features that are in any run's top ``top``."""
    shares = {label: {f["feature"]: f.get("gain") or 0.0 for f in rec.get("importance") or ()} for label, rec in runs}
    names: list[str] = []
    for label, _ in runs:
        ranked = sorted(shares[label], key=lambda f: -shares[label][f])[:top]
        names += [f for f in ranked if f not in names]
    names = names[::-1]
    fig = go.Figure()
    for i, (label, _) in enumerate(runs):
        fig.add_bar(
            y=names,
            x=[shares[label].get(f, 0.0) for f in names],
            orientation="h",
            name=label,
            marker_color=PALETTE[i % len(PALETTE)],
        )
    fig.update_xaxes(tickformat=".0%")
    height = max(LAYOUT["height"], 22 * len(names) * max(1, len(runs)) // 2 + 140)
    return _layout(
        fig,
        "model.chart.importance",
        "model.chart.gain_share",
        None,
        barmode="group",
        height=height,
        legend={"orientation": "h", "y": -0.15},
    )
