"""Workbench: the router. Declares the pages and runs the selected one; pages only draw."""

import streamlit as st

from workbench.i18n import t
from workbench.ui.flow import flow_status, remember_place, resume_link
from workbench.ui.learn_views import tour_sidebar
from workbench.ui.nav import FAVICON, available_pages
from workbench.ui.shell import apply_language, sidebar


def run() -> None:
    # A local favicon: a Material icon here would be fetched from a font CDN, which the bank network blocks.
    st.set_page_config(page_title="Workbench", page_icon=str(FAVICON), layout="wide")
    apply_language()
    pages = [st.Page(p.path, title=t(p.title_key), icon=p.icon, url_path=p.url) for p in available_pages()]
    page = st.navigation(pages)
    sidebar()
    remember_place(page.url_path)
    resume_link()
    flow_status()
    tour_sidebar()
    page.run()


run()
