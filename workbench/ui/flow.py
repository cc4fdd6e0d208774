"""The sidebar's "where am I" list: each stage of the flow with what the workspace already holds."""

from __future__ import annotations

import streamlit as st

from workbench.errors import UserError
from workbench.i18n import t
from workbench.ui import place, state


def flow_status() -> None:
    certified, raw = state.certified_tables(), state.raw_tables()
    try:
        s = state.store()
        n_features, n_reviewed = len(s.features.list()), len(s.reviews.states())
        n_runs = len(s.runs.list(limit=1000))
    except UserError:
        n_features = n_reviewed = n_runs = 0
    steps = [
        (bool(certified or raw), t("flow.data", n=len(certified) + len(raw))),
        (bool(certified) and not raw, t("flow.privacy", ok=len(certified), pending=len(raw))),
        (None if certified else False, t("flow.profile")),  # ready to explore once anything is certified
        (n_features > 0, t("flow.features", n=n_features, reviewed=n_reviewed)),
        (n_runs > 0, t("flow.model", n=n_runs)),
    ]
    st.sidebar.markdown("**" + t("flow.title") + "**")
    icon = {
        True: ":material/check_circle:",
        False: ":material/radio_button_unchecked:",
        None: ":material/arrow_circle_right:",
    }
    st.sidebar.markdown("  \n".join(f"{icon[done]} {i}. {text}" for i, (done, text) in enumerate(steps, 1)))


PLACE = "wb.place"  # the page this session last recorded in the store
RESUME = "wb.place.resume"  # the page this user was on before this session started (offered once)


def remember_place(url_path: str) -> None:
    """Record the page as this analyst's place (``workbench.ui.place``) when it changes, so a new session can
    offer the way back; the first run of a session reads where the analyst was before."""
    from workbench.ui.nav import available_pages

    pages = available_pages()
    url = url_path or (pages[0].url if pages else "")
    if st.session_state.get(PLACE) == (place.analyst(), url):
        return
    if PLACE not in st.session_state:
        last = place.last("page")
        st.session_state[RESUME] = last if last != url else None
    place.remember("page", url)
    st.session_state[PLACE] = (place.analyst(), url)


def resume_link() -> None:
    """ "Continue where you left off": a sidebar link to the page of the previous session, until the user
    goes there or elsewhere past the first page."""
    from workbench.ui.nav import available_pages

    if state.in_tour():  # the tour starts where it says, not where an analyst was
        return
    resume = st.session_state.get(RESUME)
    target = next((p for p in available_pages() if p.url == resume), None)
    if target is None or st.session_state.get(PLACE, (None, None))[1] == resume:
        return
    st.sidebar.page_link(target.path, label=t("flow.resume", page=t(target.title_key)), icon=":material/history:")
