"""The sidebar's "where am I" list: each stage of the flow with what the workspace already holds."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from workbench.errors import UserError
from workbench.i18n import t
from workbench.store.tallies import WorkTally, work_tally
from workbench.ui import place, state


def _counts() -> tuple[int, int, WorkTally]:
    """Tables in this session (certified, raw) and what the store holds; a store that cannot be read counts 0."""
    certified, raw = state.certified_tables(), state.raw_tables()
    try:
        tally = work_tally(state.store())
    except UserError:
        tally = WorkTally(features=0, reviewed=0, runs=0)
    return len(certified), len(raw), tally


def _draw(slot, counts: tuple[int, int, WorkTally]) -> None:
    certified, raw, tally = counts
    steps = [
        (bool(certified or raw), t("flow.data", n=certified + raw)),
        (bool(certified) and not raw, t("flow.privacy", ok=certified, pending=raw)),
        (None if certified else False, t("flow.profile")),  # ready to explore once anything is certified
        (tally.features > 0, t("flow.features", n=tally.features, reviewed=tally.reviewed)),
        (tally.runs > 0, t("flow.model", n=tally.runs)),
    ]
    icon = {
        True: ":material/check_circle:",
        False: ":material/radio_button_unchecked:",
        None: ":material/arrow_circle_right:",
    }
    with slot.container():
        st.markdown("**" + t("flow.title") + "**")
        st.markdown("  \n".join(f"{icon[done]} {i}. {text}" for i, (done, text) in enumerate(steps, 1)))


def flow_status() -> Callable[[], None]:
    """Draw the progress list in its place in the sidebar, and return ``refresh`` for ``app.py`` to call after
    the page body: a build, a save or a training in this run then shows in the same run (redrawn in place,
    only when a count changed). A page that stops early (``st.stop()``) keeps the list drawn first."""
    slot = st.sidebar.empty()
    shown = _counts()
    _draw(slot, shown)

    def refresh() -> None:
        now = _counts()
        if now != shown:
            _draw(slot, now)

    return refresh


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
