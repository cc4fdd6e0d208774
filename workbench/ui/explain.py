"""The "how to read this" expander every chart and table is followed by (tests/test_how_to_read.py checks it)."""

from __future__ import annotations

import streamlit as st

from workbench.i18n import t


def how_to_read(prefix: str) -> None:
    """An expander titled ``<prefix>.title`` holding ``<prefix>.body`` from the catalog."""
    with st.expander(t(f"{prefix}.title")):
        st.markdown(t(f"{prefix}.body"))
