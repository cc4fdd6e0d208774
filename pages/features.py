"""Features: build candidates from certified tables, score and select, expert review, export."""

import streamlit as st

from workbench.ui.router import through_router

through_router()

from workbench.i18n import t
from workbench.ui import features_views as views
from workbench.ui import state
from workbench.ui.lazy_tabs import lazy_tabs

st.title(t("features.page.title"))
st.caption(t("features.page.intro"))
TABS = "wb.features.tab"
tables = state.require_certified()
store = state.store()
progress = views.follow_build()  # a build running off the page: its progress, or its run once done

tab_build, tab_score, tab_review, tab_export = lazy_tabs(
    [t("features.tab.build"), t("features.tab.score"), t("features.tab.review"), t("features.tab.export")],
    key=TABS,
    keep=views.CHOICES,
)  # only the open tab is built and drawn
if tab_build.open:
    with tab_build:
        views.build_section(tables, store, progress)

run = views.current_run(store)
if tab_score.open:
    with tab_score:
        views.score_section(run)
if tab_review.open:
    with tab_review:
        views.review_section(run, store)
if tab_export.open:
    with tab_export:
        views.export_section(run, store)
