"""The relationship graph of a feature spec as a picture: tables as boxes, links as arrows (many → one),
the label entity outlined, each box saying how its table is read. A pure function of
``features.graph.RelationshipGraph``: plotly shapes and annotations, no JavaScript of its own."""

from __future__ import annotations

import plotly.graph_objects as go

from workbench.features.graph import RelationshipGraph
from workbench.i18n import t

ROLE_COLOURS = {
    "label": ("#e3f2fd", "#1565c0"),
    "entity": ("#e8f5e9", "#2e7d32"),
    "lookup": ("#efebe9", "#6d4c41"),
    "events": ("#fff8e1", "#ef6c00"),
    "snapshot": ("#f3e5f5", "#8e24aa"),
    "unlinked": ("#eceff1", "#b0bec5"),
}
BOX_W, BOX_H, GAP_X, GAP_Y = 2.0, 0.95, 3.0, 1.3


def _positions(graph: RelationshipGraph) -> dict[str, tuple[float, float]]:
    """Columns by level (lookups left, aggregated tables right); the label on top of the entity's column."""
    columns: dict[int, list[str]] = {}
    for n in graph.nodes:
        columns.setdefault(n.level, []).append(n.name)
    if graph.entity and graph.entity in columns.get(0, []):
        columns[0] = [graph.label, graph.entity, *[x for x in columns[0] if x not in (graph.label, graph.entity)]]
    out = {}
    for level, names in columns.items():
        top = (len(names) - 1) * GAP_Y / 2
        for i, name in enumerate(names):
            out[name] = (level * GAP_X, top - i * GAP_Y)
    return out


def _border(start: tuple[float, float], end: tuple[float, float]) -> tuple[float, float]:
    """Where the segment start → end enters the box centred at ``end``, so the arrow head stays visible."""
    dx, dy = end[0] - start[0], end[1] - start[1]
    if dx == 0 and dy == 0:
        return end
    scale = min(BOX_W / 2 / abs(dx) if dx else float("inf"), BOX_H / 2 / abs(dy) if dy else float("inf"))
    return end[0] - dx * scale, end[1] - dy * scale


def relationship_chart(graph: RelationshipGraph, *, lang: str | None = None) -> go.Figure:
    pos = _positions(graph)
    fig = go.Figure()
    shapes, notes = [], []
    for n in graph.nodes:
        x, y = pos[n.name]
        fill, line = ROLE_COLOURS[n.role]
        marked = n.name == graph.entity
        shapes.append(
            dict(
                type="rect",
                x0=x - BOX_W / 2,
                x1=x + BOX_W / 2,
                y0=y - BOX_H / 2,
                y1=y + BOX_H / 2,
                fillcolor=fill,
                line=dict(color=line, width=3.5 if marked else 1.5, dash="solid" if n.role != "unlinked" else "dot"),
                layer="below",
            )
        )
        role = t(f"features.graph.role.{n.role}", lang)
        if n.bridge:
            role += " · " + t("features.graph.bridge", lang)
        rows = t("features.graph.rows", lang, rows=f"{n.rows:,}") if n.rows is not None else ""
        how = t(f"features.graph.how.{n.role}", lang)
        mark = t("features.graph.entity_mark", lang) + " " if marked else ""
        text = f"<b>{mark}{n.name}</b> <span style='font-size:10px'>{rows}</span><br>{role}"
        text += f"<br><span style='font-size:10px;color:#546e7a'>{how}</span>"
        notes.append(dict(x=x, y=y, text=text, showarrow=False, font=dict(size=12, color="#263238")))
    for e in graph.edges:
        if e.child not in pos or e.parent not in pos:
            continue
        start, end = pos[e.child], pos[e.parent]
        head, tail = _border(start, end), _border(end, start)
        far = abs(start[0] - end[0]) > GAP_X * 1.5  # a link that skips a column is drawn lighter
        notes.append(
            dict(
                x=head[0],
                y=head[1],
                ax=tail[0],
                ay=tail[1],
                xref="x",
                yref="y",
                axref="x",
                ayref="y",
                text="",
                showarrow=True,
                arrowhead=3,
                arrowsize=1.2,
                arrowwidth=1.2 if far else 1.6,
                arrowcolor="#b0bec5" if far else "#546e7a",
            )
        )
        at = 0.2 if far else 0.5  # a long link is named near its child, clear of the boxes it passes
        mid = (tail[0] + at * (head[0] - tail[0]), tail[1] + at * (head[1] - tail[1]))
        notes.append(
            dict(
                x=mid[0],
                y=mid[1],
                text=e.column,
                showarrow=False,
                font=dict(size=10, color="#37474f"),
                bgcolor="rgba(255,255,255,0.85)",
            )
        )
    xs = [p[0] for p in pos.values()] or [0.0]
    ys = [p[1] for p in pos.values()] or [0.0]
    height = max(260, int((max(ys) - min(ys) + 1.6) * 105))
    fig.update_layout(
        shapes=shapes,
        annotations=notes,
        height=height,
        margin=dict(l=10, r=10, t=10, b=10),
        plot_bgcolor="white",
        paper_bgcolor="white",
        xaxis=dict(visible=False, range=[min(xs) - BOX_W * 0.7, max(xs) + BOX_W * 0.7], fixedrange=True),
        yaxis=dict(visible=False, range=[min(ys) - BOX_H, max(ys) + BOX_H], fixedrange=True),
        showlegend=False,
    )
    return fig
