"""Opening a tab in AppTest, which cannot click one: pages build only the open tab (``workbench.ui.lazy_tabs``),
so a test looks into another tab the way a click would, by its position, then reruns."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def open_tab(at: AppTest, key: str, position: int) -> AppTest:
    """The tab at ``position`` (0 is the first) of the tabs keyed ``key`` is open after this run."""
    at.session_state[key] = None  # not a label: the page falls back to the remembered position
    at.session_state[f"{key}.at"] = position
    return at.run()
