"""Every page goes through ``app.py``'s router, even when a bookmark opens it first on a fresh server.

Streamlit treats an app with a ``pages/`` folder as a version-1 multipage app until ``st.navigation`` has
run once in the process; a deep link (``/profile``) as the very first request would then run the page file
alone, without the sidebar, the language or the page list. ``through_router()`` at the top of a page turns
that mode off and reruns, so the router draws the page instead.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def through_router() -> None:
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
