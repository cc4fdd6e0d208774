"""Where an analyst is in the app (page, dataset), so a reload brings it back, and two analysts on one server
never get each other's.

Two keys:
- the browser tab: its address holds the page (the path), the dataset (``?dataset=``) and the analyst's
  name (``?who=``); a reload of that tab restores exactly what it showed, whatever another tab did since.
- the analyst: the name given for reviews (the OS user until one is typed) keys the store's ``ui_state``;
  a fresh tab with no parameters falls back to that analyst's last place.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from workbench.errors import UserError
from workbench.i18n import t
from workbench.store.names import check_name
from workbench.ui import state

NAME_BOX = "wb.who.box"  # the sidebar's name field
WHO = "wb.who"  # this tab's analyst; not under wb.features.*, so entering or leaving the tour keeps it
WHO_PARAM, DATASET_PARAM = "who", "dataset"
REVIEWER = "wb.features.reviewer"  # the review form's name field, prefilled with this name


def adopt() -> None:
    """At the top of every run: a new session takes the analyst's name from the address; the name is written
    back, since a page change through the sidebar clears the address's parameters."""
    if WHO not in st.session_state:
        st.session_state[WHO] = _valid(st.query_params.get(WHO_PARAM))
    who = st.session_state[WHO]
    if who and st.query_params.get(WHO_PARAM) != who:
        st.query_params[WHO_PARAM] = who


def analyst() -> str | None:
    """The name this tab works under, or None: the store then keys the place by the OS user."""
    return st.session_state.get(WHO)


def name_box() -> None:
    """The analyst's name, asked once in the sidebar of every page (prefilled from ``?who=``): places and
    review verdicts are keyed by it, so unnamed tabs never share the OS user's place by accident."""
    if st.session_state.get(NAME_BOX) != (analyst() or ""):  # named elsewhere (the address, the review form)
        st.session_state[NAME_BOX] = analyst() or ""
    st.sidebar.text_input(t("place.who"), key=NAME_BOX, help=t("place.who_help"), on_change=_named)


def _named() -> None:
    set_analyst(st.session_state[NAME_BOX])
    st.session_state.pop(REVIEWER, None)  # the review form follows the new name


def set_analyst(name: str | None) -> None:
    st.session_state[WHO] = _valid(name)
    if st.session_state[WHO]:
        st.query_params[WHO_PARAM] = st.session_state[WHO]
    else:
        st.query_params.pop(WHO_PARAM, None)


def _valid(name: Any) -> str | None:
    if not isinstance(name, str) or not name.strip():
        return None
    try:
        return check_name(name, "user")
    except UserError:  # a hand-edited address with control characters: no name, not an error page
        return None


def last(field: str) -> Any:
    """What this analyst recorded last under ``field`` (``page``, ``model_dataset``, ``label``)."""
    try:
        return state.store().ui_state.get(analyst()).get(field)
    except UserError:
        return None


def remember(field: str, value: Any) -> None:
    """Record ``field`` for this analyst when it changed (a place, never a decision: not audited)."""
    try:
        if last(field) != value:
            state.store().ui_state.update(analyst(), {field: value})
    except UserError:
        return


def dataset_index(field: str, options: list[str]) -> int:
    """Which of ``options`` a dataset picker starts on: this tab's ``?dataset=``, else the analyst's last
    choice under ``field``, else the first."""
    for wanted in (st.query_params.get(DATASET_PARAM), last(field)):
        if wanted in options:
            return options.index(wanted)
    return 0


def remember_dataset(field: str, name: str) -> None:
    """The picked dataset into this tab's address and the analyst's place."""
    if st.query_params.get(DATASET_PARAM) != name:
        st.query_params[DATASET_PARAM] = name
    remember(field, name)
