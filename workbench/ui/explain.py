"""The "how to read this" expander every chart and table is followed by (tests/test_how_to_read.py checks it)."""

from __future__ import annotations

import streamlit as st

from workbench.i18n import t


def read_box(body_key: str, title_key: str) -> None:
    """An expander titled ``title_key`` holding ``body_key`` from the catalog; each page keeps its own title
    ("이렇게 읽으세요", "표는 이렇게 읽으세요"…)."""
    with st.expander(t(title_key)):
        st.markdown(t(body_key))


def how_to_read(prefix: str) -> None:
    """``read_box`` of ``<prefix>.body`` titled ``<prefix>.title``."""
    read_box(f"{prefix}.body", f"{prefix}.title")
