"""The sidebar's "where am I" list: each stage of the flow with what the workspace already holds."""

from __future__ import annotations

import streamlit as st

from workbench.errors import UserError
from workbench.i18n import t
from workbench.ui import state


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
