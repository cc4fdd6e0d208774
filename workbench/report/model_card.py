"""The model card: one standalone HTML file a model-risk reviewer can open on an offline machine.

It renders a ``TrainingResult`` and nothing else (no recomputation): data and privacy policy, target and
event, split, features with their review status, metrics per split beside the WOE scorecard, every chart
with its "how to read this" text, warnings and limitations. plotly.js is embedded once; no CDN, no web font.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping

import plotly.io as pio
from plotly.offline import get_plotlyjs

from workbench.charts import model as charts
from workbench.i18n import get_language, t
from workbench.i18n.formats import when
from workbench.model.baseline import TrainingResult
from workbench.model.metrics import BinaryMetrics, MulticlassMetrics

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Malgun Gothic","Apple SD Gothic Neo",sans-serif;
margin:0;color:#1d1d1f;background:#fafafa}
main{max-width:1100px;margin:0 auto;padding:24px 32px 64px;background:#fff}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;border-bottom:2px solid #e5e5e5;padding-bottom:4px;
margin-top:2rem}table{border-collapse:collapse;width:100%;font-size:.88rem;margin:.5rem 0}
th,td{border:1px solid #e2e2e2;padding:4px 8px;text-align:right}th{background:#f4f6f8}
td.l,th.l{text-align:left}.muted{color:#666;font-size:.85rem}.warn{padding:6px 10px;margin:4px 0;
border-left:4px solid #f0ad4e;background:#fff8ec}.danger{border-left-color:#d9534f;background:#fdf0f0}
.help{background:#f6f8fb;border-left:3px solid #1f77b4;padding:6px 10px;font-size:.85rem;margin-bottom:1rem}
.kv td{text-align:left}.kv td:first-child{width:28%;color:#555}
"""


def _e(v: object) -> str:
    return html.escape(str(v))


def _fmt(v: object) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    if isinstance(v, float):
        return f"{v:.4f}"
    if isinstance(v, int):
        return f"{v:,}"
    return _e(v)


def _kv(rows: list[tuple[str, object]]) -> str:
    return '<table class="kv">' + "".join(f"<tr><td>{_e(k)}</td><td>{_fmt(v)}</td></tr>" for k, v in rows) + "</table>"


def _metrics_table(result: TrainingResult) -> str:
    task = result.task
    if task == "binary":
        cols = ["auc", "gini", "ks", "pr_auc", "logloss", "brier", "precision", "recall", "f1"]
    elif task == "multiclass":
        cols = ["macro_auc", "logloss", "accuracy"]
    else:
        cols = ["rmse", "mae", "r2"]
    head = "".join(f"<th>{_e(c)}</th>" for c in cols)
    rows = []
    for split, m in result.metrics.items():
        extra = f"{m.n:,}" + (f" / {m.events:,}" if isinstance(m, BinaryMetrics) else "")
        rows.append(
            f'<tr><td class="l">LightGBM · {_e(t(f"model.split.{split}"))}</td><td>{extra}</td>'
            + "".join(f"<td>{_fmt(getattr(m, c))}</td>" for c in cols)
            + "</tr>"
        )
    if result.scorecard:
        for split, m in result.scorecard.metrics.items():
            rows.append(
                f'<tr><td class="l">{_e(t("model.card.scorecard"))} · {_e(t(f"model.split.{split}"))}</td>'
                f"<td>{m.n:,} / {m.events:,}</td>" + "".join(f"<td>{_fmt(getattr(m, c))}</td>" for c in cols) + "</tr>"
            )
    rows_head = t("model.card.rows_events") if task == "binary" else t("model.card.rows")
    return (
        f'<table><tr><th class="l">{_e(t("model.card.model_split"))}</th><th>{_e(rows_head)}</th>{head}</tr>'
        + "".join(rows)
        + "</table>"
    )


def _features_table(result: TrainingResult, reviews: Mapping[str, str] | None) -> str:
    head = (
        f'<tr><th class="l">{_e(t("model.card.feature"))}</th><th class="l">{_e(t("model.card.review"))}</th>'
        f"<th>gain</th><th>split</th><th>SHAP</th><th>{_e(t('model.card.univariate_auc'))}</th></tr>"
    )
    rows = []
    for f in result.importance:
        status = (reviews or {}).get(f.feature) or t("model.card.not_reviewed")
        uni = result.univariate_auc.get(f.feature)
        rows.append(
            f'<tr><td class="l">{_e(f.feature)}</td><td class="l">{_e(status)}</td><td>{f.gain:.1%}</td>'
            f"<td>{f.split:,}</td><td>{f.shap:.1%}</td><td>{_fmt(uni)}</td></tr>"
        )
    excluded = ", ".join(f"{e.column} ({t(f'model.exclude.{e.reason}')})" for e in result.excluded)
    return f'<table>{head}{"".join(rows)}</table><p class="muted">{_e(t("model.card.excluded"))}: {_e(excluded)}</p>'


def _limitations(result: TrainingResult) -> list[str]:
    out = [t("model.card.limit.sample", rows=result.data.rows)]
    if result.config.split.kind != "time":
        out.append(t("model.card.limit.not_oot"))
    if result.config.imbalance != "none":
        out.append(t("model.card.limit.weighted"))
    if result.shap is not None:
        out.append(t("model.card.limit.shap", rows=result.shap.rows))
    if result.pooled_levels:
        pooled = ", ".join(f"{c} ({n})" for c, n in result.pooled_levels.items())
        out.append(t("model.card.limit.pooled", columns=pooled))
    out.append(t("model.card.limit.association"))
    return out


