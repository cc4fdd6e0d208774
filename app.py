"""Workbench: the router. Declares the pages and runs the selected one; pages only draw."""

import streamlit as st

from workbench.i18n import t
from workbench.ui import place
from workbench.ui.flow import flow_status, remember_place, resume_link
from workbench.ui.learn_views import tour_sidebar
from workbench.ui.nav import FAVICON, available_pages, requested_path, unknown_path
from workbench.ui.run_timing import timed
from workbench.ui.shell import apply_language, not_found_page, sidebar


def run() -> None:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    session = ctx.session_id if ctx else "-"
    with timed(session, "-", "script"):
        _run(session)


def _run(session: str) -> None:
    # A local favicon: a Material icon here would be fetched from a font CDN, which the bank network blocks.
    st.set_page_config(page_title="Workbench", page_icon=str(FAVICON), layout="wide")
    apply_language()
    place.adopt()  # whose place this tab keeps: ?who= of the address, else the OS user
    specs = available_pages()
    pages = [st.Page(p.path, title=t(p.title_key), icon=p.icon, url_path=p.url) for p in specs]
    requested = requested_path()
    if requested == specs[0].url:
        # /data: the first page answers at its own name too (it is otherwise served only at the root)
        pages.insert(0, st.Page(not_found_page(None), title=t("nav.not_found"), url_path="home", visibility="hidden"))
    elif missing := unknown_path(requested, specs):
        # a bookmark to a page that does not exist: our own page in the user's language instead of Streamlit's
        # English dialog (which would also run the first page underneath it)
        pages.append(st.Page(not_found_page(missing), title=t("nav.not_found"), url_path=missing, visibility="hidden"))
    page = st.navigation(pages)
    with timed(session, page.url_path, "sidebar"):
        sidebar()
        place.name_box()
        remember_place(page.url_path)
        resume_link()
        refresh_flow = flow_status()
        tour_sidebar()
    with timed(session, page.url_path, "page"):
        page.run()
    with timed(session, page.url_path, "sidebar"):
        refresh_flow()  # after the page body: what it built or saved is counted in this same run


run()
