"""Drawing pieces of the Features page for relational schemas: the relationship graph the build will walk,
and the label table's own columns as candidates. Computing lives in ``workbench.features`` (``graph``,
``propose``); the picture in ``workbench.charts.relations_graph``."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from workbench.charts.relations_graph import relationship_chart
from workbench.features.graph import relationship_graph
from workbench.features.project import FeatureProject
from workbench.features.propose import with_label_columns
from workbench.i18n import get_language, t
from workbench.privacy import MaskedTable
from workbench.ui.explain import how_to_read


def relationship_view(project: FeatureProject, tables: Mapping[str, MaskedTable]) -> None:
    """The graph of tables and links, each box saying how its table will be read, before anything is built."""
    graph = relationship_graph(
        project.relations, {n: tb.columns for n, tb in tables.items()}, {n: tb.height for n, tb in tables.items()}
    )
    st.markdown(t("features.graph.title"))
    st.plotly_chart(
        relationship_chart(graph, lang=get_language()),
        width="stretch",
        key="wb.features.graph",
        config={"displayModeBar": False, "staticPlot": True},
    )
    how_to_read("features.graph.how_read")


def label_columns_choice(project: FeatureProject) -> FeatureProject:
    """The label table's own columns as candidates (loan amount, bureau score…), all proposed by default."""
    lt = project.options.label_transforms
    options = [*lt.get("numeric", ()), *lt.get("categorical", ())]
    target = project.relations.label.target
    options = [c for c in options if c != target]
    if not options:
        return project
    picked = st.multiselect(
        t("features.page.label_columns", table=project.relations.label.table),
        options,
        default=options,
        key="wb.features.label_columns",
        help=t("features.page.label_columns_help"),
    )
    return with_label_columns(project, picked)