def _left_out(result: TrainingResult) -> str:
    """The expert's stored bin edits this fit did not replay (the bins they were made on are gone): one line
    each, as ``train``, ``score`` and the Model page say them, so a reviewer of the card sees them too."""
    gone = result.scorecard.left_out if result.scorecard is not None else ()
    if not gone:
        return ""
    lines = "".join(f'<div class="warn">{_e(e.message())}</div>' for e in gone)
    return f"<h3>{_e(t('scorecard.edit_left_out.title', n=len(gone)))}</h3>{lines}"


def model_card_html(
    result: TrainingResult,
    *,
    reviews: Mapping[str, str] | None = None,
    run_id: str | None = None,
    lang: str | None = None,
) -> str:
    """The card in ``lang`` (default: the current language). ``reviews`` maps feature → review status as the
    features area stored it; features without one are marked as not reviewed."""
    from workbench.i18n import set_language

    previous = get_language()
    if lang:
        set_language(lang)
    try:
        return _render(result, reviews, run_id)
    finally:
        set_language(previous)


def _render(result: TrainingResult, reviews: Mapping[str, str] | None, run_id: str | None) -> str:
    d = result.data
    target_line = t(f"model.task.{result.task}")
    if result.task == "binary":
        target_line += " · " + t("model.event_is", event=result.target.classes[1], other=result.target.classes[0])
    elif result.task == "multiclass":
        target_line += " · " + ", ".join(result.target.classes)
    split = result.config.split
    split_rows = []
    for s in result.splits:
        bits = [f"{s.rows:,}"]
        if s.events is not None:
            bits.append(t("model.card.events", events=s.events, rate=f"{s.events / max(s.rows, 1):.2%}"))
        if s.period:
            bits.append(f"{s.period[0]} … {s.period[1]}")
        if s.groups:
            bits.append(t("model.card.groups", groups=s.groups))
        split_rows.append((t(f"model.split.{s.name}"), " · ".join(bits)))
    data_rows = [
        (t("model.card.dataset"), d.name),
        (t("model.card.fingerprint"), d.fingerprint),
        (
            t("model.card.policy_version"),
            d.policy_version if d.policy_version is not None else t("model.card.no_policy"),
        ),
        (t("model.card.certified"), f"{d.certified_by} · {d.certified_at}"),
        (t("model.card.shape"), f"{d.rows:,} × {d.columns}"),
        (t("model.card.unlabeled"), d.dropped_unlabeled),
        (t("model.card.target"), f"{result.target.column} · {target_line}"),
        (t("model.card.split"), split.kind + (f" ({split.column})" if split.column else "") + f" · seed {split.seed}"),
        *split_rows,
        (t("model.card.trained_at"), when(result.trained_at, seconds=True)),
        (t("model.card.best_iteration"), result.best_iteration),
    ]
    if run_id:
        data_rows.insert(0, (t("model.card.run"), run_id))
    if result.threshold is not None:
        data_rows.append((t("model.chart.threshold"), result.threshold))

    warnings = (
        "".join(
            f'<div class="warn {"danger" if w.severity == "danger" else ""}"><b>{_e(w.code)}</b> · '
            f"{_e(w.message())}</div>"
            for w in result.warnings
        )
        + _left_out(result)
        or f"<p>{_e(t('model.card.no_warnings'))}</p>"
    )

    figures = []
    for name in charts.charts_for(result):
        fig = charts.chart(name, result)
        figures.append(
            f"<h3>{_e(fig.layout.title.text or name)}</h3>"
            f'<div class="help"><b>{_e(t("model.help.title"))}</b>: {_e(t(f"model.help.{name}"))}</div>'
            + pio.to_html(
                fig,
                full_html=False,
                include_plotlyjs=False,
                include_mathjax=False,
                config={"displaylogo": False, "responsive": True},
            )
        )

    params = ", ".join(f"{k}={v}" for k, v in sorted(result.params.items()) if k not in ("verbosity", "num_threads"))
    limits = "".join(f"<li>{_e(x)}</li>" for x in _limitations(result))
    multiclass_note = ""
    if isinstance(result.metrics.get("test"), MulticlassMetrics):
        multiclass_note = f'<p class="muted">{_e(t("model.card.multiclass_note"))}</p>'
    lang = get_language()
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(t("model.card.title"))} · {_e(d.name)} · {_e(result.target.column)}</title>
<style>{CSS}</style><script type="text/javascript">{get_plotlyjs()}</script></head>
<body><main>
<h1>{_e(t("model.card.title"))}: {_e(result.target.column)}</h1>
<p class="muted">{_e(t("model.card.subtitle"))}</p>
<h2>{_e(t("model.card.section.data"))}</h2>{_kv(data_rows)}
<h2>{_e(t("model.card.section.warnings"))}</h2>{warnings}
<h2>{_e(t("model.card.section.metrics"))}</h2>
<div class="help"><b>{_e(t("model.help.title"))}</b>: {_e(t("model.help.metrics"))}</div>
{_metrics_table(result)}{multiclass_note}
<h2>{_e(t("model.card.section.features"))}</h2>{_features_table(result, reviews)}
<h2>{_e(t("model.card.section.charts"))}</h2>{"".join(figures)}
<h2>{_e(t("model.card.section.limitations"))}</h2><ul>{limits}</ul>
<h2>{_e(t("model.card.section.params"))}</h2><p class="muted">{_e(params)}</p>
</main></body></html>"""
