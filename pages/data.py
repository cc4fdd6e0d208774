import streamlit as st

from workbench.i18n import t

st.title(t("nav.data"))
