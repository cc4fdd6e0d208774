"""Tabs that build only the open one.

A plain ``st.tabs`` runs and sends every tab's content, and the browser lays out every hidden chart and table
too: with ten analysts on one server that drawing, not the script, is what makes pages slow. Keyed tabs with
``on_change="rerun"`` tell which one is open (``.open``), so a page builds that one only and a click on another
tab reruns the page to build it.

Streamlit forgets a widget's value when the widget is not drawn in a run, so a filter set in a hidden tab would
be back at its default when its tab opens again. ``keep`` names those widgets (keys, or prefixes ending in "."); their
values are written back into the session each run, which Streamlit keeps whether the widget is drawn or not.
Only choices belong there (selects, checkboxes, text): buttons, uploaders and table selections cannot be set.

The open tab is held by position as well as by label, so switching the language (new labels) keeps the analyst
on the same tab. AppTest cannot click a tab: ``tests/lazy_tab.py`` opens one by position.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st


def lazy_tabs(labels: Sequence[str], key: str, keep: tuple[str, ...] = ()) -> Sequence:
    """``st.tabs(labels)`` keyed by ``key``; draw into a container only ``if tab.open``. ``keep``: the keys of
    the choices made in the tabs, held while their tab is closed; one ending in "." stands for all under it."""
    for name in [k for k in st.session_state if _kept(k, keep)]:
        st.session_state[name] = st.session_state[name]
    where = f"{key}.at"
    if st.session_state.get(key) not in labels:  # first run, or the labels changed with the language
        at = st.session_state.get(where, 0)
        st.session_state[key] = labels[at if 0 <= at < len(labels) else 0]
    return st.tabs(list(labels), key=key, on_change=_remember, args=(key, list(labels)))


def _remember(key: str, labels: list[str]) -> None:
    chosen = st.session_state.get(key)
    if chosen in labels:
        st.session_state[f"{key}.at"] = labels.index(chosen)


def _kept(name: object, keep: tuple[str, ...]) -> bool:
    return isinstance(name, str) and any(name == k or (k.endswith(".") and name.startswith(k)) for k in keep)
