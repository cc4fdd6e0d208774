"""Data: load tables (sample bank, files, databases), see what passed the privacy gate, declare roles and keys."""

import streamlit as st

from workbench.ui.router import through_router

through_router()

from workbench.i18n import t
from workbench.ui import state
from workbench.ui.data_views import database_source, file_source, preview, roles_editor, sample_source, tables_overview

st.title(t("data.title"))
st.caption(t("data.intro"))
with st.expander(t("data.help.title")):
    st.markdown(t("data.help.body"))
state.show_flashes()

st.subheader(t("data.load.title"))
tab_sample, tab_file, tab_db = st.tabs([t("data.tab.sample"), t("data.tab.file"), t("data.tab.db")])
with tab_sample:
    sample_source()
with tab_file:
    file_source()
with tab_db:
    database_source()

st.subheader(t("data.tables.title"))
tables_overview()

certified = state.certified_tables()
if certified:
    st.subheader(t("data.preview.title"))
    chosen = st.selectbox(t("data.preview.pick"), list(certified), key="wb.data.preview_table")
    preview(certified[chosen])
    with st.expander(t("data.preview.how.title")):
        st.markdown(t("data.preview.how.body"))

    st.subheader(t("data.roles.title"))
    roles_editor(certified)
    with st.expander(t("data.roles.how.title")):
        st.markdown(t("data.roles.how.body"))
