"""A standalone HTML profile report that opens from a file on an air-gapped machine.

plotly.js is embedded once (``plotly.offline.get_plotlyjs()``), figures are inlined as JSON, each column's
distribution is an inline SVG (``svg``), styles are in the page, and fonts are the system's: nothing is
fetched from anywhere. Everything shown is rendered from the ``Profile`` object; nothing is recomputed.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime

import plotly.graph_objects as go
import polars as pl
from plotly.offline import get_plotlyjs

from workbench.charts import profile as charts
from workbench.charts.common import FONT, SEVERITY_COLORS
from workbench.i18n import get_language, t
from workbench.i18n.formats import time_zone, when
from workbench.profile import Profile
from workbench.report import svg, tables

MAX_WOE_CHARTS = 20
_CONFIG = {"displaylogo": False, "responsive": True}

_CSS = f"""
body {{ font-family: {FONT}; margin: 0; color: #1c2833; background: #fafbfc; }}
header {{ background: #1f3a5f; color: white; padding: 18px 28px; }}
header h1 {{ margin: 0 0 4px 0; font-size: 22px; }}
nav {{ position: sticky; top: 0; background: white; border-bottom: 1px solid #dfe3e8; padding: 8px 28px; z-index: 9; }}
nav a {{ margin-right: 16px; color: #1f6fb2; text-decoration: none; font-weight: 600; }}
main {{ padding: 8px 28px 40px; max-width: 1400px; }}
section {{ background: white; border: 1px solid #e5e8eb; border-radius: 6px; padding: 14px 18px; margin: 16px 0; }}
h2 {{ font-size: 18px; margin: 4px 0 12px; }} h3 {{ font-size: 15px; margin: 16px 0 8px; }}
table {{ border-collapse: collapse; font-size: 13px; margin: 6px 0; }}
th, td {{ border-bottom: 1px solid #eceff1; padding: 4px 10px; text-align: left; vertical-align: top; }}
th {{ background: #f4f6f8; position: sticky; top: 42px; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
details {{ margin: 4px 0 12px; font-size: 13px; color: #34495e; }} summary {{ cursor: pointer; color: #1f6fb2; }}
.sev {{ color: white; border-radius: 3px; padding: 1px 6px; font-size: 12px; }}
.muted {{ color: #7f8c8d; font-size: 12px; }}
.grid {{ display: grid; grid-template-columns: minmax(280px, 1fr) 2fr; gap: 16px; align-items: start; }}
"""


def _esc(v: object) -> str:
    return "" if v is None else html.escape(str(v))


def _table(df: pl.DataFrame, *, link_column: str | None = None) -> str:
    head = "".join(f"<th>{_esc(c)}</th>" for c in df.columns)
    body = []
    for row in df.iter_rows():
        cells = []
        for name, v in zip(df.columns, row, strict=True):
            cls = ' class="num"' if isinstance(v, int | float) else ""
            text = _esc(f"{v:,}" if isinstance(v, int) else v)
            if link_column and name == link_column and v is not None:
                text = f'<a href="#col-{_anchor(v)}">{text}</a>'
            cells.append(f"<td{cls}>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _anchor(name: object) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in str(name))


def _read(chart: str, read_key: str) -> str:
    """A chart with its "how to read this" note folded under it."""
    return f"{chart}<details><summary>{_esc(t('profile.read.title'))}</summary><p>{_esc(t(read_key))}</p></details>"


def _figure(fig: go.Figure, read_key: str) -> str:
    return _read(fig.to_html(full_html=False, include_plotlyjs=False, config=_CONFIG), read_key)


def _approximate(features: tuple[str, ...]) -> str:
    """A note naming the features cut at approximate quantiles (``--engine spark``), or nothing."""
    if not features:
        return ""
    return f'<p class="muted">{_esc(t("profile.spark.approximate_edges_note", columns=", ".join(features)))}</p>'


def html_report(result: Profile, *, title: str | None = None) -> str:
    """The whole profile as one HTML document (string), in the current language."""
    tp = result.table
    lang = get_language()
    title = title or t("profile.report.title", name=tp.name)
    parts: list[str] = []
    nav = [("overview", "overview"), ("alerts", "alerts"), ("columns", "columns"), ("correlations", "correlations")]

    parts.append(f'<section id="overview"><h2>{_esc(t("profile.section.overview"))}</h2>')
    parts.append(_table(tables.overview_frame(result)))
    parts.append(_figure(charts.kinds_bar(tp), "profile.read.kinds"))
    parts.append(_figure(charts.missing_bars(tp), "profile.read.missing"))
    parts.append(_figure(charts.missing_patterns(tp), "profile.read.patterns"))
    parts.append(f"<h3>{_esc(t('profile.page.columns_table'))}</h3>")
    parts.append(_table(tables.columns_frame(result), link_column=t("profile.col.column")))
    parts.append("</section>")

    parts.append(f'<section id="alerts"><h2>{_esc(t("profile.section.alerts"))} ({len(result.alerts)})</h2>')
    parts.append(f'<p class="muted">{_esc(t("profile.read.alerts"))}</p><table><tbody>')
    for a in result.alerts:
        color = SEVERITY_COLORS[a.severity]
        target = f'<a href="#col-{_anchor(a.column)}">{_esc(a.column)}</a>' if a.column else "—"
        parts.append(
            f'<tr><td><span class="sev" style="background:{color}">{_esc(t(f"profile.severity.{a.severity}"))}'
            f"</span></td><td>{_esc(a.title())}</td><td>{target}</td><td>{_esc(a.message())}</td></tr>"
        )
    parts.append("</tbody></table></section>")

    parts.append(f'<section id="columns"><h2>{_esc(t("profile.section.columns"))}</h2>')
    for c in tp.columns:
        parts.append(
            f'<h3 id="col-{_anchor(c.name)}">{_esc(c.name)} '
            f'<span class="muted">{_esc(t(f"profile.kind.{c.kind}"))}</span></h3>'
        )
        for a in (a for a in result.alerts if a.column == c.name):
            parts.append(f'<p class="muted">⚠ {_esc(a.message())}</p>')
        parts.append('<div class="grid"><div>' + _table(tables.column_stats_frame(c)) + "</div><div>")
        if chart := svg.distribution_svg(c):
            parts.append(_read(chart, "profile.read.distribution"))
        parts.append("</div></div>")
    parts.append("</section>")

    corr = result.correlations
    parts.append(f'<section id="correlations"><h2>{_esc(t("profile.section.correlations"))}</h2>')
    if corr.sampled:
        parts.append(
            f'<p class="muted">{_esc(t("profile.page.sampled", n=f"{corr.sample_size:,}", rows=f"{corr.rows:,}"))}</p>'
        )
    for method, names in (("pearson", corr.numeric), ("spearman", corr.numeric), ("cramers_v", corr.categorical)):
        if len(names) > 1:
            parts.append(_figure(charts.correlation_heatmap(corr, method), "profile.read.correlation"))
    parts.append(f"<h3>{_esc(t('profile.page.top_pairs'))}</h3>" + _table(tables.pairs_frame(result)))
    parts.append("</section>")

    if result.target is not None:
        ta = result.target
        nav.append(("target", "target"))
        parts.append(f'<section id="target"><h2>{_esc(t("profile.section.target"))}</h2>')
        parts.append(
            "<p>"
            + _esc(
                t(
                    "profile.page.event",
                    target=ta.target,
                    event=ta.event,
                    rate=f"{100 * ta.event_rate:.2f}",
                    events=f"{ta.events:,}",
                    rows=f"{ta.rows:,}",
                ).replace("**", "")
            )
            + "</p>"
        )
        parts.append(_approximate(ta.approximate_edges))
        parts.append(_figure(charts.iv_bars(ta), "profile.read.iv"))
        parts.append(_table(tables.iv_frame(ta)))
        for tb in ta.tables[:MAX_WOE_CHARTS]:
            parts.append(_figure(charts.woe_chart(tb), "profile.read.woe") + _table(tables.bins_frame(tb)))
        parts.append("</section>")
    if result.stability is not None:
        st = result.stability
        nav.append(("stability", "stability"))
        parts.append(f'<section id="stability"><h2>{_esc(t("profile.section.stability"))}</h2>')
        parts.append(_approximate(st.approximate_edges))
        parts.append(_figure(charts.psi_bars(st), "profile.read.psi"))
        parts.append(_figure(charts.psi_trend(st), "profile.read.psi_trend"))
        parts.append(_table(tables.psi_frame(st)))
        parts.append("</section>")

    links = "".join(f'<a href="#{anchor}">{_esc(t(f"profile.section.{key}"))}</a>' for anchor, key in nav)
    stamp = f"{when(datetime.now(UTC))} ({time_zone().key})"  # the bank's zone (WORKBENCH_TZ), not the server's
    subtitle = t(
        "profile.report.subtitle",
        rows=f"{tp.rows:,}",
        columns=tp.n_columns,
        when=stamp,
        fingerprint=tp.fingerprint[:12],
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{_esc(title)}</title>'
        f"<style>{_CSS}</style><script>{get_plotlyjs()}</script></head><body>"
        f"<header><h1>{_esc(title)}</h1><div>{_esc(subtitle)}</div></header><nav>{links}</nav>"
        f"<main>{''.join(parts)}</main></body></html>"
    )
