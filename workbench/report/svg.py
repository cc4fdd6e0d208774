"""Each column's distribution in the HTML report as a small inline SVG: bars, a few axis labels, a tooltip
per bar.

A 50-column report with one plotly figure per column spent most of its time building figure objects
(about 12 ms each) and made the browser start 50 plotly plots on opening. The column charts are read, not
explored, so they are drawn here as static vector graphics; the page keeps its interactive plotly charts,
and the report keeps plotly for the overview, correlation, IV and PSI charts.
"""

from __future__ import annotations

import html
from datetime import date, timedelta

from workbench.charts.common import FONT, PALETTE
from workbench.i18n import t
from workbench.profile.columns import ColumnProfile

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 34, 34  # plot margins inside the SVG
EPOCH = date(1970, 1, 1)


def _e(v: object) -> str:
    return html.escape(str(v), quote=True)


def number(v: float) -> str:
    """An axis label: thousands separated for amounts, three significant digits for small values."""
    if v == int(v) or abs(v) >= 1_000:
        return f"{v:,.0f}"
    return f"{v:.3g}"


def _label(v: float, *, as_date: bool) -> str:
    return str(EPOCH + timedelta(days=round(v))) if as_date else number(v)


def _frame(title: str, body: list[str]) -> str:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-label="{_e(title)}" style="max-width:{WIDTH}px;font-family:{_e(FONT)};font-size:12px">'
        f'<text x="0" y="16" font-size="14" font-weight="600" fill="#1c2833">{_e(title)}</text>'
    )
    return head + "".join(body) + "</svg>"


def histogram_svg(column: ColumnProfile) -> str:
    """Rows per histogram bin; special codes inside the range are marked with a dotted red line."""
    bins = column.histogram
    as_date = column.kind == "date"
    lo, hi = bins[0][0], bins[-1][1]
    span = (hi - lo) or 1.0
    top = max(n for *_, n in bins) or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    base = TOP + plot_h

    def x(v: float) -> float:
        return LEFT + (v - lo) / span * plot_w

    rows = t("profile.chart.rows")
    body = [
        f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" stroke="#95a5a6"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end" fill="#5f6b73">{top:,}</text>',
        f'<text x="{LEFT - 6}" y="{base}" text-anchor="end" fill="#5f6b73">0</text>',
        f'<text x="{LEFT - 6}" y="{TOP + plot_h / 2}" text-anchor="end" fill="#5f6b73">{_e(rows)}</text>',
    ]
    for a, b, n in bins:
        h = n / top * plot_h
        tip = f"{_label(a, as_date=as_date)} – {_label(b, as_date=as_date)}: {n:,} {rows}"
        body.append(
            f'<rect x="{x(a) + 0.5:.1f}" y="{base - h:.1f}" width="{max(x(b) - x(a) - 1, 1):.1f}" height="{h:.1f}" '
            f'fill="{PALETTE[0]}"><title>{_e(tip)}</title></rect>'
        )
    for v, anchor in ((lo, "start"), ((lo + hi) / 2, "middle"), (hi, "end")):
        body.append(
            f'<text x="{x(v):.1f}" y="{base + 16}" text-anchor="{anchor}" fill="#5f6b73">'
            f"{_e(_label(v, as_date=as_date))}</text>"
        )
    for code in column.special_codes:
        if lo <= code.value <= hi:
            cx = x(code.value)
            body.append(
                f'<line x1="{cx:.1f}" y1="{TOP}" x2="{cx:.1f}" y2="{base}" stroke="{PALETTE[3]}" '
                f'stroke-dasharray="3 3"><title>{_e(number(code.value))}: {code.count:,} {_e(rows)}</title></line>'
            )
    return _frame(t("profile.chart.histogram_title", column=column.name), body)


def _share(share: float) -> str:
    return f"{100 * share:.1f}%" if share >= 0.001 or share == 0 else f"{100 * share:.2g}%"


def top_values_svg(column: ColumnProfile) -> str:
    """The most frequent values as horizontal bars, share of all rows at the end of each bar."""
    top = column.top
    row_h = (HEIGHT - TOP - 8) / max(len(top), 1)
    label_w = 170
    widest = max(v.share for v in top) or 1.0
    plot_w = WIDTH - label_w - 70
    body = []
    for k, v in enumerate(top):
        y = TOP + k * row_h
        w = v.share / widest * plot_w
        name = v.value if len(v.value) <= 24 else v.value[:23] + "…"
        tip = f"{v.value}: {v.count:,} ({_share(v.share)})"
        body.append(
            f'<text x="{label_w - 8}" y="{y + row_h * 0.65:.1f}" text-anchor="end" fill="#1c2833">{_e(name)}</text>'
            f'<rect x="{label_w}" y="{y + row_h * 0.15:.1f}" width="{max(w, 1):.1f}" height="{row_h * 0.7:.1f}" '
            f'fill="{PALETTE[0]}"><title>{_e(tip)}</title></rect>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + row_h * 0.65:.1f}" fill="#5f6b73">{_share(v.share)}</text>'
        )
    return _frame(t("profile.chart.top_title", column=column.name), body)


def distribution_svg(column: ColumnProfile) -> str:
    """Histogram for numeric and date columns, top values for the others; nothing for an identifier (each
    value once: a bar chart of ten equal bars says nothing) or a column with neither."""
    if column.histogram and column.kind in ("numeric", "date"):
        return histogram_svg(column)
    return top_values_svg(column) if column.top and column.kind != "id_like" else ""
